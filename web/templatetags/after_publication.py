"""The document pages' "after publication" panel (R20): the chain of repeals and amendments both
ways and the policy interpretation. A template tag, so that the pages' views need no change:
``{% load after_publication %}{% after_publication_panel document public=True as after %}``.
On the public page only public documents are linked (review.selectors.after_publication)."""
from django import template

from review import permissions, selectors
from review.models import Document

register = template.Library()


@register.simple_tag
def after_publication_panel(document, public=False):
    links = selectors.after_publication_of(document)
    ids = set(links["repeals"]) | set(links["amends"]) | set(links["amended_by"])
    if links["repealed_by"]:
        ids.add(links["repealed_by"])
    shown = selectors.public_documents() if public else Document.objects.all()
    by_id = {d.pk: d for d in shown.filter(pk__in=ids).select_related(None).only("pk", "number", "title", "state")}

    def docs(values):
        return [by_id[i] for i in values if i in by_id]

    return {"repeals": docs(links["repeals"]), "amends": docs(links["amends"]),
            "repealed_by": docs([links["repealed_by"]] if links["repealed_by"] else []),
            "amended_by": docs(links["amended_by"]), "interpretation": links["interpretation"],
            "any": bool(by_id) or links["interpretation"] is not None}


@register.simple_tag(takes_context=True)
def may_write_interpretation(context, document):
    """Whether the page should offer the interpretation form to this user now."""
    return permissions.may(context["request"].user, document, "write_interpretation")
