"""The 审核意见书 as an official letter in 公文 layout (core.gongwen): a pure function of the
issued opinion, bytes out, nothing saved. Sections as DESIGN §4 names them: 审核依据, 审核内容,
审核结论, 具体修改意见, and the legal advisers' opinions (R16)."""
from __future__ import annotations

from core import gongwen
from review.models import Document

NUMERALS = "一二三四五六七八九十"


def _ordinal(i: int) -> str:
    return NUMERALS[i] if i < len(NUMERALS) else str(i + 1)


def review_word(document) -> str:
    """合法性审核 for normative documents; 合法性审查 for decisions, contracts and other documents."""
    return "合法性审核" if document.kind == Document.Kind.NORMATIVE else "合法性审查"


def opinion_letter(opinion) -> gongwen.Letter:
    document = opinion.document
    word = review_word(document)
    sections = [("", [f"你单位报送的《{document.title}》收悉。经{word}，现提出意见如下。"])]
    if opinion.basis:
        sections.append(("一、审核依据", [opinion.basis]))
    sections.append(("二、审核内容" if opinion.basis else "一、审核内容",
                     [opinion.content or f"对《{document.title}》的制定主体、权限、程序和内容进行了{word}。"]))
    changes = []
    for i, f in enumerate(opinion.findings or []):
        text = f"（{_ordinal(i)}）{f.get('article', '')}"
        if f.get("passage"):
            text += f"“{f['passage']}”"
        if f.get("basis"):
            text += f"，依据{f['basis']}"
        if f.get("required_change"):
            text += f"，修改意见：{f['required_change']}"
        changes.append(text + "。")
    heads = ["一", "二", "三", "四", "五"]
    n = len([s for s in sections if s[0]])
    sections.append((f"{heads[n]}、审核结论", [f"{opinion.get_outcome_display()}。{opinion.conclusion}"]))
    if changes:
        sections.append((f"{heads[n + 1]}、具体修改意见", changes))
    advisers = [f"{i.adviser.get_full_name() or i.adviser.username}：{i.opinion}"
                for i in opinion.review_round.adviser_invitations.all() if i.answered_at]
    if advisers:
        sections.append((f"{heads[len([s for s in sections if s[0]])]}、法律顾问意见", advisers))
    if opinion.urgent_reason:
        sections.append(("", [f"（紧急审核：{opinion.urgent_reason}）"]))
    return gongwen.Letter(
        title=f"关于《{document.title}》的{word}意见书", masthead=opinion.review_body.name,
        number=opinion.number or "", recipient=f"{document.drafting_org.name}：", sections=sections,
        signature=opinion.review_body.name, day=opinion.signed_on)


def opinion_docx(opinion) -> bytes:
    return gongwen.letter_docx(opinion_letter(opinion))


def opinion_filename(opinion, ext: str) -> str:
    return f"{opinion.number or '审核意见书'}.{ext}"
