"""Generated official documents in 公文 layout (core.gongwen): the published text with its number
and the annual report. Pure functions of the records: bytes out, nothing saved."""
from __future__ import annotations

import hashlib
import io

from core import gongwen
from core.exports import xlsx_row


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


# --- 清理结果 and 现行有效规范性文件目录 (R20): text cells only, never formulas -----------------
def _xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet1")
    sheet.append(xlsx_row(sheet, headers))
    for row in rows:
        sheet.append(xlsx_row(sheet, [str(v) if v is not None else "" for v in row]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CLEANUP_HEADERS = ["序号", "文件编号", "文件名称", "公布日期", "清理意见", "理由"]
CATALOGUE_HEADERS = ["序号", "文件编号", "文件名称", "制定机关", "公布日期", "施行日期", "有效期至"]


def cleanup_rows(items) -> list[list]:
    return [[i, item.document.number or "", item.document.title, item.document.published_on.isoformat(),
             item.get_decision_display(), item.reason] for i, item in enumerate(items, 1)]


def catalogue_rows(documents) -> list[list]:
    return [[i, d.number or "", d.title, d.issuer_name, d.published_on.isoformat(), d.effective_from.isoformat(),
             d.expires_on.isoformat() if d.expires_on else "长期"] for i, d in enumerate(documents, 1)]


def cleanup_xlsx(cleanup, items) -> bytes:
    return _xlsx("清理结果", CLEANUP_HEADERS, cleanup_rows(items))


def cleanup_docx(cleanup, items) -> bytes:
    """The published result of a clean-up, in 公文 layout: a title and one table."""
    doc = gongwen.Gongwen(title_for_properties=cleanup.title)
    doc.title(f"{cleanup.issuer.name}关于公布{cleanup.title}结果的通知")
    doc.body(f"经清理，现将{cleanup.issuer.name}规范性文件清理结果公布如下（共{len(items)}件）。"
             "决定废止、宣布失效的文件，自公布之日起不再执行。")
    doc.table(CLEANUP_HEADERS, [[str(v) for v in row] for row in cleanup_rows(items)],
              widths_mm=[12, 34, 50, 24, 18, 18])
    doc.signature(cleanup.issuer.name, cleanup.published_on)
    return doc.to_bytes()


def catalogue_xlsx(documents) -> bytes:
    return _xlsx("现行有效规范性文件目录", CATALOGUE_HEADERS, catalogue_rows(documents))
