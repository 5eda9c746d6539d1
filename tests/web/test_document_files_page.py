"""The document page's files panel: the drafter uploads a .docx as a new version, downloads the
original and reads 修改前后对照表; a refused file shows its Chinese message and saves nothing."""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from review.models import VersionFile
from tests.conftest import snapshot
from tests.docx_samples import sample_docx, simple_docx
from tests.web.test_pages import english_left_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(users, role) -> Client:
    client = Client()
    client.force_login(users[role])
    return client


def post_file(client, doc, data, name="草案.docx"):
    return client.post(f"/documents/{doc.pk}/versions/upload/", {"file": SimpleUploadedFile(name, data)})


def test_the_drafter_uploads_and_compares(users, make_document):
    doc = make_document("drafting")
    client = login(users, "drafter")
    page = client.get(f"/documents/{doc.pk}/").content.decode()
    assert 'id="version-upload"' in page and 'enctype="multipart/form-data"' in page
    assert 'id="comparison"' not in page  # one version: nothing to compare

    data, expected = sample_docx()
    response = post_file(client, doc, data, name="办法（送审稿）.docx")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已上传并生成第2版" in page
    assert "办法（送审稿）.docx" in page and f"/api/documents/{doc.pk}/versions/2/file/" in page
    assert 'id="comparison"' in page
    table = page[page.index('id="comparison"'):]
    assert "第一条" in table and "修改" in table and "新增" in table
    assert f"/api/documents/{doc.pk}/comparison/?from=1&amp;to=2&amp;format=docx" in page
    assert english_left_in(page) == []


def test_choosing_the_versions_to_compare(users, make_document):
    doc = make_document("drafting")
    client = login(users, "drafter")
    post_file(client, doc, simple_docx("第一条 第二稿。"))
    post_file(client, doc, simple_docx("第一条 第三稿。"))
    page = client.get(f"/documents/{doc.pk}/?cmp_from=1&cmp_to=3").content.decode()
    assert "第1稿与第3稿对照" in page
    page = client.get(f"/documents/{doc.pk}/?cmp_from=x&cmp_to=99").content.decode()
    assert "第2稿与第3稿对照" in page  # nonsense falls back to the last two


def test_a_refused_file_shows_why_and_saves_nothing(users, make_document):
    doc = make_document("drafting")
    before = snapshot(doc.pk)
    response = post_file(login(users, "drafter"), doc, "不是 Word 文档".encode(), name="草案.docx")
    assert response.status_code == 400
    assert "文件内容不是 .docx 文档" in response.content.decode()
    assert snapshot(doc.pk) == before and not VersionFile.objects.exists()


def test_too_large_on_the_page_is_413(users, make_document, settings):
    settings.MAX_UPLOAD_MB = 1
    doc = make_document("drafting")
    before = snapshot(doc.pk)
    response = post_file(login(users, "drafter"), doc, b"PK\x03\x04" + b"\0" * (2 * 2**20))
    assert response.status_code == 413
    assert "不能超过 1 MB" in response.content.decode()
    assert snapshot(doc.pk) == before


def test_others_see_no_upload_form(users, make_document):
    doc = make_document("drafting")
    page = login(users, "auditor").get(f"/documents/{doc.pk}/").content.decode()
    assert 'id="version-upload"' not in page
    submitted = make_document("submitted")
    page = login(users, "drafter").get(f"/documents/{submitted.pk}/").content.decode()
    assert 'id="version-upload"' not in page


def test_the_public_page_offers_the_official_text(make_document):
    doc = make_document("published")
    page = Client().get(f"/public/documents/{doc.pk}/").content.decode()
    assert re.search(rf'href="/api/public/documents/{doc.pk}/docx/"', page)


def test_the_upload_form_is_csrf_protected(users, make_document):
    doc = make_document("drafting")
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["drafter"])
    before = snapshot(doc.pk)
    response = post_file(client, doc, sample_docx()[0])
    assert response.status_code == 403
    assert snapshot(doc.pk) == before and not VersionFile.objects.exists()
