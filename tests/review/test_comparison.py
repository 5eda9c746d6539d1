"""修改前后对照表: Chinese article numbers, alignment article by article (renumbering included), the
API as JSON and as a 公文 .docx table."""
import io

import pytest
from docx import Document as Docx

from review import services
from review.comparison import chinese_numeral, compare, parse_numeral, split_units


@pytest.mark.parametrize("text,number", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("九十九", 99), ("一百", 100),
    ("一百零五", 105), ("一百一十", 110), ("一百十", 110), ("一百二十三", 123), ("两百", 200), ("一千零一", 1001),
    ("〇", 0), ("21", 21), ("２１", 21),
])
def test_chinese_numerals(text, number):
    assert parse_numeral(text) == number


@pytest.mark.parametrize("text", ["", "条", "一二", "十a", "abc"])
def test_not_numerals(text):
    assert parse_numeral(text) is None


def test_numerals_round_trip():
    for n in range(0, 1200):
        assert parse_numeral(chinese_numeral(n)) == n
    assert [chinese_numeral(n) for n in (10, 12, 21, 105, 110)] == ["十", "十二", "二十一", "一百零五", "一百一十"]


ARTICLES = {n: f"第{chinese_numeral(n)}条 " + text for n, text in enumerate([
    "", "为了规范本市校外培训机构的设立与管理，保障受教育者的合法权益，制定本办法。",
    "本办法适用于本市行政区域内面向中小学生的校外培训机构。",
    "市教育行政部门负责全市校外培训机构的统筹管理工作，区教育行政部门负责本区的日常监管。",
    "校外培训机构应当依法取得办学许可证，并在登记机关办理登记手续。",
    "本办法自公布之日起施行，有效期五年。"], start=0) if n}


def test_articles_aligned_by_number_with_their_items():
    before = "\n".join([ARTICLES[1], ARTICLES[2], "（一）学科类；", "（二）非学科类。", ARTICLES[3]])
    after = "\n".join([ARTICLES[1], ARTICLES[2], "（一）学科类；", "（二）艺术类。", ARTICLES[3]])
    rows = compare(before, after)
    assert [(r["article"], r["change"]) for r in rows] == [("第一条", "unchanged"), ("第二条", "modified"),
                                                          ("第三条", "unchanged")]
    assert rows[1]["before"].endswith("（二）非学科类。") and rows[1]["after"].endswith("（二）艺术类。")


def test_an_inserted_article_does_not_change_every_later_one():
    """第二条 is new: the old 第二、三、四条 become 第三、四、五条 with the same words (renumbered,
    reported as modified with their old number), the old 第五条 is edited."""
    before = "\n".join(["春城市校外培训机构管理办法", ARTICLES[1], ARTICLES[2], ARTICLES[3], ARTICLES[4],
                        ARTICLES[5]])
    inserted = "第二条 校外培训机构不得以任何形式组织学科类培训，法律、法规另有规定的除外。"
    shift = lambda n, text: text.replace(f"第{chinese_numeral(n)}条", f"第{chinese_numeral(n + 1)}条", 1)  # noqa: E731
    after = "\n".join(["春城市校外培训机构管理办法", ARTICLES[1], inserted, shift(2, ARTICLES[2]), shift(3, ARTICLES[3]),
                       shift(4, ARTICLES[4]), "第六条 本办法自2027年1月1日起施行，有效期五年。"])
    rows = compare(before, after)
    summary = [(r["article"], r["change"]) for r in rows]
    assert summary == [
        ("（序言）", "unchanged"), ("第一条", "unchanged"), ("第二条", "added"),
        ("第三条（原第二条）", "modified"), ("第四条（原第三条）", "modified"), ("第五条（原第四条）", "modified"),
        ("第六条（原第五条）", "modified"),
    ]
    assert rows[3]["note"] == "条序调整（原第二条），内容未修改"
    assert rows[6]["note"] == "修改（原第五条）"
    assert rows[2]["before"] == "" and rows[2]["after"] == inserted


def test_removed_and_added_articles():
    before = "\n".join([ARTICLES[1], ARTICLES[2], ARTICLES[3]])
    after = "\n".join([ARTICLES[1], ARTICLES[3].replace("第三条", "第二条"),
                       "第三条 违反本办法规定的，由教育行政部门责令限期改正。"])
    rows = compare(before, after)
    assert [(r["change"], r["note"][:4]) for r in rows] == [
        ("unchanged", ""), ("removed", "删除"), ("modified", "条序调整"), ("added", "新增")]


