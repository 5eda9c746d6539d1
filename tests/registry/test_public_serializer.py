"""The public document's and the catalogue row's hand-built representations (fast, for lists,
issue 19) equal what DRF's declared fields give: the API contract does not depend on the path."""
import pytest
from rest_framework import serializers

from core.clock import today
from registry import selectors as registry_selectors
from registry.api.serializers import CatalogueRowSerializer, PublicDocumentSerializer
from review import selectors

pytestmark = pytest.mark.django_db


def test_public_document_equals_the_declared_fields(make_document):
    make_document("published")
    make_document("published", title="春城市户外广告设置管理规定")
    for doc in selectors.public_documents():
        fast = PublicDocumentSerializer(doc).data
        declared = serializers.ModelSerializer.to_representation(PublicDocumentSerializer(), doc)
        assert dict(fast) == dict(declared)
        assert list(fast) == PublicDocumentSerializer.Meta.fields


def test_catalogue_row_equals_the_declared_fields(make_document):
    make_document("published")
    rows = list(registry_selectors.catalogue_in_force(as_of=today()))
    assert rows
    for doc in rows:
        fast = CatalogueRowSerializer(doc).data
        declared = serializers.Serializer.to_representation(CatalogueRowSerializer(), doc)
        assert dict(fast) == dict(declared)
