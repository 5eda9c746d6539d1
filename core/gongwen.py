"""公文 layout (GB/T 9704-2012 《党政机关公文格式》) for the .docx files the system generates.

Pure: strings in, .docx bytes out; imports nothing of the project. One page setup for every
generated file (the published document, the opinion letter, 修改前后对照表, the annual report):

* A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
* body 仿宋_GB2312 三号 (16 pt), 22 lines of 28 characters: a character grid with the line
  pitch fixed at 28.95 pt and a character pitch of 156 mm / 28;
* title 方正小标宋简体 二号 (22 pt), centred; the issuer's mark (发文机关标志) in red above it, then
  the 发文字号 centred, then the red separating line;
* page numbers in the footer as "— 1 —", 宋体 四号 (14 pt), odd pages at the right, even pages at
  the left, each one character in from the edge (GB/T 9704-2012 §7.5).

The East Asian font is set through ``w:rFonts w:eastAsia`` (Word ignores the plain font name for
Chinese text), and the font table names a fallback for each font a PC may lack (方正小标宋简体 →
宋体, 仿宋_GB2312 → 仿宋, 黑体 → SimHei, 楷体_GB2312 → 楷体): Word and WPS then use the fallback, and
LibreOffice substitutes a CJK font of the same kind. Nothing active goes in: no macros, no
formulas, no external links; the one field is the page number.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# --- the standard's numbers ----------------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH_PT = 28.95            # 225 mm / 22 lines ≈ 28.99 pt; Word's 公文 templates use 28.95 (579 twips)
BODY_PT, TITLE_PT, PAGE_NUMBER_PT, MASTHEAD_PT, TABLE_PT = 16, 22, 14, 36, 14  # 三号, 二号, 四号
CHAR_PITCH_PT = (PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / 25.4 * 72 / CHARS_PER_LINE  # ≈ 15.79 pt
CHAR_SPACING_TWIPS = -5          # 16 pt − 0.25 pt = 15.75 pt a character: 28 × 15.75 = 441 pt ≤ 442.2 pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEITI: "SimHei", KAITI: "楷体", SONGTI: "SimSun"}
_FONT_FAMILY = {TITLE_FONT: "roman", BODY_FONT: "modern", HEITI: "modern", KAITI: "modern", SONGTI: "auto"}

ARTICLE = re.compile(r"^(第[零〇一二两三四五六七八九十百千0-9０-９]+条)[\s\u3000]*")
CHAPTER = re.compile(r"^第[零〇一二两三四五六七八九十百千0-9０-９]+[编章节][\s\u3000]")
LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")
LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")


def chinese_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 writes it: 2026年7月1日 (Arabic numerals, no padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


TITLE_CHARS = int((PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) / 25.4 * 72 // TITLE_PT)  # 20 at 二号


def title_lines(title: str) -> list[str]:
    """A title too long for one line, broken where the sense allows (GB/T 9704-2012 §7.3.1: 回行时
    要做到词意完整): after a closing book-title mark or bracket, else before 的 or 关于, as near the
    middle as possible; left alone when no such place fits."""
    if len(title) <= TITLE_CHARS:
        return [title]
    places = [i + 1 for i, ch in enumerate(title) if ch in "》）"] + \
             [i for i, ch in enumerate(title) if ch == "的" or title.startswith("关于", i)]
    fitting = [i for i in places if 0 < i < len(title) and len(title[:i]) <= TITLE_CHARS
               and len(title[i:]) <= TITLE_CHARS]
    if not fitting:
        return [title]
    best = min(fitting, key=lambda i: (abs(len(title) / 2 - i), -i))
    return [title[:best], title[best:]]


def _fonts(run_or_style, east_asia: str, size_pt: float | None = None, *, bold=None, color=None):
    font = run_or_style.font
    font.name = LATIN_FONT
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attribute), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), east_asia)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)


def _exact(paragraph_format, pitch_pt=LINE_PITCH_PT):
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(pitch_pt)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _font_table(document):
    """Declare the Chinese fonts with their fallbacks (``w:altName``) in word/fontTable.xml."""
    part = next((p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:
        return
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{_FONT_FAMILY[name]}"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items())
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _doc_defaults(document):
    """The document's defaults are the body's (三号 仿宋, exact pitch, Chinese): renderers size the
    character grid from them, not from the Normal style."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for child in list(rpr):
        rpr.remove(child)
    rfonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attribute), LATIN_FONT)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    rpr.append(rfonts)
    spacing = OxmlElement("w:spacing")  # the schema's order: rFonts, spacing, sz, szCs, lang
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr.append(spacing)
    for name in ("w:sz", "w:szCs"):
        size = OxmlElement(name)
        size.set(qn("w:val"), str(BODY_PT * 2))
        rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        for key, value in (("w:after", "0"), ("w:line", str(round(LINE_PITCH_PT * 20))), ("w:lineRule", "exact")):
            spacing.set(qn(key), value)


