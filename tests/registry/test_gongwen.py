"""Generated documents in 公文 layout (GB/T 9704-2012), read back with python-docx; the published
document as .docx and PDF on the public API. The PDF test renders page 1 to a PNG kept in
tests/registry/artifacts/ (not committed) for a person to look at."""
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as Docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn

from core import gongwen
from registry.reports import annual_docx

ARTIFACTS = Path(__file__).with_name("artifacts")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                   reason="needs LibreOffice (soffice) and poppler-utils: .ci/run installs them")


def east_asia(run_or_style):
    rfonts = run_or_style.element.rPr.find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def assert_gongwen_page(docx):
    section = docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines on the 225 mm 版心
    normal = docx.styles["Normal"]
    assert normal.font.size.pt == 16 and east_asia(normal) == "仿宋_GB2312"
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert round(normal.paragraph_format.line_spacing.pt, 2) == 28.95
    # 28 characters a line: 16 pt characters closed up by 0.25 pt fit the 156 mm line 28 times
    spacing = docx.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:spacing')}")
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert int(156 / 25.4 * 72 // pitch) == 28
    fonts = docx.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable").blob.decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert 'w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        assert "PAGE" in paragraph._p.xml and paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.runs[0].font.size.pt == 14 and east_asia(paragraph.runs[0]) == "宋体"
    assert "vbaProject" not in str([p.partname for p in docx.part.package.iter_parts()])


def title_paragraph(docx, text):
    paragraph = next(p for p in docx.paragraphs if p.text == text)
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.runs[0]
    assert run.font.size.pt == 22 and east_asia(run) == "方正小标宋简体"
    return paragraph


def test_a_letter_puts_each_part_in_its_place():
    letter = gongwen.Letter(
        masthead="春城市司法局", number="春司审〔2026〕12号", title="关于《春城市校外培训机构管理办法》的合法性审核意见",
        recipient="春城市教育局", sections=[("一、审核意见", ["经审核，该文件合法。"]), ("", ["特此函告。"])],
        signature="春城市司法局", day=dt.date(2026, 7, 1), cc="春城市人民政府办公室")
    docx = Docx(io.BytesIO(gongwen.letter_docx(letter)))
    assert_gongwen_page(docx)
    texts = [p.text for p in docx.paragraphs if p.text]
    assert texts == ["春城市司法局", "春司审〔2026〕12号", "关于《春城市校外培训机构管理办法》", "的合法性审核意见", "春城市教育局：",
                     "一、审核意见", "经审核，该文件合法。", "特此函告。", "春城市司法局", "2026年7月1日",
                     "抄送：春城市人民政府办公室。"]
    masthead = docx.paragraphs[0].runs[0]
    assert masthead.font.color.rgb == gongwen.RED and east_asia(masthead) == "方正小标宋简体"
    number = next(p for p in docx.paragraphs if p.text == "春司审〔2026〕12号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER and "w:pBdr" in number._p.xml  # the red line under it
    title_paragraph(docx, "关于《春城市校外培训机构管理办法》")
    title_paragraph(docx, "的合法性审核意见")
    heading = next(p for p in docx.paragraphs if p.text == "一、审核意见")
    assert east_asia(heading.runs[0]) == "黑体"


def test_long_titles_break_where_the_sense_allows():
    assert gongwen.title_lines("春城市校外培训机构管理办法") == ["春城市校外培训机构管理办法"]
    assert gongwen.title_lines("关于《春城市校外培训机构管理办法》的合法性审核意见") == [
        "关于《春城市校外培训机构管理办法》", "的合法性审核意见"]
    assert gongwen.title_lines("春城市人民政府关于进一步加强行政规范性文件管理的通知") == [
        "春城市人民政府", "关于进一步加强行政规范性文件管理的通知"]
    unbreakable = "一二三四五六七八九十" * 3
    assert gongwen.title_lines(unbreakable) == [unbreakable]  # no sensible place: the renderer wraps it


def test_the_annual_report_is_a_gongwen():
    figures = {"year": 2026, "normative_documents_reviewed": 3, "review_opinions_issued": 4, "urgent_approvals": 1, "reviews_on_time": 4,
               "normative_documents_published": 2, "filed": 2, "filed_on_time": 1, "comments_received": 5,
               "comments_adopted": 2, "returned": {"lawful_with_changes": 1, "unlawful": 0, "materials_missing": 1},
               "review_opinions_by_kind_and_outcome": {"normative": {"lawful": 3}, "contract": {"lawful": 1}},
               "decisions": {"catalogued": 2, "catalogued_started": 1, "adopted": 1, "rejected": 0,
                             "outside_catalogue": 0, "published": 1, "evaluated": 0}}
    docx = Docx(io.BytesIO(annual_docx(figures)))
    assert_gongwen_page(docx)
    title_paragraph(docx, "2026年度规范性文件合法性审核与备案情况")
    assert [c.text for c in docx.tables[0].rows[0].cells] == ["项目", "数量"]


@pytest.mark.django_db
def test_the_published_document_as_docx(client_for, make_document):
    doc = make_document("published")
    response = client_for(None).get(f"/api/public/documents/{doc.pk}/docx/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == DOCX_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    docx = Docx(io.BytesIO(response.content))
    assert_gongwen_page(docx)
    texts = [p.text for p in docx.paragraphs if p.text]
    assert texts[:3] == ["春城市人民政府文件", doc.number, doc.title]
    title_paragraph(docx, doc.title)
    number = docx.paragraphs[[p.text for p in docx.paragraphs].index(doc.number)]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    article = next(p for p in docx.paragraphs if p.text.startswith("第一条"))
    assert east_asia(article.runs[0]) == "黑体" and east_asia(article.runs[1]) == "仿宋_GB2312"
    assert round(article.paragraph_format.first_line_indent.pt) == 32  # 首行缩进二字
    assert texts[-2:] == ["春城市人民政府", gongwen.chinese_date(doc.published_on)]


@pytest.mark.django_db
def test_only_published_documents(client_for, make_document):
    draft = make_document("registered")
    assert client_for(None).get(f"/api/public/documents/{draft.pk}/docx/").status_code == 404
    assert client_for(None).get(f"/api/public/documents/{draft.pk}/pdf/").status_code == 404
    assert client_for(None).get("/api/public/documents/999999/docx/").json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_no_renderer_means_404_not_available(client_for, make_document, settings):
    settings.SOFFICE_PATH = "/nonexistent/soffice"
    doc = make_document("published")
    response = client_for(None).get(f"/api/public/documents/{doc.pk}/pdf/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_available"


@needs_soffice
@pytest.mark.django_db
def test_the_published_document_as_pdf_shows_title_and_number(client_for, make_document, tmp_path):
    doc = make_document("published")
    response = client_for(None).get(f"/api/public/documents/{doc.pk}/pdf/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    assert doc.title in squeezed and doc.number in squeezed and "第一条" in squeezed
    assert "—1—" in squeezed  # the page number
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595.3" in size and "841.8" in size  # A4 in points
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "published-document")], check=True)
    assert (ARTIFACTS / "published-document.png").stat().st_size > 10_000
    # the second request reuses the PDF rather than rendering again
    again = client_for(None).get(f"/api/public/documents/{doc.pk}/pdf/")
    assert again.content == response.content


@needs_soffice
@pytest.mark.django_db
def test_the_comparison_as_pdf(client_for, make_document, users, tmp_path):
    from review import services

    doc = make_document("drafting")
    services.document_update(actor=users["drafter"], document_id=doc.pk, body=doc.body + "\n第三条 新增的条款。")
    response = client_for("drafter").get(f"/api/documents/{doc.pk}/comparison/?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "comparison.pdf"
    pdf.write_bytes(response.content)
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "修改前后对照表" in text and "第三条新增的条款。" in text


def fake_renderer(tmp_path, script):
    program = tmp_path / "soffice"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(0o755)
    return str(program)


def test_a_hung_renderer_is_killed_and_reported(tmp_path):
    from core import pdf

    with pytest.raises(pdf.PdfFailed):
        pdf.docx_to_pdf(b"PK", timeout=1, soffice=fake_renderer(tmp_path, "sleep 30"))
    with pytest.raises(pdf.PdfFailed):
        pdf.docx_to_pdf(b"PK", timeout=5, soffice=fake_renderer(tmp_path, "exit 3"))


@pytest.mark.django_db
def test_a_failed_pdf_is_503_and_the_docx_still_works(client_for, make_document, settings, tmp_path):
    settings.SOFFICE_PATH = fake_renderer(tmp_path, "exit 1")
    doc = make_document("published")
    response = client_for(None).get(f"/api/public/documents/{doc.pk}/pdf/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert client_for(None).get(f"/api/public/documents/{doc.pk}/docx/").status_code == 200


@needs_soffice
def test_a_full_page_has_22_lines_of_28_characters(tmp_path):
    from core import pdf

    sentence = "为了规范本市校外培训机构管理，保障受教育者的合法权益，根据有关法律法规，结合本市实际，制定本办法。"
    body = "\n".join(f"第{n}条 {sentence}{sentence}" for n in "一二三四五六七八九十" * 3)
    data = pdf.docx_to_pdf(gongwen.document_docx(title="春城市校外培训机构管理办法", body=body, number="春府规〔2026〕1号"))
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = ["".join(line.split()) for line in text.splitlines() if line.strip()]
    body_lines = [line for line in lines if not line.startswith("—")]  # the page number
    assert len(body_lines) == 22
    assert max(len(line) for line in body_lines) == 28
    assert sum(1 for line in body_lines if len(line) == 28) >= 10  # full lines (an article's first: 26 + 缩进)


# ECMA-376 orders of a paragraph's and a run's properties: Word declares a file with them out of
# order unreadable, though python-docx and LibreOffice read it.
PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
             "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
             "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
             "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange").split()
RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
             "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl "
             "cs em lang eastAsianLayout specVanish oMath").split()


@pytest.mark.parametrize("make", ["document", "letter", "table"])
def test_properties_are_in_the_schema_order(make):
    import zipfile

    from lxml import etree

    data = {
        "document": lambda: gongwen.document_docx(title="标题", body="第一章 总则\n第一条 正文。\n一、标题\n（一）小标题",
                                                  number="春府规〔2026〕1号", masthead="春城市人民政府文件",
                                                  issuer="春城市人民政府", day=dt.date(2026, 1, 1)),
        "letter": lambda: gongwen.letter_docx(gongwen.Letter(title="关于某事的函", masthead="春城市司法局", number="春司函〔2026〕1号",
                                                             recipient="春城市教育局", sections=[("一、意见", ["正文。"])],
                                                             signature="春城市司法局", day=dt.date(2026, 1, 1), cc="办公室")),
        "table": lambda: gongwen.table_docx(title="表", headers=["甲", "乙"], rows=[["1", "2"]], widths_mm=[78, 78],
                                            intro=["说明。"], notes=["注。"]),
    }[make]()
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    archive = zipfile.ZipFile(io.BytesIO(data))
    for name in archive.namelist():
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        root = etree.fromstring(archive.read(name))
        for kind, order in (("pPr", PPR_ORDER), ("rPr", RPR_ORDER)):
            for element in root.iter(w + kind):
                tags = [child.tag.split("}")[1] for child in element if isinstance(child.tag, str)]
                positions = [order.index(tag) for tag in tags]
                assert positions == sorted(positions), (name, kind, tags)
