"""Staff pages: each role's home with its to-do list (待办), the document page with the acts the
user may take now, the dashboard and the inbox. Reads come from the selectors, writes go
through the services; a refused act shows the service's Chinese message and changes nothing."""
from __future__ import annotations

import csv
import dataclasses
import difflib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.models import REVIEW_ROLES, Organisation, Role
from core import pdf
from core.calendar import Calendar
from core.clock import today
from core.errors import DomainError
from core.inputs import parse_int
from core.replica import reads_from_replica
from notifications.models import InboxMessage
from registry import permissions as registry_permissions
from registry import reports
from registry import selectors as registry_selectors
from registry import services as registry_services
from review import files, letters, lifecycle, permissions, selectors, services
from review.api.filters import DocumentFilter
from review.history import verify_chain
from review.models import Document, Opinion, ReviewRound, State
from review.precheck.rules import name as rule_name
from web import actions, charts, forms


# --- home ----------------------------------------------------------------------------------
@login_required
def home(request):
    role = request.user.role
    if role == Role.DRAFTER:
        todo = selectors.drafter_todo(request.user)
        for doc in todo["returned"]:
            doc.last_outcome_label = ReviewRound.Outcome(doc.last_outcome).label if doc.last_outcome else ""
        state_rows = [(value, label, todo["counts"][value]) for value, label in State.choices]
        return render(request, "web/home_drafter.html", {"todo": todo, "state_rows": state_rows, "today": today()})
    if role == Role.REVIEW_HEAD:
        return head_desk(request)
    if role == Role.REVIEWER:
        return handler_desk(request)
    if role == Role.ADVISER:
        return adviser_home(request)
    if role == Role.REGISTRAR:
        return render(request, "web/home_registrar.html", {"todo": registry_selectors.registrar_todo(request.user),
                                                           "today": today()})
    if role == Role.AUDITOR:
        return auditor_home(request)
    raise PermissionDenied(_("Your account has no role yet; ask the administrator."))


def _with_days_left(docs, calendar):
    """Each document's working days left until its review is due (negative: overdue)."""
    for doc in docs:
        doc.days_left = calendar.count_working_days(today(), doc.review_due_at)[0] if doc.review_due_at else None
        doc.days_overdue = -doc.days_left if doc.days_left is not None and doc.days_left < 0 else None
    return docs


def head_desk(request):
    """审核负责人's desk: cases to assign, opinions to sign, overdue cases, and the cases it handles."""
    user = request.user
    desk = selectors.head_desk(user)
    calendar = Calendar()
    _with_days_left(desk["unassigned"] + desk["overdue"], calendar)
    _with_days_left([o.document for o in desk["awaiting_signoff"]], calendar)
    mine = _with_days_left(selectors.handler_cases(user), calendar)
    staff = actions.people_for("assign", body_id=user.organisation_id)
    assign = actions.BY_NAME["assign"]
    for doc in desk["unassigned"]:
        doc.assign_form = actions.make_form(assign, choices=staff, auto_id=f"id_%s_{doc.pk}")
    return render(request, "web/home_head.html", {"desk": desk, "mine": mine})


def handler_desk(request):
    """审核人员（承办人）'s desk: my cases by working days left, pauses, opinions sent back."""
    desk = selectors.handler_desk(request.user)
    calendar = Calendar()
    _with_days_left(desk["cases"], calendar)
    if desk["queue"] is not None:
        _with_days_left(desk["queue"], calendar)
    return render(request, "web/home_reviewer.html", {"desk": desk, "queue": desk["queue"]})


def adviser_home(request):
    """法律顾问/公职律师's home: the documents it is invited to, its pending opinions first."""
    invitations = selectors.adviser_desk(request.user)
    give = actions.BY_NAME["give_adviser_opinion"]
    for invitation in invitations:
        invitation.pending = (not invitation.answered_at and invitation.review_round.is_open
                              and invitation.document.state == State.LEGALITY_REVIEW
                              and not invitation.review_round.is_paused)
        if invitation.pending:
            invitation.form = actions.make_form(give, choices={}, auto_id=f"id_%s_{invitation.pk}")
    return render(request, "web/home_adviser.html", {"invitations": invitations})


