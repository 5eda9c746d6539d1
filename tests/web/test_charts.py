"""Issue 18, charts: labels never overlap, empty data says so, the month axis has all twelve
months, and every chart has a table view (and its CSV) beside the picture."""
import csv
import io

import pytest
from django.test import Client

from review.models import State
from web import charts

pytestmark = pytest.mark.django_db

LONG = [(label, i) for i, (_, label) in enumerate(State.choices)]


def _boxes(chart, *, horizontal):
    """(x0, y0, x1, y1) of each label's text, at the chart's 12 px font (CJK glyphs are square)."""
    out = []
    for b in chart["bars"]:
        for n, line in enumerate(b.lines):
            w = 12 * len(line)
            if horizontal:  # right-aligned at label_x; two lines sit either side of the row's middle
                y = b.text_y + (n - (len(b.lines) - 1) / 2) * 14
                out.append((chart["label_x"] - w, y - 12, chart["label_x"], y))
            else:
                out.append((b.text_x - w / 2, chart["label_y"] - 12, b.text_x + w / 2, chart["label_y"]))
    return out


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_state_labels_never_overlap_each_other_or_the_bars():
    chart = charts.hbars(LONG)
    boxes = _boxes(chart, horizontal=True)
    assert all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(box[2] <= b.x for box in boxes for b in chart["bars"])  # labels end left of every bar
    assert all(len(line) <= charts.LABEL_CHARS for b in chart["bars"] for line in b.lines)
    assert all(b.text_x + 6 * len(b.text) <= chart["width"] for b in chart["bars"])  # values stay inside


def test_twelve_month_labels_fit_their_columns():
    chart = charts.columns([(f"{m}月", 0.5) for m in range(1, 13)], percent=True)
    boxes = _boxes(chart, horizontal=False)
    assert len(boxes) == 12 and all(not _overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert boxes[0][0] >= 0 and boxes[-1][2] <= chart["width"]


def test_empty_data_is_empty_but_a_zero_rate_is_data():
    assert charts.hbars([("按期备案", None)], percent=True)["empty"]
    assert charts.hbars([(label, 0) for label in ("起草中", "已公布")])["empty"]
    assert not charts.columns([("1月", 0.0), ("2月", None)], percent=True)["empty"]


def test_the_dashboard_without_data_says_so(users):
    client = Client()
    client.force_login(users["registrar"])
    html = client.get("/dashboard/?year=2001").content.decode()
    assert "本年度尚无备案，暂无按期备案率。" in html and "本年度尚未出具审核意见" in html
    assert "0%" not in html and "暂无文件。" in html


def test_the_dashboard_has_a_table_per_chart_with_every_month(users, make_document):
    make_document("published")
    client = Client()
    client.force_login(users["auditor"])
    html = client.get("/dashboard/").content.decode()
    assert html.count('<details class="chart-table"') == 3 and html.count("<caption>") == 3
    assert all(f'<th scope="row">{m}月</th>' in html for m in range(1, 13))
    assert '<th scope="row">已公布</th>' in html and '<svg class="chart-svg"' in html
    r = client.get("/dashboard/?export=states")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["项目", "数值"] and ["已公布", "1"] in rows and len(rows) == 1 + len(State.choices)
    months = list(csv.reader(io.StringIO(client.get("/dashboard/?export=reviews").content.decode("utf-8-sig"))))
    assert [r[0] for r in months[1:]] == [f"{m}月" for m in range(1, 13)]
