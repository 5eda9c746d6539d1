"""The public document's and the catalogue row's hand-built representations (fast, for lists,
issue 19) equal what DRF's declared fields give: the API contract does not depend on the path."""
import pytest
import datetime as dt
from decimal import Decimal

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from core.api import FastJSONRenderer

from core.clock import today
from registry import selectors as registry_selectors
from registry.api.serializers import CatalogueRowSerializer, PublicDocumentSerializer, catalogue_results
from review import selectors
from review.models import Document

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
    """The hand-built rows are the declared fields' (and so is their JSON), an open-ended row (no
    expiry) included."""
    make_document("published")
    open_ended = make_document("published", title="春城市户外广告设置管理规定")
    Document.objects.filter(pk=open_ended.pk).update(expires_on=None)
    rows = registry_selectors.catalogue_in_force(as_of=today())
    assert len(rows) == 2 and {row.expires_on is None for row in rows} == {True, False}
    fast = catalogue_results(rows)
    declared = [serializers.Serializer.to_representation(CatalogueRowSerializer(), row) for row in rows]
    assert fast == declared and FastJSONRenderer().render(fast) == JSONRenderer().render(declared)
    assert [CatalogueRowSerializer(row).data for row in rows] == fast
    assert list(fast[0]) == list(CatalogueRowSerializer().fields)


def test_the_fast_renderer_writes_drfs_bytes(make_document):
    """orjson in place of json: the same bytes as DRF's renderer, for the whole catalogue answer
    and for what json alone would treat specially (line separators, non-ASCII, nested, None)."""
    make_document("published", title="春城市 校外 培训「管理」办法")
    response = APIClient().get("/api/public/catalogue/")
    assert response.status_code == 200
    assert response.content == JSONRenderer().render(response.data)
    odd = {"a": [1, 2.5, None, True], "b": {"c": "引号\"\u2028"}, "d": dt.date(2026, 1, 2),
           "e": dt.datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=dt.timezone.utc), "f": Decimal("1.50")}
    assert FastJSONRenderer().render(odd) == JSONRenderer().render(odd)