def test_arabic_article_numbers_and_chapters():
    units = split_units("第一章 总则\n第1条 甲。\n第21条 乙。\n第二章 附则\n第一百零五条 丙。")
    assert [(u.label, u.key) for u in units] == [("第一章", ("章", 1)), ("第1条", ("条", 1)), ("第21条", ("条", 21)),
                                                ("第二章", ("章", 2)), ("第一百零五条", ("条", 105))]


def test_paragraphs_when_there_are_no_articles():
    before = "一、总体要求。\n二、重点任务是优化营商环境，推进政务服务标准化。\n三、保障措施。"
    after = "一、总体要求。\n二、重点任务是持续优化营商环境，推进政务服务标准化规范化。\n三、保障措施。\n四、其他事项。"
    rows = compare(before, after)
    assert [(r["article"], r["change"]) for r in rows] == [
        ("第1段", "unchanged"), ("第2段", "modified"), ("第3段", "unchanged"), ("第4段", "added")]


def test_identical_texts():
    assert {r["change"] for r in compare(ARTICLES[1], ARTICLES[1])} == {"unchanged"}
    assert compare("", "") == []


# --- the API ---------------------------------------------------------------------------------
@pytest.fixture
def two_versions(make_document, users):
    doc = make_document("drafting")
    services.document_update(actor=users["drafter"], document_id=doc.pk,
                             body=doc.body.replace("制定本办法。", "结合本市实际，制定本办法。") + "\n第三条 新增的条款。")
    return doc


@pytest.mark.django_db
def test_comparison_as_json(client_for, two_versions):
    response = client_for("drafter").get(f"/api/documents/{two_versions.pk}/comparison/?from=1&to=2")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["from"] == 1 and data["to"] == 2
    assert [(r["article"], r["change"]) for r in data["rows"]] == [
        ("第一条", "modified"), ("第二条", "unchanged"), ("第三条", "added")]
    # by default: the current version against the one before
    assert client_for("auditor").get(f"/api/documents/{two_versions.pk}/comparison/").json()["rows"] == data["rows"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?from=1&to=9", "?from=x&to=2", "?from=2&to=2", "?from=0&to=1", "?from=-1&to=2"])
def test_bad_versions_are_400_in_chinese(client_for, two_versions, query):
    response = client_for("drafter").get(f"/api/documents/{two_versions.pk}/comparison/{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "版本" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_single_version_has_nothing_to_compare(client_for, make_document):
    doc = make_document("drafting")
    response = client_for("drafter").get(f"/api/documents/{doc.pk}/comparison/")
    assert response.status_code == 400


def table_columns(docx):
    return docx.tables[0].columns


@pytest.mark.django_db
def test_comparison_as_docx_table(client_for, two_versions):
    response = client_for("drafter").get(f"/api/documents/{two_versions.pk}/comparison/?from=1&to=2&format=docx")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    docx = Docx(io.BytesIO(response.content))
    assert [p.text for p in docx.paragraphs[:2]] == ["《春城市校外培训机构管理办法》", "修改前后对照表"]
    assert [round(c.width.mm) for c in table_columns(docx)] == [60, 60, 36]
    table = docx.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["修改前", "修改后", "说明"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0][0].startswith("第一条") and "结合本市实际" in rows[0][1] and rows[0][2] == "修改"
    assert rows[1] == ["", "第三条 新增的条款。", "新增"]
    assert len(rows) == 2  # the unchanged 第二条 is left out, and the note says so
    assert any("未列出的1处内容未作修改" in p.text for p in docx.paragraphs)
    section = docx.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


@pytest.mark.django_db
def test_errors_of_a_file_endpoint_stay_json(client_for, two_versions):
    response = client_for("drafter").get(f"/api/documents/{two_versions.pk}/comparison/?from=1&to=7&format=docx")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "validation_error"


def test_an_article_rewritten_in_place_keeps_its_row():
    """Nothing alike in the words, the same number: one modified row, not a removal and an addition;
    text before the first article comes first."""
    before = "第一条 为规范本市校外培训机构管理，制定本办法。\n第二条 本办法自公布之日起施行。"
    after = "春城市校外培训机构管理办法\n第一条 本市行政区域内面向中小学生的校外培训适用本规定。\n第二条 本办法自公布之日起施行。"
    rows = compare(before, after)
    assert [(r["article"], r["change"]) for r in rows] == [
        ("（序言）", "added"), ("第一条", "modified"), ("第二条", "unchanged")]