def auditor_home(request):
    listing = DocumentFilter(request.GET, queryset=  # unfiltered at first: every document in view
                             permissions.documents_visible_to(request.user)
                             .defer("current_version__body").order_by("-updated_at", "-id"))
    page = Paginator(listing.qs if listing.is_valid() else Document.objects.none(), 50).get_page(request.GET.get("page"))
    year = today().year
    figures = reports.annual_figures(year, org_ids=permissions.overseen_org_ids(request.user))
    return render(request, "web/home_auditor.html", {
        "filter": listing, "page": page, "figures": figures, "paragraphs": reports.annual_paragraphs(figures),
        "states": State.choices, "kinds": Document.Kind.choices,
        "organisations": Organisation.objects.filter(
            pk__in=permissions.overseen_org_ids(request.user) or Organisation.objects.values("pk")).order_by("code"),
        "query": request.GET.urlencode(),
    })


@login_required
def audit_verify(request):
    if request.user.role != Role.AUDITOR:
        raise PermissionDenied
    return render(request, "web/audit_verify.html", {"report": verify_chain()})


# --- documents -----------------------------------------------------------------------------
def _document_or_404(user, document_id) -> Document:
    """The document if the user may see it; 404 otherwise, as in the API (DESIGN §3)."""
    try:
        return permissions.access_document(user, document_id)
    except DomainError:
        raise Http404


@login_required
def document_create(request):
    if request.user.role != Role.DRAFTER:
        raise PermissionDenied(_("Only drafters create documents."))
    form = forms.DocumentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.document_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("web:document", doc.pk)
    return render(request, "web/document_form.html", {"form": form, "creating": True},
                  status=400 if request.method == "POST" else 200)


