"""修改前后对照表: two texts compared article by article (pure: text in, rows out).

A text is cut into units: the part before the first article (the preamble), each chapter or
section heading (第X章 / 第X节), and each article (第X条, in Chinese numerals such as 第二十一条,
第一百零五条, or in Arabic ones, 第21条) with the paragraphs that follow it (its items). A text with
no article numbers is cut into paragraphs instead.

The units are aligned by their content without the article number, so an article inserted
before others does not make every later one "changed": the later ones are paired with their old
selves and reported as renumbered (``modified``, with the old number in the note) when only their
number moved. Where units differ, a unit is paired with the most similar one of the other
version's unpaired units nearby (similarity ≥ 0.5), else with the unit of the same number
(第X条 rewritten in place), and reported as ``modified``; what pairs with nothing is ``added`` or
``removed``.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
NUMERAL = r"[零〇○一二两三四五六七八九十百千0-9０-９]+"
ARTICLE = re.compile(rf"^\s*第({NUMERAL})条")
HEADING = re.compile(rf"^\s*第({NUMERAL})([编章节])")
SIMILAR = 0.5


def parse_numeral(text: str) -> int | None:
    """第…条's number: 二十一 → 21, 一百零五 → 105, 十二 → 12, 一千零一 → 1001, 21 / ２１ → 21;
    None when it is not a number."""
    text = (text or "").strip().translate(_FULLWIDTH)
    if not text:
        return None
    if text.isdigit():
        return int(text)
    total, digit, seen_digit = 0, None, False
    for ch in text:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row (一二) is not a numeral
            digit = CN_DIGITS[ch]
            seen_digit = True
        elif ch in CN_UNITS:
            unit = CN_UNITS[ch]
            total += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    if digit:
        total += digit
    if total == 0 and not seen_digit:
        return None
    return total


def chinese_numeral(n: int) -> str:
    """21 → 二十一, 105 → 一百零五, 10 → 十, 110 → 一百一十 (as article numbers are written)."""
    digits = "零一二三四五六七八九"
    if n < 0 or n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    out, pending_zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if pending_zero:
                out.append("零")
            out.append(digits[d] + unit)
            pending_zero = False
        elif out:
            pending_zero = True
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


@dataclass
class Unit:
    label: str        # 第三条, 第一章, （序言）, 第2段
    key: tuple        # ("条", 3)
    text: str         # the unit's full text, as in the version
    content: str      # the text without its number, for alignment


def split_units(body: str) -> list[Unit]:
    paragraphs = [p.strip() for p in (body or "").splitlines() if p.strip()]
    has_articles = any(ARTICLE.match(p) for p in paragraphs)
    units: list[Unit] = []
    if not has_articles:
        for i, p in enumerate(paragraphs, 1):
            units.append(Unit(label=f"第{i}段", key=("段", i), text=p, content=p))
        return units
    preamble: list[str] = []
    current: Unit | None = None
    for p in paragraphs:
        article, heading = ARTICLE.match(p), HEADING.match(p)
        if article:
            number = parse_numeral(article.group(1))
            label = f"第{article.group(1)}条"
            current = Unit(label=label, key=("条", number), text=p, content=p[article.end():].strip())
            units.append(current)
        elif heading and len(p) <= 40:
            number = parse_numeral(heading.group(1))
            label = f"第{heading.group(1)}{heading.group(2)}"
            units.append(Unit(label=label, key=(heading.group(2), number), text=p,
                              content=heading.group(2) + p[heading.end():].strip()))
            current = None
        elif current is not None:
            current.text += "\n" + p
            current.content += "\n" + p
        elif not units:
            preamble.append(p)
        else:  # text between a heading and the next article: a unit of its own
            units.append(Unit(label="（无条号）", key=("段", len(units)), text=p, content=p))
    if preamble:
        text = "\n".join(preamble)
        units.insert(0, Unit(label="（序言）", key=("序言", 0), text=text, content=text))
    return units


def _ratio(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    if len(a) * len(b) > 4_000_000:  # two very long paragraphs: the character count is enough
        return matcher.quick_ratio()
    return matcher.ratio()


def _pair_block(old: list[Unit], new: list[Unit]):
    """Pairs within a block where the texts differ. First by content: each old unit with the most
    similar new unit a few places on (similarity ≥ 0.5), in order; then, between those anchors, units
    with the same number (第二条 and 第二条) are paired as modified even when rewritten; what is left
    is removed or added, in the order of the texts."""
    anchors, j = [], 0
    for i, unit in enumerate(old):
        best, best_ratio = None, SIMILAR
        for k in range(j, min(len(new), j + 8)):  # look a few units ahead, not across the text
            if new[k].key[0] != unit.key[0]:
                continue  # an article pairs with an article, a chapter with a chapter
            r = _ratio(unit.content, new[k].content)
            if r >= best_ratio:
                best, best_ratio = k, r
        if best is not None:
            anchors.append((i, best))
            j = best + 1
    rows, i0, j0 = [], 0, 0
    for i, k in anchors + [(len(old), len(new))]:
        rows.extend(_pair_by_number(old[i0:i], new[j0:k]))
        if i < len(old):
            rows.append((old[i], new[k]))
        i0, j0 = i + 1, k + 1
    return rows


def _pair_by_number(old: list[Unit], new: list[Unit]):
    matcher = difflib.SequenceMatcher(None, [u.key for u in old], [u.key for u in new], autojunk=False)
    rows = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(zip(old[i1:i2], new[j1:j2]))
        else:
            rows.extend((unit, None) for unit in old[i1:i2])
            rows.extend((None, unit) for unit in new[j1:j2])
    return rows


def compare(before: str, after: str) -> list[dict]:
    """The rows of 修改前后对照表: ``{article, before, after, change, note}`` in the order of the new
    text (removed units where they stood)."""
    old, new = split_units(before), split_units(after)
    matcher = difflib.SequenceMatcher(None, [u.content for u in old], [u.content for u in new], autojunk=False)
    pairs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs.extend(zip(old[i1:i2], new[j1:j2]))
        else:
            pairs.extend(_pair_block(old[i1:i2], new[j1:j2]))
    return [_row(a, b) for a, b in pairs]


def _row(a: Unit | None, b: Unit | None) -> dict:
    if a is None:
        return {"article": b.label, "before": "", "after": b.text, "change": "added", "note": "新增"}
    if b is None:
        return {"article": a.label, "before": a.text, "after": "", "change": "removed", "note": "删除"}
    if a.text == b.text:
        return {"article": b.label, "before": a.text, "after": b.text, "change": "unchanged", "note": ""}
    renumbered = a.key != b.key and a.label != b.label and a.key[0] == b.key[0] and a.key[0] != "段"
    if renumbered and a.content == b.content:
        note = f"条序调整（原{a.label}），内容未修改"
    elif renumbered:
        note = f"修改（原{a.label}）"
    else:
        note = "修改"
    article = f"{b.label}（原{a.label}）" if renumbered else b.label
    return {"article": article, "before": a.text, "after": b.text, "change": "modified", "note": note}


CHANGE_LABELS = {"added": "新增", "removed": "删除", "modified": "修改", "unchanged": "未修改"}
