"""Documents as files (DESIGN v2 §4): a .docx uploaded as a new version, and its original.

The write (``version_upload``) makes the version through the same path as typed text
(``services.document_update``: R1's pre-check and R7's hash run on the extracted text) and stores
the original unchanged with its SHA-256, all in one transaction; a refused or failed upload leaves
no version, no history row and no file behind. The reads at the end hand the original back to
staff who may see the document.
"""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction

from review import permissions, services
from review.docx_text import DOCX_CONTENT_TYPE, check_kind, extract_text
from core.errors import InvalidInput, InvalidTransition, NotFound, RuleViolation
from review.models import Version, VersionFile


# --- who may upload, and how much ----------------------------------------------------------
def check_may_upload(document, actor) -> None:
    """An upload is an edit of the text: 403 unless the actor drafts for the document's
    department; 409 unless it is in drafting (review.permissions)."""
    try:
        permissions.check_act(actor, document, "edit")
    except InvalidTransition:
        raise RuleViolation("只有起草中的文件可以上传新版本；征求意见、审核中或已通过审核的文本不能改动",
                            code="not_editable")


def upload_limit() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def too_large() -> InvalidInput:
    return InvalidInput(f"上传的文件不能超过 {settings.MAX_UPLOAD_MB} MB", code="payload_too_large", status=413)


class LimitedUploadHandler(FileUploadHandler):
    """Put first in ``request.upload_handlers``: stops keeping a multipart body once a file passes
    ``MAX_UPLOAD_MB`` (for a client that sent no Content-Length), so the rest is never stored;
    ``exceeded`` then says so (raising here would escape the CSRF check, which reads the form)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        self.received = 0
        return None


def uploaded_file(request):
    """``request.FILES["file"]`` read through a LimitedUploadHandler: 413 before the whole of a
    too large body is read or stored (by its Content-Length, else while reading it)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > upload_limit() + 64 * 1024:  # the multipart envelope around the file
        raise too_large()
    handler = next((h for h in request.upload_handlers if isinstance(h, LimitedUploadHandler)), None)
    if handler is None:
        handler = LimitedUploadHandler(request)
        request.upload_handlers.insert(0, handler)
    upload = request.FILES.get("file")
    if handler.exceeded:
        raise too_large()
    return upload


def clean_name(name: str) -> str:
    """The file name as the user gave it, without any path, control characters or oddities, at
    most 200 characters, keeping its extension."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    stem, ext = os.path.splitext(name)
    return (stem[:200 - len(ext)] + ext) if len(name) > 200 else (name or "未命名.docx")


def _read(upload) -> bytes:
    if upload.size is not None and upload.size > upload_limit():
        raise too_large()
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > upload_limit():
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


# --- the write -----------------------------------------------------------------------------
def version_upload(*, actor, document_id, upload) -> Version:
    """A .docx as the document's new version: 201 with the version; 400 ``unsupported_file`` /
    ``unreadable_file``, 413 ``payload_too_large``, 409 ``not_editable`` / ``text_unchanged``;
    nothing saved on any refusal."""
    if upload is None:
        raise InvalidInput("请选择要上传的 .docx 文件（表单字段 file）")
    stored = None
    try:
        with transaction.atomic():
            document = permissions.access_document(actor, document_id, lock=True)
            check_may_upload(document, actor)
            data = _read(upload)
            name = clean_name(upload.name)
            check_kind(name, data[:8])
            body = extract_text(data)
            if not body.strip():
                raise InvalidInput("上传的文件中没有可提取的正文文字", code="unreadable_file")
            before = document.current_version_id
            document = services.document_update(actor=actor, document_id=document.pk, body=body)
            if document.current_version_id == before:
                raise RuleViolation("上传文件的正文与当前版本相同，未生成新版本", code="text_unchanged")
            version = document.current_version
            digest = hashlib.sha256(data).hexdigest()
            stored = default_storage.save(f"versions/{document.pk}/v{version.number}-{digest[:16]}.docx",
                                          ContentFile(data))
            VersionFile.objects.create(version=version, file=stored, original_name=name, size=len(data),
                                       sha256=digest, content_type=DOCX_CONTENT_TYPE)
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return version


# --- reads ---------------------------------------------------------------------------------
def version_file_for(user, document_id, number) -> VersionFile:
    """The uploaded original of version ``number``, for staff who may see the document (404
    otherwise, and for a typed version)."""
    document = permissions.access_document(user, document_id)
    found = (VersionFile.objects.select_related("version")
             .filter(version__document=document, version__number=number).first())
    if found is None:
        raise NotFound("该版本不是由上传文件生成的，没有原始文件")
    return found


def files_by_version(document) -> dict[int, VersionFile]:
    """Version number → its uploaded original, for the document page."""
    return {f.version.number: f for f in VersionFile.objects.select_related("version")
            .filter(version__document=document)}