@login_required
def document_edit(request, pk):
    doc = _document_or_404(request.user, pk)
    if not actions.may_edit(doc, request.user):
        raise PermissionDenied(_("Only the drafting department edits a document, and only while drafting."))
    initial = {"title": doc.title, "kind": doc.kind, "issuer": doc.issuer, "affects_rights": doc.affects_rights,
               "business_related": doc.business_related, "validity_years": doc.validity_years,
               "provisional": doc.provisional, "body": doc.body}
    form_class = forms.DocumentForm
    if doc.kind == Document.Kind.CONTRACT:  # R18: a contract's particulars are edited with its text
        form_class = forms.ContractDocumentForm
        initial.update(counterparty=doc.contract_counterparty, amount_yuan=doc.contract_amount_yuan,
                       contract_type=doc.contract_type, term_months=doc.contract_term_months)
    form = form_class(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments() if isinstance(form, forms.ContractDocumentForm) else form.cleaned_data
        try:
            services.document_update(actor=request.user, document_id=pk, **data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("web:document", pk)
    return render(request, "web/document_form.html", {"form": form, "document": doc},
                  status=400 if request.method == "POST" else 200)


def _highlighted(body: str, findings: list[dict]) -> str:
    """The text with the pre-check's passages marked, escaped piece by piece."""
    out, pos = [], 0
    for f in sorted(findings or [], key=lambda f: f["start"]):
        if f["start"] < pos:
            continue
        out.append(escape(body[pos:f["start"]]))
        out.append(f'<mark class="finding" title="{escape(rule_name(f["rule"]))}：{escape(f["explanation"])}">'
                   f'{escape(body[f["start"]:f["end"]])}</mark>')
        pos = f["end"]
    out.append(escape(body[pos:]))
    return mark_safe("".join(out))


def _diff(versions, spec):
    if not spec or len(versions) < 2:
        return None
    by_number = {v.number: v for v in versions}
    try:
        a, b = (by_number[int(x)] for x in spec.split(","))
    except (ValueError, KeyError):
        return None
    table = difflib.HtmlDiff(wrapcolumn=50).make_table(a.body.splitlines(), b.body.splitlines(),
                                                       f"v{a.number}", f"v{b.number}", context=True, numlines=2)
    return {"from": a.number, "to": b.number, "table": mark_safe(table)}


def _document_context(request, doc, *, forms_by_action=None, error=None):
    versions = list(selectors.versions_of(doc))
    current = next((v for v in versions if v.pk == doc.current_version_id), None)
    comments = selectors.comments_of(doc).exists()
    report = selectors.comment_report(doc, include_names=True) if comments else None
    if report:  # 50 groups a page: a flood of 10,000 distinct comments must not make a 5 s page
        report["page"] = Paginator(report["groups"], 50).get_page(request.GET.get("comments_page"))
    offered = actions.offered_actions(doc, request.user)
    forms_by_action = forms_by_action or {}
    rounds = list(selectors.review_rounds_of(doc).select_related("handler").prefetch_related("adviser_invitations"))
    open_round = next((r for r in rounds if r.is_open), None)
    opinions = _opinions_shown(request.user, doc)
    desk_actions = actions.offered_desk_actions(doc, request.user, open_round=open_round, opinions=opinions)
    awaiting = next((o for o in opinions if o.status == Opinion.Status.AWAITING_SIGNOFF), None)
    if awaiting is not None:  # R15: one draft at a time; it is signed or sent back first
        offered = [a for a in offered if a.name not in actions.DRAFTING_ACTS]
    days_left = (Calendar().count_working_days(today(), doc.review_due_at)[0]
                 if open_round and doc.review_due_at else None)
    findings = list(selectors.findings_of(doc))
    for finding in findings:
        finding.status_label = forms.FINDING_STATUS_LABELS.get(finding.status, finding.get_status_display())
    return {
        "open_round": open_round,
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else None,
        "opinions": opinions,
        "awaiting": awaiting,
        "adviser_opinions": list(selectors.adviser_opinions_of(doc)),
        "desk_actions": [(a, forms_by_action.get(a.name) or actions.make_form(a, doc)) for a in desk_actions],
        "document": doc,
        "body_html": _highlighted(doc.body, current.precheck if current else []),
        "precheck": [{**f, "rule_name": rule_name(f["rule"])} for f in (current.precheck or [])] if current else [],
        "versions": versions,
        "diff": _diff(versions, request.GET.get("diff")),
        "rounds": rounds,
        "findings": findings,
        "comments": comments,
        "comment_report": report,
        "history": _labelled(selectors.history_of(doc), doc),
        "state_label": reworded(doc.get_state_display(), doc),
        "actions": [(dataclasses.replace(a, label=reworded(a.label, doc)),
                     forms_by_action.get(a.name) or a.form(prefix=a.name),
                     forms.FindingFormSet(prefix=f"{a.name}-findings") if a.with_findings else None)
                    for a in offered],
        "may_edit": actions.may_edit(doc, request.user),
        "may_dispose": actions.may_dispose_comments(doc, request.user),
        "may_resolve": actions.may_resolve_findings(doc, request.user),
        "may_evaluate": actions.may_record_evaluation(doc, request.user),
        "dispose_form": forms.DisposeForm(), "resolve_form": forms.ResolveFindingForm(),
        "evaluation_form": forms.EvaluationForm(initial={"evaluated_on": today()}),
        "error": error,
        "kind_panel": actions.kind_panel(doc, request.user, forms_by_action),
    }


STATE_LABELS = dict(State.choices)


def reworded(text: str, doc) -> str:
    """合法性审查 for decisions, contracts and other documents (Document.review_word), in the labels
    the lifecycle shares with normative documents (报送合法性审核, 合法性审核中)."""
    word = doc.review_word
    return text.replace("合法性审核", word) if word != "合法性审核" and text else text


def _opinions_shown(user, doc) -> list:
    """The document's opinion letters: issued ones to whoever sees the document; drafts (awaiting
    signature, sent back) to the review body only."""
    opinions = selectors.opinions_visible_to(user).filter(document=doc).order_by("drafted_at", "id")
    if user.role not in REVIEW_ROLES:
        opinions = opinions.filter(status=Opinion.Status.ISSUED)
    return list(opinions.prefetch_related(None).select_related("drafted_by", "signed_by"))


def _labelled(history, doc=None):
    rows = list(history)
    for row in rows:
        row.action_label = lifecycle.label(row.action)
        row.from_label = STATE_LABELS.get(row.from_state, row.from_state)
        row.to_label = STATE_LABELS.get(row.to_state, row.to_state)
        if doc is not None:
            row.action_label, row.from_label, row.to_label = (
                reworded(row.action_label, doc), reworded(row.from_label, doc), reworded(row.to_label, doc))
    return rows


@login_required
def document_detail(request, pk):
    doc = _document_or_404(request.user, pk)
    return render(request, "web/document_detail.html", _document_context(request, doc))


def _refused(request, pk, error, form_name=None, form=None):
    doc = _document_or_404(request.user, pk)
    context = _document_context(request, doc, forms_by_action={form_name: form} if form_name else None,
                                error=error.message)
    messages.error(request, error.message)
    return render(request, "web/document_detail.html", context, status=error.status)


@login_required
@require_POST
def document_act(request, pk, action):
    act = actions.BY_NAME.get(action)
    if act is None:
        raise Http404
    doc = _document_or_404(request.user, pk)
    form = actions.make_form(act, doc, request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the fields marked below."))
        context = _document_context(request, doc, forms_by_action={act.name: form})
        return render(request, "web/document_detail.html", context, status=400)
    kwargs = dict(form.cleaned_data)
    if act.with_findings:
        findings = forms.FindingFormSet(request.POST, prefix=f"{act.name}-findings")
        kwargs["findings"] = [f.cleaned_data for f in findings if f.is_valid() and f.cleaned_data.get("article")] \
            if findings.is_valid() else []
    try:
        result = act.service(actor=request.user, document_id=pk, **kwargs)
    except DomainError as error:
        return _refused(request, pk, error, act.name, form)
    messages.success(request, reworded(actions.done_message(act, result, kwargs), doc))
    if request.POST.get("next") == "home":  # an act taken on a desk goes back to the desk
        return redirect("web:home")
    return redirect("web:document", pk)


# --- opinion letters (审核意见书) ------------------------------------------------------------
@login_required
def opinion_letter(request, pk):
    """The 审核意见书 as its reader sees it: number, sections, handler, signer, date, and the
    .docx / PDF of the API. 404 unless the user may see the document; a draft not yet issued
    only to the review body."""
    opinion = (selectors.opinions_visible_to(request.user).select_related("document__drafting_org")
               .filter(pk=pk).first() if 0 < pk <= permissions.MAX_ID else None)
    if opinion is None or (opinion.status != Opinion.Status.ISSUED and request.user.role not in REVIEW_ROLES):
        raise Http404
    return render(request, "web/opinion_letter.html", {
        "opinion": opinion, "letter": letters.opinion_letter(opinion), "document": opinion.document,
        "issued": opinion.status == Opinion.Status.ISSUED,
        "pdf_available": pdf.renderer(settings.SOFFICE_PATH) is not None,
    })


def _small_form(request, pk, form_class, service, invalid, done, **ids):
    """The document page's small forms (one comment, one finding, an evaluation): validate, call
    the service, and come back to the page with what happened."""
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("web:document", pk)
    try:
        service(actor=request.user, document_id=pk, **ids, **form.cleaned_data)
    except DomainError as error:
        return _refused(request, pk, error)
    messages.success(request, done)
    return redirect("web:document", pk)


@login_required
@require_POST
def comment_dispose(request, pk, comment_id):
    return _small_form(request, pk, forms.DisposeForm, services.comment_dispose, _("Please choose a disposition."),
                       _("Disposition recorded."), comment_id=comment_id)


@login_required
@require_POST
def finding_resolve(request, pk, finding_id):
    return _small_form(request, pk, forms.ResolveFindingForm, services.finding_resolve,
                       _("Please choose resolved or not resolved."), _("Finding confirmed."), finding_id=finding_id)


@login_required
@require_POST
def evaluation_record(request, pk):
    return _small_form(request, pk, forms.EvaluationForm, registry_services.document_record_evaluation,
                       _("Please correct the evaluation form."), _("Evaluation recorded."))


# --- dashboard -----------------------------------------------------------------------------
@login_required
@reads_from_replica
def dashboard(request):
    if request.user.role not in (Role.REGISTRAR, Role.AUDITOR):
        raise PermissionDenied
    year_param = request.GET.get("year", "")
    year = parse_int(year_param, minimum=1900, maximum=9999) or today().year  # never int("²")
    org_ids = permissions.figure_org_ids(request.user)
    counts = selectors.state_counts(permissions.documents_visible_to(request.user))
    by_month = reports.reviews_by_month(year, org_ids)
    review_rate = [(f"{m}月", by_month[m][1] / by_month[m][0] if by_month.get(m, (0,))[0] else None)
                   for m in range(1, 13)]  # all twelve months; a month without opinions is —, not 0%
    figures = reports.annual_figures(year, org_ids)
    filing_rate = figures["filed_on_time"] / figures["filed"] if figures["filed"] else None
    charts_by_id = {
        "states": charts.hbars([(label, counts[value]) for value, label in State.choices]),
        "reviews": charts.columns(review_rate, percent=True),
        "filings": charts.hbars([(_("Filed on time"), filing_rate)], width=360, percent=True),
    }
    export = request.GET.get("export")
    if export in charts_by_id:  # each chart's table as CSV (UTF-8 with a BOM for Excel)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="dashboard-{export}-{year}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([_("Item"), _("Value")])
        writer.writerows([b.label, b.text] for b in charts_by_id[export]["bars"])
        return response
    return render(request, "web/dashboard.html", {
        "year": year,
        "states_chart": charts_by_id["states"],
        "review_chart": charts_by_id["reviews"],
        "filing_chart": charts_by_id["filings"],
        "figures": figures,
    })


# --- inbox ---------------------------------------------------------------------------------
@login_required
def inbox(request):
    rows = (InboxMessage.objects.filter(recipient=request.user).select_related("document")
            .order_by(F("read_at").asc(nulls_first=True), "-created_at")[:100])
    return render(request, "web/inbox.html", {"messages_list": rows})


@login_required
@require_POST
def inbox_read(request, message_id):
    InboxMessage.objects.filter(recipient=request.user, pk=message_id, read_at__isnull=True).update(
        read_at=timezone.now())
    return redirect("web:inbox")


def unread_count(request):
    """Context processor: the inbox badge in the header (one query on staff pages)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_count": lambda: InboxMessage.objects.filter(recipient=request.user, read_at__isnull=True).count()}


# --- (v2) documents as files ---------------------------------------------------------------
@csrf_exempt
@login_required
@require_POST
def version_upload(request, pk):
    """A .docx as the draft's new version (review.files). The size limit applies while the body is
    read, so the handler goes in before CSRF's check reads the form (which then runs here)."""
    request.upload_handlers.insert(0, files.LimitedUploadHandler(request))
    return _version_upload(request, pk)


@csrf_protect
def _version_upload(request, pk):
    try:
        upload = files.uploaded_file(request)
        version = files.version_upload(actor=request.user, document_id=pk, upload=upload)
    except DomainError as error:
        return _refused(request, pk, error)
    messages.success(request, f"已上传并生成第{version.number}版；请核对提取的正文和预检结果。")
    return redirect("web:document", pk)


# --- after publication (R20): the registrar's clean-up desk and the policy interpretation --------
def _registrar_only(user):
    if user.role != Role.REGISTRAR:
        raise PermissionDenied(_("Only registrars run clean-up campaigns."))


@login_required
def cleanup_desk(request):
    """清理: the campaigns of the registrar's office, and a form to open one."""
    _registrar_only(request.user)
    form = forms.CleanupOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cleanup = registry_services.cleanup_open(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Clean-up campaign opened."))
            return redirect("web:cleanup", cleanup.pk)
    return render(request, "web/cleanup_desk.html",
                  {"form": form, "campaigns": registry_selectors.cleanups_of_office(request.user),
                   "todo": registry_selectors.evaluation_outcomes_todo(request.user)[:50]},
                  status=400 if request.method == "POST" else 200)


@login_required
def cleanup(request, pk):
    """One campaign: decide each item (POST ``document``), publish the result (POST ``publish``)."""
    try:
        campaign = registry_permissions.access_cleanup(request.user, pk)
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(error.message)
        raise Http404
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                registry_services.cleanup_publish(actor=request.user, cleanup_id=pk)
                messages.success(request, _("The clean-up result is published and has taken effect."))
            else:
                form = forms.CleanupDecisionForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Please choose a decision and give a reason."))
                    return redirect("web:cleanup", pk)
                registry_services.cleanup_decide(actor=request.user, cleanup_id=pk,
                                                 document_id=request.POST.get("document", ""), **form.cleaned_data)
                messages.success(request, _("Decision recorded."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("web:cleanup", pk)
    items = registry_selectors.cleanup_items(campaign)
    return render(request, "web/cleanup.html", {"campaign": campaign, "items": items,
                                                "undecided": sum(1 for i in items if not i.decision),
                                                "form": forms.CleanupDecisionForm()})


@login_required
def interpretation(request, pk):
    """政策解读 (R20): the drafting department writes it; it is public with the document."""
    doc = _document_or_404(request.user, pk)
    try:
        permissions.check_act(request.user, doc, "write_interpretation")
    except DomainError as error:
        if error.status == 403:
            raise PermissionDenied(error.message)
        messages.error(request, error.message)
        return redirect("web:document", pk)
    current = selectors.after_publication_of(doc)["interpretation"] or {}
    form = forms.InterpretationForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.interpretation_write(actor=request.user, document_id=pk, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Interpretation saved."))
            return redirect("web:document", pk)
    return render(request, "web/interpretation_form.html", {"form": form, "document": doc},
                  status=400 if request.method == "POST" else 200)