def _page_setup(section):
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(24)  # the page number's line sits about 7 mm below the 版心
    section.gutter = Mm(0)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid of 22 lines. The 28 characters a line come from the characters' spacing
    # (CHAR_SPACING_TWIPS), not from a character grid: LibreOffice gives a 16 pt character two
    # cells of a 15.8 pt grid (14 characters a line), while Word compresses it.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))  # twips
    grid.attrib.pop(qn("w:charSpace"), None)


def _page_number(footer, align):
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = align
    indent = Pt(PAGE_NUMBER_PT)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)

    def run(text=None):
        r = paragraph.add_run(text)
        _fonts(r, SONGTI, PAGE_NUMBER_PT)
        return r

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif instruction == " PAGE ":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            r._r.append(text)
        else:
            r.text = instruction
    run(" —")


def _bottom_rule(paragraph, color="FF0000", size_eighths=12):
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", "6"), ("w:color", color)):
        bottom.set(qn(key), value)
    border.append(bottom)
    # the schema's order: pBdr comes before shd, tabs, spacing, ind, jc … (Word refuses a file otherwise)
    ppr.insert_element_before(border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                              "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                              "w:pPrChange")


class Gongwen:
    """A .docx being laid out as a 公文; add parts in reading order, then ``to_bytes()``."""

    def __init__(self, *, title_for_properties: str = ""):
        self.doc = Document()
        _font_table(self.doc)
        _doc_defaults(self.doc)
        normal = self.doc.styles["Normal"]
        _fonts(normal, BODY_FONT, BODY_PT)
        _exact(normal.paragraph_format)
        normal.paragraph_format.widow_control = False
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        section = self.doc.sections[0]
        _page_setup(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
        properties = self.doc.core_properties
        properties.title = title_for_properties[:200]
        properties.author = properties.last_modified_by = ""
        properties.comments = properties.keywords = properties.subject = ""
        # python-docx's template starts with one empty paragraph? (it does not; keep it that way)

    # --- blocks --------------------------------------------------------------------------
    def blank(self, lines=1):
        for _ in range(lines):
            self.doc.add_paragraph()

    def masthead(self, text: str):
        """发文机关标志: red, 小标宋, centred, 35 mm below the top of the 版心."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.space_before = Mm(25)
        paragraph.paragraph_format.space_after = Pt(0)
        _fonts(paragraph.add_run(text), TITLE_FONT, MASTHEAD_PT, color=RED)
        return paragraph

    def number(self, text: str, *, rule=True):
        """发文字号, centred, with the red separating line under it when there is a masthead."""
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = Pt(0)
        _fonts(paragraph.add_run(text), BODY_FONT, BODY_PT)
        if rule:
            _bottom_rule(paragraph)
        return paragraph

    def title(self, text: str):
        lines = [part for line in (text or "").splitlines() for part in title_lines(line)] or [""]
        for line in lines:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _exact(paragraph.paragraph_format, 35)  # 二号 needs more than the grid's pitch
            _fonts(paragraph.add_run(line), TITLE_FONT, TITLE_PT)
        return paragraph

    def subtitle(self, text: str):
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(paragraph.add_run(text), KAITI, BODY_PT)
        return paragraph

    def recipient(self, text: str):
        """主送机关: flush left, ending with a full-width colon."""
        paragraph = self.doc.add_paragraph()
        text = text.rstrip("：:")
        _fonts(paragraph.add_run(f"{text}："), BODY_FONT, BODY_PT)
        return paragraph

    def paragraph(self, text: str, *, indent=True, align=None):
        """A body paragraph (首行缩进二字); an article's 第X条 in 黑体, a chapter heading centred in
        黑体, a "一、" heading in 黑体 and a "（一）" one in 楷体, as official documents set them."""
        paragraph = self.doc.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        text = text.strip()
        if CHAPTER.match(text) and len(text) <= 40:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(paragraph.add_run(text), HEITI, BODY_PT)
            return paragraph
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        article = ARTICLE.match(text)
        if article:
            _fonts(paragraph.add_run(article.group(1) + "\u3000"), HEITI, BODY_PT)
            text = text[article.end():]
        elif LEVEL1.match(text) and len(text) <= 40:
            _fonts(paragraph.add_run(text), HEITI, BODY_PT)
            return paragraph
        elif LEVEL2.match(text) and len(text) <= 40:
            _fonts(paragraph.add_run(text), KAITI, BODY_PT)
            return paragraph
        _fonts(paragraph.add_run(text), BODY_FONT, BODY_PT)
        return paragraph

    def body(self, text: str):
        for line in (text or "").splitlines():
            if line.strip():
                self.paragraph(line)

    def heading(self, text: str):
        """A first-level heading (一、…) in 黑体, indented like the body."""
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
        _fonts(paragraph.add_run(text), HEITI, BODY_PT)
        return paragraph

    def table(self, headers: list[str], rows: list[list[str]], widths_mm: list[float] | None = None):
        """A plain table, 仿宋 四号, header row in 黑体 and repeated on every page."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False

        def fill(cell, value, font):
            cell.text = ""
            lines = str(value or "").split("\n")
            for i, line in enumerate(lines):
                paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                _exact(paragraph.paragraph_format, 22)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if font == HEITI else WD_ALIGN_PARAGRAPH.LEFT
                _fonts(paragraph.add_run(line), font, TABLE_PT)

        for cell, value in zip(table.rows[0].cells, headers):
            fill(cell, value, HEITI)
        header_props = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_props.append(repeat)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values):
                fill(cell, value, BODY_FONT)
        if widths_mm:
            for column, width in zip(table.columns, widths_mm):
                column.width = Mm(width)  # the grid, which LibreOffice follows
            for row in table.rows:  # and each cell, which Word follows
                for cell, width in zip(row.cells, widths_mm):
                    cell.width = Mm(width)
        return table

    def signature(self, issuer: str, day: dt.date | None):
        """发文机关署名 and 成文日期, right-aligned, the date four characters in from the edge."""
        self.blank(2)
        if issuer:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_PT * 2)
            _fonts(paragraph.add_run(issuer), BODY_FONT, BODY_PT)
        if day:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(BODY_PT * 4)
            _fonts(paragraph.add_run(chinese_date(day)), BODY_FONT, BODY_PT)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


