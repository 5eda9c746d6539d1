"""Generated official documents in 公文 layout (core.gongwen): the published text with its number
and the annual report. Pure functions of the records: bytes out, nothing saved."""
from __future__ import annotations

import hashlib

from core import gongwen


def published_docx(document) -> bytes:
    """A published normative document as a 公文: the issuer's mark, its number (发文字号), the
    title, the published text, the issuer and the publication date."""
    issuer = document.issuer.name
    return gongwen.document_docx(title=document.title, body=document.body, number=document.number or "",
                                 issuer=issuer, masthead=f"{issuer}文件", day=document.published_on)


def published_key(document) -> str:
    """What the published .docx depends on: a PDF made from it may be reused while this holds."""
    parts = ["gongwen-1", str(document.pk), document.title, document.number or "", document.issuer.name,
             str(document.published_on), document.current_version.sha256 if document.current_version else ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def published_filename(document, ext: str) -> str:
    return f"{document.number or document.title}.{ext}"
