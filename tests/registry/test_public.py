"""The public side never shows a draft, a document under review, or a voided number."""
import pytest

pytestmark = pytest.mark.django_db


def test_public_api_and_feed_show_published_documents_only(client_for, make_document):
    published = make_document("published", title="春城市校园安全管理规定")
    hidden = [make_document(step, title=f"未公布-{step}") for step in ("drafting", "submitted", "approved", "registered")]
    anon = client_for(None)
    listing = anon.get("/api/public/documents/").json()
    assert [d["id"] for d in listing["results"]] == [published.pk]
    assert listing["results"][0]["validity_status"] == "valid"
    assert anon.get(f"/api/public/documents/?q={published.number}").json()["count"] == 1
    assert anon.get("/api/public/documents/?validity_status=expired").json()["count"] == 0
    for doc in hidden:
        assert anon.get(f"/api/public/documents/{doc.pk}/").status_code == 404
    feed = anon.get("/api/public/feed.atom")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    text = feed.content.decode()
    assert published.number in text and "未公布" not in text
    registered_number = hidden[-1].number
    assert registered_number and registered_number not in text
