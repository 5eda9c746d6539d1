"""Real .docx files for the tests, built with python-docx, and hostile files that only look like one."""
from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from review.comparison import chinese_numeral

PENALTY = "违反本办法规定的，由教育行政部门处五百元以上二千元以下罚款。"


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _article_numbering(document) -> str:
    """A list whose labels Word renders as 第一条, 第二条 … (WPS's 条款 numbering); its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(document, text, num_id, level=0):
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return paragraph


def sample_docx() -> tuple[bytes, str]:
    """A draft as a department writes it in Word: a title, a chapter heading, twelve articles typed
    out (第一条 … 第十二条), Word-numbered items, a bulleted list, a table and a phrase in traditional
    characters. Returns the file and the text the system must extract from it."""
    document = Document()
    document.add_heading("春城市校外培训机构管理办法", level=0)
    document.add_heading("第一章 总则", level=1)
    expected = ["春城市校外培训机构管理办法", "第一章 总则"]
    for n in range(1, 13):
        text = f"第{chinese_numeral(n)}条 本市校外培训机构的设立和管理适用本办法第{n}项规定。"
        if n == 9:
            text = f"第九条 {PENALTY}"
        if n == 3:
            text = "第三条 申请设立校外培训机构，应当具备下列条件："
        document.add_paragraph(text)
        expected.append(text)
        if n == 3:
            for item in ("有符合规定的场所；", "有合格的教师；", "有规范的章程。"):
                document.add_paragraph(item, style="List Number")
            expected += ["1. 有符合规定的场所；", "2. 有合格的教师；", "3. 有规范的章程。"]
    document.add_paragraph("附件：收费標準（繁體字）")
    expected.append("附件：收费標準（繁體字）")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("项目", "标准", "备注"), ("学科类", "每课时50元", ""), ("非学科类", "市场调节", "備案")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    expected += ["项目 | 标准 | 备注", "学科类 | 每课时50元 | ", "非学科类 | 市场调节 | 備案"]
    document.add_paragraph("")  # Word's empty spacing paragraphs are not text
    document.add_paragraph("　　本办法自公布之日起施行。　")
    expected.append("本办法自公布之日起施行。")
    return to_bytes(document), "\n".join(expected)


def auto_numbered_docx() -> tuple[bytes, str]:
    """Articles numbered by Word itself (第%1条, chineseCounting) with sub-items （一）（二）."""
    document = Document()
    num = _article_numbering(document)
    _numbered(document, "为了规范管理，制定本办法。", num)
    _numbered(document, "本办法所称机构包括：", num)
    _numbered(document, "学科类机构；", num, level=1)
    _numbered(document, "非学科类机构。", num, level=1)
    for _ in range(19):
        _numbered(document, "其他规定。", num)
    expected = ["第一条 为了规范管理，制定本办法。", "第二条 本办法所称机构包括：", "（一）学科类机构；",
                "（二）非学科类机构。"] + [f"第{chinese_numeral(n)}条 其他规定。" for n in range(3, 22)]
    return to_bytes(document), "\n".join(expected)


def simple_docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return to_bytes(document)


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_part(docx: bytes, name: str, data: bytes | None) -> bytes:
    """The .docx with one part replaced (or removed, with None)."""
    members = {}
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for info in archive.infolist():
            members[info.filename] = archive.read(info)
    if data is None:
        members.pop(name, None)
    else:
        members[name] = data
    return zip_of(members)


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                  b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


XXE = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
       b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>")


def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, bytes, expected error code)."""
    good, _ = sample_docx()
    docm_types = with_part(good, "[Content_Types].xml", zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml")
                           .replace(b"document.main+xml", b"document.macroEnabled.main+xml"))
    return {
        "text renamed .docx": ("草案.docx", "第一条 这只是一个文本文件。".encode("utf-8"), "unsupported_file"),
        "old binary .doc": ("草案.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "unsupported_file"),
        "a .pdf": ("草案.pdf", b"%PDF-1.7\n" + b"0" * 100, "unsupported_file"),
        "a real .docx named .txt": ("草案.txt", good, "unsupported_file"),
        "truncated zip": ("草案.docx", good[: len(good) // 2], "unreadable_file"),
        "zip without word/document.xml": ("草案.docx", with_part(good, "word/document.xml", None), "unreadable_file"),
        "billion laughs": ("草案.docx", with_part(good, "word/document.xml", BILLION_LAUGHS), "unreadable_file"),
        "external entity (XXE)": ("草案.docx", with_part(good, "word/document.xml", XXE), "unreadable_file"),
        "entity in the numbering part": ("草案.docx", with_part(good, "word/numbering.xml", BILLION_LAUGHS),
                                         "unreadable_file"),
        "zip bomb": ("草案.docx", with_part(good, "word/media/padding.bin", b"\0" * (30 * 2**20)), "unreadable_file"),
        "broken XML": ("草案.docx", with_part(good, "word/document.xml", b"<w:document><w:body>"), "unreadable_file"),
        "macro-enabled .docm inside": ("草案.docx", docm_types, "unsupported_file"),
        "no text at all": ("草案.docx", simple_docx("", "　"), "unreadable_file"),
    }
