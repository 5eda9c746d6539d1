"""(issue 14) Pages of the kinds beyond normative documents: a draft per kind (a contract with its
counterparty, amount, type and term), and the year's major-decision catalogue (重大行政决策事项目录,
R17) for the government office that keeps it and for the public. The document page shows a
decision's steps and a contract's signing (web.actions.kind_panel)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.jurisdiction import Jurisdiction
from accounts.models import Organisation, Role
from core.clock import today
from core.errors import DomainError
from core.inputs import parse_int
from core.replica import reads_from_replica
from registry import services as registry_services
from review import permissions, selectors, services
from review.models import DecisionCatalogueItem, Document
from web import forms

KIND_TITLES = {
    Document.Kind.CONTRACT: gettext_lazy("New contract"),
    Document.Kind.MAJOR_DECISION: gettext_lazy("New major decision"),
    Document.Kind.IMPORTANT_DOCUMENT: gettext_lazy("New important document"),
}


@login_required
def document_create_kind(request, kind):
    """A draft of ``kind``: a contract's form asks for its particulars (R18); a decision's and an
    important document's are the draft's own, under their kind's name."""
    if kind not in KIND_TITLES:
        raise Http404
    if request.user.role != Role.DRAFTER:
        raise PermissionDenied(_("Only drafters create documents."))
    form_class = forms.ContractDocumentForm if kind == Document.Kind.CONTRACT else forms.DocumentForm
    form = form_class(request.POST or None, user=request.user)
    for name in ("kind", "validity_years", "provisional"):  # the validity of R12 is a normative document's
        form.fields.pop(name, None)
    if request.method == "POST" and form.is_valid():
        data = form.service_arguments() if hasattr(form, "service_arguments") else dict(form.cleaned_data)
        try:
            doc = services.document_create(actor=request.user, kind=kind, **data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("web:document", doc.pk)
    return render(request, "web/document_form.html", {"form": form, "creating": True, "kind_title": KIND_TITLES[kind]},
                  status=400 if request.method == "POST" else 200)


# --- the decision catalogue (R17) ----------------------------------------------------------
def _year(request) -> int:
    return parse_int(request.GET.get("year", ""), minimum=2000, maximum=9999) or today().year


def _catalogue_government(user) -> int | None:
    """The government whose catalogue ``user`` keeps: a registrar of a government's office."""
    if user.role != Role.REGISTRAR or user.organisation_id is None:
        return None
    government = Jurisdiction().government_of(user.organisation_id)
    return government if government == user.organisation_id else None


def _catalogue_form(user, data=None):
    government = _catalogue_government(user)
    if government is None:
        return None
    organisations = Organisation.objects.filter(pk__in=Jurisdiction().subtree(government)).order_by("code")
    decisions = (permissions.documents_visible_to(user).filter(kind=Document.Kind.MAJOR_DECISION,
                                                               catalogue_item__isnull=True)
                 .defer("current_version__body").order_by("-id"))
    return forms.CatalogueItemForm(data, organisations=organisations, decisions=decisions,
                                   initial={"year": today().year})


@login_required
def catalogue(request):
    """The catalogue for staff: every government's items of the year; the government office's
    registrar adds its own."""
    year = _year(request)
    form = _catalogue_form(request.user, request.POST or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("Only the registrars of a government's office keep its decision catalogue."))
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                item = registry_services.catalogue_item_create(actor=request.user, **data)
            except DomainError as error:
                if error.status == 403:
                    raise PermissionDenied(error.message)
                messages.error(request, error.message)
            else:
                messages.success(request, _("Listed in the decision catalogue."))
                return redirect(f"{request.path}?year={item.year}")
        else:
            messages.error(request, _("Please correct the fields marked below."))
    items = selectors.catalogue(year=year)
    government = _catalogue_government(request.user)
    return render(request, "web/catalogue.html", {
        "year": year, "items": items, "form": form, "government": government,
        "years": _catalogue_years(year)}, status=400 if request.method == "POST" else 200)


def _catalogue_years(year) -> list[int]:
    years = set(DecisionCatalogueItem.objects.values_list("year", flat=True).distinct()) | {today().year, year}
    return sorted(years, reverse=True)


@reads_from_replica
def public_catalogue(request):
    """重大行政决策事项目录, published: the year's items of every government, no login."""
    year = _year(request)
    return render(request, "web/public/decision_catalogue.html", {
        "year": year, "items": selectors.catalogue(year=year), "years": _catalogue_years(year)})
