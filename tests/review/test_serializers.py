"""The document's hand-built representation (fast, for lists) equals what DRF's declared fields
give, in every state: the API contract does not depend on which path produced it."""
import pytest
from rest_framework import serializers

from review.api.serializers import DocumentSerializer

pytestmark = pytest.mark.django_db


def declared(document):
    return serializers.ModelSerializer.to_representation(DocumentSerializer(), document)


@pytest.mark.parametrize("step", ["drafting", "submitted", "approved", "registered", "published"])
def test_fast_representation_equals_the_declared_fields(step, make_document):
    from review.selectors import documents_visible_to
    from accounts.models import User

    doc = make_document(step)
    doc = documents_visible_to(User.objects.get(username="auditor")).get(pk=doc.pk)
    fast = DocumentSerializer(doc).data
    assert dict(fast) == dict(declared(doc))
    assert list(fast) == DocumentSerializer.Meta.fields


def test_a_list_row_reads_exactly_as_the_documents_detail(client_for, make_document):
    for step in ["drafting", "submitted", "approved", "registered", "published"]:
        make_document(step)
    client = client_for("auditor")
    rows = client.get("/api/documents/").json()["results"]
    assert len(rows) == 5
    for row in rows:
        assert row == client.get(f"/api/documents/{row['id']}/").json()
