"""The text of a .docx, paragraph by paragraph in document order (DESIGN v2 §4 "Documents as files").

Pure: bytes in, text out, nothing saved. A Word/WPS file is a zip of XML parts; only three are
read: ``[Content_Types].xml`` (is it a Word document at all?), ``word/document.xml`` (the text)
and, when present, ``word/numbering.xml`` and ``word/styles.xml`` (the labels of auto-numbered
items, "第一条", "（一）", "1."). What comes out:

* one line per non-empty paragraph, leading and trailing (also full-width) spaces removed;
* a numbered paragraph starts with its rendered list label ("第三条 …", "（二）…", "1. …");
* a table as one line per row, its cells joined by `` | `` (a cell's paragraphs by a space);
* tracked changes as accepted (insertions kept, deletions dropped); text boxes, headers,
  footers, footnotes and comments are not part of the body and are left out.

A hostile file cannot make this expensive: the zip's member count and declared sizes are bounded
before anything is decompressed, each part is read only up to its bound, and XML with a DTD (the
only way to declare entities, hence "billion laughs") is refused before parsing; the parser also
never resolves entities, never loads a DTD, never touches the network and keeps lxml's limits
(``huge_tree=False``).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from core.errors import InvalidInput

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "{%s}" % W

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

MAX_MEMBERS = 2000                     # a real .docx has a few dozen parts
MAX_TOTAL_UNCOMPRESSED = 200 * 2**20   # all parts together, as declared
MAX_PART_BYTES = 64 * 2**20            # one XML part we read (a 1,000-page document.xml is ~30 MB)
MAX_RATIO = 200                        # declared uncompressed / compressed, per member

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc (and .wps)


def unsupported(message="只能上传 Word 文档（.docx 格式）") -> InvalidInput:
    return InvalidInput(message, code="unsupported_file")


def unreadable(message="文件已损坏或不是有效的 .docx 文档，无法读取") -> InvalidInput:
    return InvalidInput(message, code="unreadable_file")


def check_kind(name: str, head: bytes) -> None:
    """400 ``unsupported_file`` unless the name ends in .docx and the bytes start like a zip."""
    if not (name or "").lower().endswith(".docx"):
        raise unsupported("只能上传 .docx 格式的 Word 文档；其他格式请先在 Word 或 WPS 中另存为 .docx")
    if head.startswith(OLE_MAGIC):
        raise unsupported("这是旧版 .doc 格式的文件，请在 Word 或 WPS 中另存为 .docx 后再上传")
    if not head.startswith(ZIP_MAGIC):
        raise unsupported("文件内容不是 .docx 文档（扩展名与内容不符）")


_PARSER_OPTIONS = dict(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                       remove_comments=True, remove_pis=True)


def _parse(data: bytes, what: str):
    # A DTD is the only way to declare entities; Word never writes one.
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise unreadable(f"文件中的 {what} 含有不允许的 XML 声明，已拒绝")
    try:
        return etree.fromstring(data, etree.XMLParser(**_PARSER_OPTIONS))
    except (etree.XMLSyntaxError, ValueError):
        raise unreadable(f"文件中的 {what} 已损坏，无法读取")


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES:
        raise unreadable("文件内容过大，无法读取")
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        raise unreadable()
    if len(data) > MAX_PART_BYTES:
        raise unreadable("文件内容过大，无法读取")
    return data


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise unreadable()
    if len(members) > MAX_MEMBERS:
        raise unreadable("文件包含的部件过多，无法读取")
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise unreadable("文件的压缩比异常（疑似压缩炸弹），已拒绝")
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise unreadable("文件解压后过大，无法读取")
    return archive


def extract_text(data: bytes) -> str:
    """The body text of a .docx (see the module's docstring); 400 ``unreadable_file`` if it is not
    a readable Word document."""
    archive = _open(data)
    types = _read_part(archive, "[Content_Types].xml")
    if types is None:
        raise unreadable("文件缺少内容类型说明，不是有效的 .docx 文档")
    root = _parse(types, "[Content_Types].xml")
    main_type = next((o.get("ContentType", "") for o in root.iter("{%s}Override" % CT)
                      if o.get("PartName", "").lower() == "/word/document.xml"), None)
    if main_type and main_type != DOCX_MAIN:
        if "macroEnabled" in main_type:
            raise unsupported("不接受含宏的文档（.docm），请另存为 .docx 后再上传")
        if "template" in main_type:
            raise unsupported("这是 Word 模板（.dotx），请另存为 .docx 后再上传")
        raise unreadable()
    document = _read_part(archive, "word/document.xml")
    if document is None:
        raise unreadable("文件中没有 Word 正文（word/document.xml），不是有效的 .docx 文档")
    body_root = _parse(document, "word/document.xml")
    numbering = _read_part(archive, "word/numbering.xml")
    styles = _read_part(archive, "word/styles.xml")
    labeller = Numbering(_parse(numbering, "word/numbering.xml") if numbering else None,
                         _parse(styles, "word/styles.xml") if styles else None)
    body = body_root.find(_W + "body")
    if body is None:
        raise unreadable("文件中没有 Word 正文，不是有效的 .docx 文档")
    lines: list[str] = []
    _blocks(body, lines, labeller)
    return "\n".join(lines)


# --- the body ------------------------------------------------------------------------------
_SPACE = " \t\r\n\u3000\u00a0"
_SKIPPED = {_W + "del", _W + "moveFrom", _W + "txbxContent", "{%s}Fallback" % MC,
            _W + "footnoteReference", _W + "endnoteReference", _W + "commentReference", _W + "instrText",
            _W + "delText", _W + "rPr", _W + "pPr", _W + "rt"}  # rt: a ruby's phonetic guide


def _blocks(container, lines, labeller):
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            text = _paragraph(child, labeller)
            if text:
                lines.append(text)
        elif tag == _W + "tbl":
            for row in child.iter(_W + "tr"):
                if _table_of(row) is not child:
                    continue  # a nested table's rows are read within their cell
                cells = [_cell(tc, labeller) for tc in row if tc.tag == _W + "tc"]
                if any(cells):
                    lines.append(" | ".join(cells))
        elif tag in (_W + "sdt", _W + "customXml", _W + "ins", _W + "smartTag"):
            _blocks(child.find(_W + "sdtContent") if tag == _W + "sdt" else child, lines, labeller)
        elif tag == "{%s}AlternateContent" % MC:
            choice = child.find("{%s}Choice" % MC)
            if choice is not None:
                _blocks(choice, lines, labeller)


def _table_of(row):
    parent = row.getparent()
    while parent is not None and parent.tag != _W + "tbl":
        parent = parent.getparent()
    return parent


def _cell(tc, labeller) -> str:
    lines: list[str] = []
    _blocks(tc, lines, labeller)
    return " ".join(line.replace(" | ", " ") for line in lines)


def _runs_text(element, out: list[str]):
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag == _W + "p":  # a paragraph inside a run-level container (rare): keep its words
            out.append(" ")
            _runs_text(child, out)
        else:
            _runs_text(child, out)


def _paragraph(p, labeller) -> str:
    out: list[str] = []
    _runs_text(p, out)
    text = "".join(out)
    lines = [line.strip(_SPACE) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    label, suffix = labeller.label(p)
    if label:
        text = f"{label}{suffix}{text}" if text else label
    return text


# --- automatic numbering -------------------------------------------------------------------
_CN_DIGITS = "〇一二三四五六七八九"


def chinese_counting(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and out:
                out.append("零")
            out.append(_CN_DIGITS[digit] + unit)
            zero = False
        elif out:
            zero = True
    text = "".join(out)
    return text[1:] if text.startswith("一十") else text


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographDigital",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return chinese_counting(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 0 < n <= 20 else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) - ord("0") + 0xFF10) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"


@dataclass
class _List:
    levels: dict[int, _Level] = field(default_factory=dict)
    counters: dict[int, int] = field(default_factory=dict)


class Numbering:
    """Renders Word's list labels, counting as Word does: each level continues through the list
    instance (``w:num``) and restarts when a higher level advances."""

    def __init__(self, numbering_root, styles_root):
        self.lists: dict[str, _List] = {}
        self.style_numbering: dict[str, tuple[str | None, int]] = {}
        if numbering_root is not None:
            abstract = {a.get(_W + "abstractNumId"): a for a in numbering_root.iter(_W + "abstractNum")}
            for num in numbering_root.iter(_W + "num"):
                ref = num.find(_W + "abstractNumId")
                definition = abstract.get(ref.get(_W + "val")) if ref is not None else None
                levels = self._levels(definition) if definition is not None else {}
                for override in num.iter(_W + "lvlOverride"):
                    ilvl = _int(override.get(_W + "ilvl"), 0)
                    start = override.find(_W + "startOverride")
                    if start is not None:
                        levels.setdefault(ilvl, _Level()).start = _int(start.get(_W + "val"), 1)
                self.lists[num.get(_W + "numId")] = _List(levels=levels)
        if styles_root is not None:
            for style in styles_root.iter(_W + "style"):
                num_pr = style.find(f"{_W}pPr/{_W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(_W + "numId")
                    ilvl = num_pr.find(_W + "ilvl")
                    self.style_numbering[style.get(_W + "styleId")] = (
                        num_id.get(_W + "val") if num_id is not None else None,
                        _int(ilvl.get(_W + "val"), 0) if ilvl is not None else 0)

    @staticmethod
    def _levels(definition) -> dict[int, _Level]:
        levels = {}
        for lvl in definition.iter(_W + "lvl"):
            level = _Level()
            for name in ("start", "numFmt", "lvlText", "suff"):
                element = lvl.find(_W + name)
                if element is None:
                    continue
                value = element.get(_W + "val")
                if name == "start":
                    level.start = _int(value, 1)
                elif name == "numFmt":
                    level.fmt = value or "decimal"
                elif name == "lvlText":
                    level.text = value or ""
                else:
                    level.suffix = value or "tab"
            levels[_int(lvl.get(_W + "ilvl"), 0)] = level
        return levels

    def label(self, p) -> tuple[str, str]:
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        num_id, ilvl = None, 0
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is not None and style.get(_W + "val") in self.style_numbering:
            num_id, ilvl = self.style_numbering[style.get(_W + "val")]
        if num_pr is not None:
            element = num_pr.find(_W + "numId")
            if element is not None:
                num_id = element.get(_W + "val")
            element = num_pr.find(_W + "ilvl")
            if element is not None:
                ilvl = _int(element.get(_W + "val"), 0)
        numbered = self.lists.get(num_id) if num_id not in (None, "0") else None
        if numbered is None or ilvl not in numbered.levels:
            return "", ""
        counters = numbered.counters
        level = numbered.levels[ilvl]
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return "•", " "

        def value(match):
            k = int(match.group(1)) - 1
            referenced = numbered.levels.get(k, _Level())
            count = counters.get(k, referenced.start)
            return format_number(count, referenced.fmt if k != ilvl else level.fmt)

        text = re.sub(r"%([1-9])", value, level.text)
        return text, {"tab": " ", "space": " ", "nothing": ""}.get(level.suffix, " ")


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
