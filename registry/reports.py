"""The figures of a city government office's annual rule-of-law report (DESIGN §6), computed
from the data, never from hand-kept counts."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from core.exports import neutralise, xlsx_row
from review.models import Document, PublicComment, ReviewRound

DECIDED = ~Q(outcome="") & ~Q(outcome=ReviewRound.Outcome.WITHDRAWN)


def annual_figures(year: int) -> dict:
    rounds = ReviewRound.objects.filter(DECIDED, decided_at__year=year)
    normative_rounds = rounds.filter(document__kind=Document.Kind.NORMATIVE)
    returned = dict(rounds.exclude(outcome=ReviewRound.Outcome.LAWFUL)
                    .values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    published = Document.objects.filter(kind=Document.Kind.NORMATIVE, published_on__year=year)
    filed = published.filter(filed_on__isnull=False)
    filed_on_time = filed.filter(filed_on__lte=F("published_on") + dt.timedelta(days=settings.RULE_R11_FILING_DAYS))
    # decided_at is a moment, due_on a local date: decided on its due date is on time. A city
    # decides hundreds of reviews a year, so this comparison runs in Python over two columns.
    on_time = sum(1 for decided_at, due_on in rounds.values_list("decided_at", "due_on")
                  if timezone.localdate(decided_at) <= due_on)
    return {
        "year": year,
        "normative_documents_reviewed": normative_rounds.values("document").distinct().count(),
        "review_opinions_issued": rounds.count(),
        "review_opinions_by_kind": dict(rounds.values_list("document__kind").annotate(n=Count("id"))
                                        .values_list("document__kind", "n")),
        "returned": {outcome: returned.get(outcome, 0) for outcome in ReviewRound.RETURN_OUTCOMES},
        "reviews_on_time": on_time,
        "normative_documents_published": published.count(),
        "filed": filed.count(),
        "filed_on_time": filed_on_time.count(),
        "comments_received": PublicComment.objects.filter(created_at__year=year).count(),
        "comments_adopted": PublicComment.objects.filter(
            created_at__year=year, disposition__in=["adopted", "partly_adopted"]).count(),
    }


def annual_paragraphs(figures: dict) -> list[str]:
    f = figures
    returned = f["returned"]
    rate = lambda part, whole: f"{part / whole:.0%}" if whole else "—"  # noqa: E731
    return [
        f"{f['year']}年，全市共审查规范性文件{f['normative_documents_reviewed']}件，"
        f"出具合法性审核意见{f['review_opinions_issued']}件，其中按期完成{f['reviews_on_time']}件"
        f"（按期率{rate(f['reviews_on_time'], f['review_opinions_issued'])}）。",
        f"经审核，修改后合法{returned['lawful_with_changes']}件，不合法{returned['unlawful']}件，"
        f"退回补充材料{returned['materials_missing']}件。",
        f"全年统一登记、统一编号、统一公布规范性文件{f['normative_documents_published']}件，"
        f"报送备案{f['filed']}件，其中按时备案{f['filed_on_time']}件"
        f"（及时率{rate(f['filed_on_time'], f['filed'])}）。",
        f"公开征求意见共收到公众意见{f['comments_received']}条，采纳（含部分采纳）{f['comments_adopted']}条。",
    ]


FIGURE_LABELS = [
    ("normative_documents_reviewed", "审查规范性文件（件）"),
    ("review_opinions_issued", "出具合法性审核意见（件）"),
    ("reviews_on_time", "按期（15个工作日内）完成审核（件）"),
    ("normative_documents_published", "统一公布规范性文件（件）"),
    ("filed", "报送备案（件）"),
    ("filed_on_time", "按时备案（件）"),
    ("comments_received", "收到公众意见（条）"),
    ("comments_adopted", "采纳（含部分采纳）公众意见（条）"),
]


def write_docx(figures: dict, path) -> None:
    from docx import Document as Docx

    doc = Docx()
    doc.add_heading(f"{figures['year']}年度规范性文件合法性审核与备案情况", level=1)
    for paragraph in annual_paragraphs(figures):
        doc.add_paragraph(neutralise(paragraph))
    table = doc.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "数量"
    for key, label in FIGURE_LABELS:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = neutralise(label), str(figures[key])
    doc.save(path)


def write_xlsx(figures: dict, path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{figures['year']}年"
    # Every text cell through core.exports: written as text, never as a formula.
    sheet.append(xlsx_row(sheet, ["项目", "数量"]))
    for key, label in FIGURE_LABELS:
        sheet.append(xlsx_row(sheet, [label, figures[key]]))
    for outcome, count in figures["returned"].items():
        sheet.append(xlsx_row(sheet, [f"退回：{ReviewRound.Outcome(outcome).label}（件）", count]))
    workbook.save(path)
