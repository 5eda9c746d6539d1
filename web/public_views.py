"""The public portal (no login): published documents with their numbers and full text, search,
the Atom feed, and the drafts out for public comment with a comment form (CSRF on, honeypot)."""
import html

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.inputs import normalise_text
from core.replica import reads_from_replica
from registry import selectors as registry_selectors
from review import selectors, services
from review.api.views import public_comment_throttles
from core.errors import DomainError
from core.clock import today
from web import forms


@reads_from_replica
def portal(request):
    q = normalise_text(request.GET.get("q", "")).strip()[:100]  # no NUL for the database to refuse
    documents = selectors.public_documents().defer("current_version__body")
    documents = selectors.search(documents, q)
    page = Paginator(documents, 20).get_page(request.GET.get("page"))
    consultations = list(selectors.documents_open_for_comment().defer("current_version__body")[:10])
    return render(request, "web/public/portal.html", {"page": page, "q": q, "consultations": consultations})


@reads_from_replica
def public_document(request, pk):
    document = selectors.public_documents().filter(pk=pk).first()
    if document is None:
        raise Http404
    report = selectors.comment_report(document) if document.comment_closes_on else None
    return render(request, "web/public/document.html", {"document": document, "report": report})


@reads_from_replica
def consultation(request, pk):
    document = selectors.documents_open_for_comment().filter(pk=pk).first()
    if document is None:
        raise Http404
    form = forms.PublicCommentForm(request.POST or None)
    refused = [t for t in public_comment_throttles() if not t.allow_request(request, None)] \
        if request.method == "POST" else []
    if refused:
        messages.error(request, _("Too many comments from your address; please try again later."))
        response = render(request, "web/public/consultation.html", {"document": document, "form": form}, status=429)
        wait = max((t.wait() or 0) for t in refused)
        response["Retry-After"] = str(max(1, int(wait)))
        return response
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data.pop("website"):
            # A robot filled in the hidden field: answer as if accepted, store nothing.
            messages.success(request, _("Thank you: your comment has been received."))
            return redirect("web:consultation", pk)
        try:
            services.comment_create(document_id=pk, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you: your comment has been received."))
            return redirect("web:consultation", pk)
    return render(request, "web/public/consultation.html", {"document": document, "form": form, "today": today()},
                  status=400 if request.method == "POST" else 200)


# --- after publication (R20): the catalogue in force and clean-up results ------------------------
@reads_from_replica
def catalogue(request):
    """现行有效规范性文件目录 as of a date (default today), for an issuer or all, a page at a time."""
    issuers = registry_selectors.catalogue_issuers()
    try:
        as_of, issuer = registry_selectors.catalogue_query(request.GET)
        page = registry_selectors.catalogue_page(as_of=as_of, issuer=issuer,
                                                 number=registry_selectors.catalogue_page_number(request.GET))
    except DomainError as error:
        return render(request, "web/public/catalogue.html", {"error": error.message,
                                                             "issuer_options": _issuer_options(issuers, None)},
                      status=error.status)
    # every row links to its document: the address reversed once, around the id (not a {% url %}
    # a row), and the dates as ISO text (what |date:"Y-m-d" gives, without a formatter a cell)
    marker = "2147483647"
    document_url = reverse("web:public-document", args=[marker]).split(marker)
    return render(request, "web/public/catalogue.html", {
        "page": page, "rows": _catalogue_rows(page.rows, document_url), "as_of": as_of, "issuer": issuer,
        "issuer_options": _issuer_options(issuers, issuer), "campaigns": registry_selectors.published_cleanups()[:20]})


# The catalogue's table and its choice of issuer are built here as safe strings, each value
# escaped as the template's autoescape would ({{ … }} of a str is django.utils.html.escape, which
# is html.escape with quotes): the catalogue is every row (884 of an issuer's at 1,000,000
# documents) and a province has hundreds of issuers, and a {% for %} over them cost more than the
# queries. The markup is what the template's was, byte for byte (tests/web/test_catalogue_page.py).
def _catalogue_rows(documents, document_url):
    head, tail = html.escape(document_url[0]), html.escape(document_url[1])
    names = {}  # an issuer's name escaped once
    parts = []
    for pk, number, title, issuer_id, _, issuer_name, published_on, effective_from, expires_on in documents:
        name = names.get(issuer_id)
        if name is None:
            name = names[issuer_id] = html.escape(issuer_name)
        parts.append(f'<tr><td>{html.escape(number or "")}</td><td><a href="{head}{pk}{tail}">{html.escape(title)}</a>'
                     f'</td><td>{name}</td><td>{_iso(published_on)}</td><td>{_iso(effective_from)} — '
                     f'{expires_on.isoformat() if expires_on else "—"}</td></tr>\n')
    return mark_safe("".join(parts))


def _issuer_options(issuers, selected):
    """The <option>s of the issuer choice, the one shown selected."""
    chosen = selected.pk if selected is not None else None
    return mark_safe("".join(
        f'<option value="{html.escape(code)}"{" selected" if pk == chosen else ""}>{html.escape(name)}</option>'
        for pk, code, name in issuers))


def _iso(day):
    """{{ day.isoformat }}: the ISO date, or nothing for none (the template's missing attribute)."""
    return "" if day is None else day.isoformat()


@reads_from_replica
def cleanup_result(request, pk):
    campaign = registry_selectors.public_cleanup(pk)
    if campaign is None:
        raise Http404
    return render(request, "web/public/cleanup.html",
                  {"campaign": campaign, "items": registry_selectors.cleanup_items(campaign)})
