"""An Atom feed of newly published documents (DESIGN §7): open, key-less.

Text is text (issue 17): the summary is declared ``type="text"`` (Django's Atom feed declares it
HTML, so a body containing markup was rendered by feed readers), and ``<published>`` and
``<updated>`` are the publication date, not the time of registration."""
import datetime as dt
import re

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from review import selectors
from review.models import Interpretation

# XML 1.0 cannot carry these; a text stored before bodies were normalised may hold some.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


class TextAtomFeed(Atom1Feed):
    """Atom with a plain-text summary (escaped once by the XML writer, never read as HTML)."""

    def add_item_elements(self, handler, item):
        description = item.get("description")
        super().add_item_elements(handler, {**item, "description": None})
        if description is not None:
            handler.addQuickElement("summary", description, {"type": "text"})
        if item.get("interpretation_link"):  # 政策解读 (R20), published with the document
            handler.addQuickElement("link", "", {"rel": "related", "href": item["interpretation_link"],
                                                 "title": "政策解读"})


def _publication_moment(day):
    """The start of the publication day, Asia/Shanghai (Atom wants a moment, the record a date)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if day else None


class PublishedDocumentsFeed(Feed):
    feed_type = TextAtomFeed
    title = "行政规范性文件 · 最新公布"
    subtitle = "统一登记、统一编号、统一公布的行政规范性文件"
    link = "/api/public/documents/"

    def items(self):
        items = list(selectors.public_documents().filter(state="published")[:50])
        with_interpretation = set(Interpretation.objects.filter(document_id__in=[d.pk for d in items])
                                  .values_list("document_id", flat=True))
        for item in items:
            item.has_interpretation = item.pk in with_interpretation
        return items

    def item_extra_kwargs(self, item):
        if getattr(item, "has_interpretation", False):
            return {"interpretation_link": f"/public/documents/{item.pk}/#interpretation"}
        return {}

    def item_title(self, item):
        return _xml_text(f"{item.number} {item.title}")

    def item_description(self, item):
        return _xml_text(item.body[:500])

    def item_link(self, item):
        return f"/api/public/documents/{item.pk}/"

    def item_pubdate(self, item):
        return _publication_moment(item.published_on)

    def item_updateddate(self, item):
        return _publication_moment(item.published_on)
