"""(issue 15) 备案审查 from both sides (R11, R19, DESIGN §4 "Filing review"): the recipient's
filing desk (incoming, overdue first), the issuer's outgoing filings, one filing's thread (its
materials and every act on it), the filing figures, and for the public the review-request form
(审查建议) and the lookup by receipt, which never shows anyone's personal data. Reads come from
registry.selectors and registry.permissions; the acts are registry.services'."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.jurisdiction import Jurisdiction
from accounts.models import REVIEW_ROLES, Organisation, Role
from core.client_address import ClientIdentMixin
from core.clock import today
from core.errors import DomainError
from core.inputs import parse_int
from core.replica import reads_from_replica
from registry import permissions as registry_permissions
from registry import reports, selectors, services
from registry.api.filing_views import ReviewRequestThrottle
from registry.models import Filing, ReviewRequest
from review import permissions
from review.models import Opinion
from web import forms


@dataclass(frozen=True)
class FilingAct:
    name: str
    form: type
    service: Callable

    @property
    def label(self) -> str:
        return registry_permissions.filing_transitions()[self.name].custom["label"]


FILING_ACTS = {act.name: act for act in (
    FilingAct("submit", forms.FilingSubmitForm, services.filing_submit),
    FilingAct("accept", forms.EmptyForm, services.filing_accept),
    FilingAct("return_for_materials", forms.FilingReturnForm, services.filing_return),
    FilingAct("conclude", forms.FilingConcludeForm, services.filing_conclude),
    FilingAct("respond", forms.FilingRespondForm, services.filing_respond),
    FilingAct("reject_response", forms.FilingRejectResponseForm, services.filing_reject_response),
)}
FILING_LOG_ACTIONS = ("filing_submit", "filing_accept", "filing_return", "filing_conclude", "filing_respond",
                      "filing_reject_response")


def _offered(filing, user, bound=None, *, on_desk=False, jurisdiction=None):
    """(act, form) for every act ``user`` may take on ``filing`` now; on a desk the form ids carry
    the filing's id, so that a desk of many filings has no two fields alike."""
    out = []
    for act in FILING_ACTS.values():
        if registry_permissions.may_act_on_filing(user, filing, act.name, jurisdiction=jurisdiction):
            form = bound if bound is not None and bound.prefix == act.name else act.form(
                prefix=act.name, auto_id=f"id_%s_{filing.pk}" if on_desk else "id_%s")
            out.append((act, form))
    return out


def _with_acts(filings, user):
    jurisdiction = Jurisdiction()
    for filing in filings:
        filing.acts = _offered(filing, user, on_desk=True, jurisdiction=jurisdiction)
        filing.deadline = (filing.review_due_on if filing.state == Filing.State.UNDER_REVIEW
                           else filing.correction_due_on if filing.state == Filing.State.CORRECTION_REQUIRED
                           else filing.due_on)
        filing.late_now = bool(getattr(filing, "is_overdue", False))
    return filings


def _listing(request, direction, *, readers, template):
    if not request.user.has_role(*readers):
        raise PermissionDenied(_("This desk is not for your role."))
    state = request.GET.get("state") or None
    if state not in (None, *Filing.State.values):
        state = None
    overdue = request.GET.get("overdue") == "1"
    filings = list(selectors.filing_listing(request.user, direction=direction, state=state, overdue=overdue)[:200])
    requests = []
    if direction == "incoming":  # 审查建议 to the recipient, unanswered first, by due date
        requests = sorted(selectors.review_request_listing(request.user)[:200],
                          key=lambda row: (row.state != ReviewRequest.State.RECEIVED, row.due_on, row.pk))
        for row in requests:
            row.form = (forms.ReviewRequestReplyForm(prefix="reply", auto_id=f"id_%s_{row.pk}")
                        if _may_reply(request.user, row) else None)
    return render(request, template, {"filings": _with_acts(filings, request.user), "state": state, "overdue": overdue,
                                      "states": Filing.State.choices, "direction": direction,
                                      "requests": requests, "today": today()})


def _may_reply(user, row) -> bool:
    try:
        registry_permissions.check_reply(user, row)
    except DomainError:
        return False
    return True


@login_required
@reads_from_replica
def filing_desk(request):
    """The recipient's desk (R19): filings received, overdue first, then by due date."""
    return _listing(request, "incoming", readers=(*REVIEW_ROLES, Role.AUDITOR), template="web/filing_desk.html")


@login_required
@reads_from_replica
def filing_outgoing(request):
    """The issuer's filings (R11): what its registrars submit and answer."""
    return _listing(request, "outgoing", readers=(Role.REGISTRAR, Role.AUDITOR), template="web/filing_outgoing.html")


def _filing_or_404(user, pk) -> Filing:
    try:
        return registry_permissions.access_filing(user, pk)
    except DomainError:
        raise Http404


def _thread_context(request, filing, bound=None, error=None):
    document = filing.document
    rows = list(document.history.filter(action__in=FILING_LOG_ACTIONS, opinion__startswith=f"【{filing.recipient.name}】")
                .select_related("actor").order_by("seq"))
    prefix = f"【{filing.recipient.name}】"
    for row in rows:
        row.text = row.opinion[len(prefix):]
    opinions = list(Opinion.objects.filter(document=document, status=Opinion.Status.ISSUED).order_by("signed_at", "id"))
    return {"filing": filing, "document": document, "log": rows, "opinions": opinions,
            "acts": _offered(filing, request.user, bound), "error": error,
            "may_open_document": permissions.may_see(request.user, document)}


