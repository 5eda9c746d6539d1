"""Issue 17: a table of hostile JSON values (huge and non-finite numbers, 5,000-digit strings, wrong
types, NUL, lone surrogates) in every field of the main write endpoints: a 4xx, never a 500."""
import json

import pytest

pytestmark = pytest.mark.django_db

VALS = ['1e400', '-1e400', 'NaN', 'Infinity', '9'*30, '"' + '9'*5000 + '"', '[]', '{}', 'null', 'true', '"\\u0000"', '"\\ud800"']
FIELDS = ["validity_years", "title", "body", "issuer", "kind", "affects_rights"]


@pytest.mark.parametrize("v", VALS)
def test_document_fields(client_for, orgs, v):
    for f in FIELDS:
        base = {"title": "t", "body": "b", "issuer": "CSZF"}
        raw = json.dumps(base)[:-1] + f', "{f}": {v}' + "}"
        r = client_for("drafter").post("/api/documents/", raw, content_type="application/json")
        assert r.status_code < 500, (f, v, r.content[:200])


@pytest.mark.parametrize("v", VALS)
def test_transition_and_comment_fields(client_for, make_document, v):
    doc = make_document("published")
    for path, f in [("file-record", "filed_on"), ("record-evaluation", "evaluated_on"), ("publish", "published_on"), ("repeal", "reason")]:
        raw = '{"' + f + '": ' + v + ', "filed_with": "x", "outcome": "continue", "channel": "website", "decision_ref": "x"}'
        r = client_for("registrar").post(f"/api/documents/{doc.pk}/{path}/", raw, content_type="application/json")
        assert r.status_code < 500, (path, v, r.content[:200])
    d2 = make_document("submitted")
    raw = '{"opinion": "x", "findings": [{"article": ' + v + '}]}'
    r = client_for("reviewer").post(f"/api/documents/{d2.pk}/approve/", raw, content_type="application/json")
    assert r.status_code < 500, (v, r.content[:200])
    r = client_for("drafter").post(f"/api/documents/{d2.pk}/comments/", '{"author_name": "a", "body": ' + v + '}', content_type="application/json")
    assert r.status_code < 500, (v, r.content[:200])
