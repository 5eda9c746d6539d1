"""The document page's "documents as files" panel (DESIGN v2 §4): upload a .docx as a new version,
download each uploaded original, and 修改前后对照表 of two versions. A template tag, so that the page's
view needs no change: ``{% include "web/_document_files.html" %}``."""
from django import template
from django.conf import settings

from core import pdf
from review import comparison, files
from web import actions

register = template.Library()


def _version_number(value, default, numbers):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number in numbers else default


@register.simple_tag(takes_context=True)
def document_files(context):
    request, document = context["request"], context["document"]
    versions = context.get("versions") or []
    numbers = [v.number for v in versions]
    originals = files.files_by_version(document)
    panel = {
        "may_upload": actions.may_edit(document, request.user),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "originals": [(v, originals[v.number]) for v in versions if v.number in originals],
        "pdf": pdf.renderer(settings.SOFFICE_PATH) is not None,
        "numbers": numbers,
        "comparison": None,
    }
    if len(numbers) >= 2:
        after = _version_number(request.GET.get("cmp_to"), numbers[-1], numbers)
        before = _version_number(request.GET.get("cmp_from"), numbers[-2], numbers)
        if before == after:
            before = numbers[-2] if after == numbers[-1] else numbers[-1]
        by_number = {v.number: v for v in versions}
        rows = comparison.compare(by_number[before].body, by_number[after].body)
        for row in rows:
            row["label"] = comparison.CHANGE_LABELS[row["change"]]
        panel["comparison"] = {"from": before, "to": after, "rows": rows,
                               "changed": sum(1 for r in rows if r["change"] != "unchanged")}
    return panel


@register.simple_tag
def pdf_available() -> bool:
    """Whether PDF copies can be made here (LibreOffice installed)."""
    return pdf.renderer(settings.SOFFICE_PATH) is not None