@login_required
def filing_thread(request, pk):
    """One filing: its materials, where it stands, and the thread of acts between the issuer and
    the recipient (returns, the conclusion, the answers to a correction)."""
    filing = _filing_or_404(request.user, pk)
    return render(request, "web/filing_thread.html", _thread_context(request, filing))


@login_required
@require_POST
def filing_act(request, pk, act):
    """An act on a filing: 404 when the user may not see it, 403 when it is the other side's,
    409 when the state does not admit it (the service's message on the thread)."""
    chosen = FILING_ACTS.get(act)
    if chosen is None:
        raise Http404
    filing = _filing_or_404(request.user, pk)
    form = chosen.form(request.POST, prefix=chosen.name)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        return render(request, "web/filing_thread.html", _thread_context(request, filing, form), status=400)
    try:
        chosen.service(actor=request.user, filing_id=pk, **form.cleaned_data)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(error.message)
        messages.error(request, error.message)
        filing = _filing_or_404(request.user, pk)
        return render(request, "web/filing_thread.html", _thread_context(request, filing, form, error.message),
                      status=error.status)
    messages.success(request, _("Done: %(action)s.") % {"action": chosen.label})
    back = request.POST.get("next")
    if back in ("incoming", "outgoing"):
        return redirect("web:filing-desk" if back == "incoming" else "web:filing-outgoing")
    return redirect("web:filing", pk)


@login_required
def filing_figures(request):
    """报备率, 及时率, 规范率 per issuer and in total (DESIGN §6), for the user's area: a
    registrar's issuers, a recipient's own filings, an overseer's government."""
    user = request.user
    if not user.has_role(Role.REGISTRAR, Role.AUDITOR, *REVIEW_ROLES):
        raise PermissionDenied(_("This page is not for your role."))
    year = parse_int(request.GET.get("year", ""), minimum=2000, maximum=9999) or today().year
    org_ids = [user.organisation_id] if user.role in REVIEW_ROLES else permissions.figure_org_ids(user)
    figures = reports.filing_figures(year, org_ids)
    names = dict(Organisation.objects.filter(code__in=figures["by_issuer"]).values_list("code", "name"))
    rows = [(names.get(code, code), counts) for code, counts in figures["by_issuer"].items()]
    return render(request, "web/filing_figures.html", {"year": year, "total": figures, "rows": rows})


@login_required
@require_POST
def review_request_reply(request, pk):
    """The recipient's reviewers answer a review request once (R19); 404 to whom may not see it,
    403 to an overseer, 409 when answered already."""
    try:
        registry_permissions.access_review_request(request.user, pk)
    except DomainError:
        raise Http404
    form = forms.ReviewRequestReplyForm(request.POST, prefix="reply")
    if not form.is_valid():
        messages.error(request, _("Please choose an outcome and write the reply."))
        return redirect("web:filing-desk")
    try:
        services.review_request_reply(actor=request.user, request_id=pk, **form.cleaned_data)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(error.message)
        messages.error(request, error.message)
        return redirect("web:filing-desk")
    messages.success(request, _("Reply recorded."))
    return redirect("web:filing-desk")


# --- 审查建议 (R19): the public's form and the lookup by receipt ------------------------------
class PageReviewRequestThrottle(ClientIdentMixin, ReviewRequestThrottle):
    """The API's limit on review requests (THROTTLE_REVIEW_REQUESTS), shared with the page and
    keyed by the real client address (core.client_address)."""


def review_request_form(request):
    form = forms.ReviewRequestForm(request.POST or None, initial={"document": request.GET.get("document", "")[:100]})
    if request.method == "POST":
        throttle = PageReviewRequestThrottle()
        if not throttle.allow_request(request, None):
            messages.error(request, _("Too many requests from your address; please try again later."))
            response = render(request, "web/public/review_request.html", {"form": form}, status=429)
            response["Retry-After"] = str(max(1, int(throttle.wait() or 1)))
            return response
        if form.is_valid():
            data = dict(form.cleaned_data)
            if data.pop("website"):
                # A robot filled in the hidden field: answer as if received, store nothing.
                return render(request, "web/public/review_request_receipt.html", {"receipt": None})
            try:
                receipt, _rows = services.review_request_create(**data)
            except DomainError as error:
                messages.error(request, error.message)
                return render(request, "web/public/review_request.html", {"form": form}, status=error.status)
            return render(request, "web/public/review_request_receipt.html", {"receipt": receipt}, status=201)
        return render(request, "web/public/review_request.html", {"form": form}, status=400)
    return render(request, "web/public/review_request.html", {"form": form, "lookup": forms.ReceiptForm()})


def review_request_status(request):
    """A request's state and reply by its receipt: no name, no contact, no reason."""
    form = forms.ReceiptForm(request.GET or None)
    status, code = None, 200
    if form.is_bound and form.is_valid():
        try:
            status = services.review_request_status(form.cleaned_data["receipt"].strip())
        except DomainError as error:
            messages.error(request, error.message)
            code = error.status
        else:
            status["state_label"] = ReviewRequest.State(status["state"]).label
            outcomes = dict(ReviewRequest.Outcome.choices)
            status["outcome_label"] = outcomes.get(status["outcome"], "")
            for reply in status["replies"]:
                reply["state_label"] = ReviewRequest.State(reply["state"]).label
                reply["outcome_label"] = outcomes.get(reply["outcome"], "")
    return render(request, "web/public/review_request_status.html", {"form": form, "status": status}, status=code)
