"""An Atom feed of newly published documents (DESIGN §7): open, key-less."""
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from review import selectors


class PublishedDocumentsFeed(Feed):
    feed_type = Atom1Feed
    title = "行政规范性文件 · 最新公布"
    subtitle = "统一登记、统一编号、统一公布的行政规范性文件"
    link = "/api/public/documents/"

    def items(self):
        return selectors.public_documents().filter(state="published")[:50]

    def item_title(self, item):
        return f"{item.number} {item.title}"

    def item_description(self, item):
        return item.body[:500]

    def item_link(self, item):
        return f"/api/public/documents/{item.pk}/"

    def item_pubdate(self, item):
        return item.registered_at

    def item_updateddate(self, item):
        return item.updated_at