# --- the documents ---------------------------------------------------------------------------
def document_docx(*, title: str, body: str, number: str = "", issuer: str = "", masthead: str = "",
                  day: dt.date | None = None) -> bytes:
    """A normative document as published: masthead, 发文字号, red line, title, body, issuer, date."""
    gw = Gongwen(title_for_properties=title)
    if masthead:
        gw.masthead(masthead)
        gw.blank(2)
    if number:
        gw.number(number, rule=bool(masthead))
    gw.blank(2 if masthead else 1)
    gw.title(title)
    gw.blank()
    gw.body(body)
    gw.signature(issuer, day)
    return gw.to_bytes()


@dataclass
class Letter:
    """An official letter (e.g. 合法性审核意见书): what goes where on the page."""

    title: str
    masthead: str = ""           # 发文机关标志, e.g. 春城市司法局
    number: str = ""             # 发文字号, e.g. 春司审〔2026〕12号
    recipient: str = ""          # 主送机关
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # (heading or "", paragraphs)
    signature: str = ""          # 发文机关署名
    day: dt.date | None = None   # 成文日期
    cc: str = ""                 # 抄送


def letter_docx(letter: Letter) -> bytes:
    gw = Gongwen(title_for_properties=letter.title)
    if letter.masthead:
        gw.masthead(letter.masthead)
        gw.blank(2)
    if letter.number:
        gw.number(letter.number, rule=bool(letter.masthead))
    gw.blank(2 if letter.masthead else 1)
    gw.title(letter.title)
    gw.blank()
    if letter.recipient:
        gw.recipient(letter.recipient)
    for heading, paragraphs in letter.sections:
        if heading:
            gw.heading(heading)
        for text in paragraphs:
            gw.paragraph(text)
    gw.signature(letter.signature, letter.day)
    if letter.cc:
        gw.blank()
        gw.paragraph(f"抄送：{letter.cc}。", indent=False)
    return gw.to_bytes()


def table_docx(*, title: str, headers: list[str], rows: list[list[str]], subtitle: str = "",
               intro: list[str] = (), widths_mm: list[float] | None = None, notes: list[str] = ()) -> bytes:
    """A titled table (修改前后对照表, a report's figures) on 公文 pages."""
    gw = Gongwen(title_for_properties=title)
    gw.title(title)
    if subtitle:
        gw.subtitle(subtitle)
    gw.blank()
    for text in intro:
        gw.paragraph(text)
    gw.table(headers, rows, widths_mm)
    for text in notes:
        gw.paragraph(text)
    return gw.to_bytes()
