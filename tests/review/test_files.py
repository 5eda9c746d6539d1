"""A .docx uploaded as a new version (DESIGN v2 §4): the text extracted exactly, R1 and R7 on it as
for typed text, the original kept byte for byte; hostile files refused with nothing saved."""
import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload

from review import files
from review.docx_text import extract_text
from review.models import History, Version, VersionFile, content_hash
from tests.conftest import snapshot
from tests.docx_samples import PENALTY, auto_numbered_docx, hostile_files, sample_docx, simple_docx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


def upload(client, doc_id, data: bytes, name="春城市校外培训机构管理办法（征求意见稿）.docx"):
    return client.post(f"/api/documents/{doc_id}/versions/", {"file": SimpleUploadedFile(name, data)},
                       format="multipart")


def test_round_trip(client_for, make_document, media):
    """Articles, Word-numbered items, a table and traditional characters come out as the text;
    the pre-check's offsets point into it; the original comes back byte for byte."""
    doc = make_document("drafting")
    data, expected = sample_docx()
    response = upload(client_for("drafter"), doc.pk, data)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 2
    assert body["body"] == expected
    assert body["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["file"]["name"] == "春城市校外培训机构管理办法（征求意见稿）.docx"

    version = Version.objects.get(document=doc, number=2)
    assert version.body == expected
    assert version.sha256 == content_hash(expected)  # R7 hashes the extracted text
    penalty = [f for f in version.precheck if f["rule"] == "R1.penalty"]
    assert penalty, version.precheck  # R1 ran on the extracted text …
    for finding in version.precheck:  # … and its offsets are offsets into it
        assert version.body[finding["start"]:finding["end"]] == finding["excerpt"]
    assert penalty[0]["excerpt"] in PENALTY
    doc.refresh_from_db()
    assert doc.current_version_id == version.pk
    assert History.objects.filter(document=doc, action="edit", version=version).count() == 1
    assert client_for("drafter").get(f"/api/documents/{doc.pk}/").json()["body"] == expected

    original = client_for("auditor").get(f"/api/documents/{doc.pk}/versions/2/file/")
    assert original.status_code == 200
    content = b"".join(original.streaming_content)
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(data).hexdigest()
    assert original["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = original["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%98%A5" in disposition and disposition.isascii()
    assert len(stored_files(media)) == 1


def test_word_numbered_articles_keep_their_labels():
    data, expected = auto_numbered_docx()
    assert extract_text(data) == expected


def test_a_typed_version_has_no_original(client_for, make_document):
    doc = make_document("drafting")
    response = client_for("drafter").get(f"/api/documents/{doc.pk}/versions/1/file/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client_for("drafter").get(f"/api/documents/{doc.pk}/versions/9/file/").status_code == 404


def test_the_original_is_for_those_who_see_the_document(client_for, make_document):
    doc = make_document("drafting")
    assert upload(client_for("drafter"), doc.pk, sample_docx()[0]).status_code == 201
    assert client_for("other_drafter").get(f"/api/documents/{doc.pk}/versions/2/file/").status_code == 404
    assert client_for(None).get(f"/api/documents/{doc.pk}/versions/2/file/").status_code == 401


@pytest.mark.parametrize("kind", sorted(hostile_files()))
def test_hostile_files_are_refused_and_nothing_is_saved(kind, client_for, make_document, media):
    name, data, code = hostile_files()[kind]
    doc = make_document("drafting")
    before = snapshot(doc.pk)
    response = upload(client_for("drafter"), doc.pk, data, name=name)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # a message a clerk can read
    assert snapshot(doc.pk) == before
    assert not VersionFile.objects.exists()
    assert stored_files(media) == []


def test_over_the_size_limit_is_413_before_anything_is_read(client_for, make_document, settings, media):
    settings.MAX_UPLOAD_MB = 1
    doc = make_document("drafting")
    before = snapshot(doc.pk)
    data = sample_docx()[0] + b"\0" * (2 * 2**20)
    response = upload(client_for("drafter"), doc.pk, data)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "1 MB" in response.json()["error"]["message"]
    assert snapshot(doc.pk) == before and stored_files(media) == []


def test_the_service_bounds_what_it_reads(users, make_document, settings, media):
    """Without a Content-Length (chunked), the handler and the service still stop at the limit."""
    settings.MAX_UPLOAD_MB = 1
    doc = make_document("drafting")
    big = SimpleUploadedFile("大.docx", b"PK\x03\x04" + b"\0" * (2**20 + 10))
    with pytest.raises(files.InvalidInput) as refused:
        files.version_upload(actor=users["drafter"], document_id=doc.pk, upload=big)
    assert refused.value.status == 413
    handler = files.LimitedUploadHandler()
    handler.receive_data_chunk(b"\0" * 2**19, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"\0" * (2**19 + 1), 2**19)
    assert handler.exceeded


def test_only_the_drafter_and_only_in_drafting(client_for, make_document, media):
    data = sample_docx()[0]
    draft = make_document("drafting")
    refused = upload(client_for("auditor"), draft.pk, data)  # sees the draft, may not change it
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert upload(client_for("other_drafter"), draft.pk, data).status_code == 404
    submitted = make_document("submitted")
    before = snapshot(submitted.pk)
    response = upload(client_for("drafter"), submitted.pk, data)
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_editable"
    assert snapshot(submitted.pk) == before and stored_files(media) == []


def test_the_same_text_again_is_not_a_new_version(client_for, make_document, media):
    doc = make_document("drafting")
    same = simple_docx(*doc.body.splitlines())
    before = snapshot(doc.pk)
    response = upload(client_for("drafter"), doc.pk, same)
    assert response.status_code == 409 and response.json()["error"]["code"] == "text_unchanged"
    assert snapshot(doc.pk) == before and stored_files(media) == []


def test_no_file_is_a_clear_400(client_for, make_document):
    doc = make_document("drafting")
    response = client_for("drafter").post(f"/api/documents/{doc.pk}/versions/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    json_post = client_for("drafter").post(f"/api/documents/{doc.pk}/versions/", {"body": "x"}, format="json")
    assert json_post.status_code == 400


def test_a_failure_after_storing_removes_the_file(client_for, make_document, media, monkeypatch):
    doc = make_document("drafting")
    before = snapshot(doc.pk)

    def broken(**kwargs):
        raise files.RuleViolation("模拟的数据库拒绝")

    monkeypatch.setattr(VersionFile.objects, "create", broken)
    response = upload(client_for("drafter"), doc.pk, sample_docx()[0])
    assert response.status_code == 409
    assert snapshot(doc.pk) == before and stored_files(media) == []


def test_file_names_are_cleaned():
    assert files.clean_name("C:\\Users\\张三\\草案.docx") == "草案.docx"
    assert files.clean_name("../../etc/passwd.docx") == "passwd.docx"
    assert files.clean_name("a\r\nb.docx") == "ab.docx"
    assert files.clean_name("") == "未命名.docx"
    assert len(files.clean_name("长" * 300 + ".docx")) == 200 and files.clean_name("长" * 300 + ".docx").endswith(".docx")


def test_tracked_changes_read_as_accepted():
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from tests.docx_samples import to_bytes

    document = Document()
    document.element.body.insert(0, parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t>第一条 </w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>删去的</w:delText>'
        '</w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>新增的</w:t></w:r></w:ins><w:r><w:t>文字。</w:t></w:r></w:p>'))
    assert extract_text(to_bytes(document)) == "第一条 新增的文字。"


def test_content_controls_hyperlinks_fields_and_nested_tables():
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from tests.docx_samples import to_bytes

    document = Document()
    body = document.element.body
    w = nsdecls("w", "r")
    for xml in (
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>第一条 控件中的文字。</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        f'<w:p {w}><w:r><w:t xml:space="preserve">第二条 见</w:t></w:r><w:hyperlink r:id="rId99"><w:r><w:t>链接</w:t></w:r>'
        '</w:hyperlink><w:r><w:t>。</w:t></w:r></w:p>',
        f'<w:p {w}><w:r><w:t xml:space="preserve">第三条 第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页。</w:t></w:r></w:p>',
        f'<w:tbl {w}><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内一</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>内二</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc>'
        '</w:tr></w:tbl>',
    ):
        body.insert(len(body) - 1, parse_xml(xml))
    assert extract_text(to_bytes(document)) == "第一条 控件中的文字。\n第二条 见链接。\n第三条 第5页。\n外 内一 内二 | 右"
