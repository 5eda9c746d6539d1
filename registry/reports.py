"""The figures of a city government office's annual rule-of-law report (DESIGN §6), computed
from the data, never from hand-kept counts."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from core.clock import today
from core.exports import xlsx_row
from registry.models import Filing, ReviewRequest
from review.models import DecisionCatalogueItem, Document, History, PublicComment, ReviewRound

DECIDED = ~Q(outcome="") & ~Q(outcome=ReviewRound.Outcome.WITHDRAWN)


def _through_document(org_ids) -> Q:
    return Q(document__issuer_id__in=org_ids) | Q(document__drafting_org_id__in=org_ids)


def decided_rounds(year: int, org_ids: list[int] | None = None):
    """Review rounds decided in ``year`` (withdrawals are no opinion), of documents issued or
    drafted by ``org_ids`` (an overseer's jurisdiction; None: all)."""
    rounds = ReviewRound.objects.filter(DECIDED, decided_at__year=year)
    return rounds if org_ids is None else rounds.filter(_through_document(org_ids))


def on_time(decided_at, due_on) -> bool:
    """R5: decided on or before its due date (decided_at a moment, due_on a local date)."""
    return timezone.localdate(decided_at) <= due_on


def reviews_by_month(year: int, org_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """{month: (decided, of which on time)} for the dashboard."""
    out = {}
    for decided_at, due_on in decided_rounds(year, org_ids).values_list("decided_at", "due_on"):
        month = timezone.localtime(decided_at).month
        decided, timely = out.get(month, (0, 0))
        out[month] = (decided + 1, timely + on_time(decided_at, due_on))
    return out


def annual_figures(year: int, org_ids: list[int] | None = None) -> dict:
    rounds = decided_rounds(year, org_ids)
    normative_rounds = rounds.filter(document__kind=Document.Kind.NORMATIVE)
    returned = dict(rounds.exclude(outcome=ReviewRound.Outcome.LAWFUL)
                    .values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n"))
    # R5: a return for missing materials is a notice that pauses the round, not an opinion; v1
    # closed the round with it (outcome materials_missing), v2 logs it (request_materials).
    notices = History.objects.filter(action="request_materials", at__year=year)
    if org_ids is not None:
        notices = notices.filter(_through_document(org_ids))
    returned[ReviewRound.Outcome.MATERIALS_MISSING] = returned.get(ReviewRound.Outcome.MATERIALS_MISSING, 0) + notices.count()
    documents, comments = Document.objects.all(), PublicComment.objects.all()
    if org_ids is not None:
        documents = documents.filter(Q(issuer_id__in=org_ids) | Q(drafting_org_id__in=org_ids))
        comments = comments.filter(_through_document(org_ids))
    published = documents.filter(kind=Document.Kind.NORMATIVE, published_on__year=year)
    filed = published.filter(filed_on__isnull=False)
    filed_on_time = filed.filter(filed_on__lte=F("published_on") + dt.timedelta(days=settings.RULE_R11_FILING_DAYS))
    by_kind: dict[str, dict[str, int]] = {kind: {} for kind in Document.Kind.values}
    for kind, outcome, n in (rounds.exclude(outcome=ReviewRound.Outcome.MATERIALS_MISSING)
                             .values_list("document__kind", "outcome").annotate(n=Count("id"))
                             .values_list("document__kind", "outcome", "n")):
        by_kind[kind][outcome] = n
    # decided_at is a moment, due_on a local date: decided on its due date is on time. A city
    # decides hundreds of reviews a year, so this comparison runs in Python over two columns.
    timely = sum(on_time(decided_at, due_on) for decided_at, due_on in rounds.values_list("decided_at", "due_on"))
    return {
        "year": year,
        "normative_documents_reviewed": normative_rounds.values("document").distinct().count(),
        # opinions issued: decided rounds with an opinion (signed letters; v1 rounds without one)
        "review_opinions_issued": rounds.exclude(outcome=ReviewRound.Outcome.MATERIALS_MISSING).count(),
        "urgent_approvals": rounds.exclude(urgent_reason__isnull=True).exclude(urgent_reason="").count(),
        "review_opinions_by_kind": {kind: sum(by_outcome.values()) for kind, by_outcome in by_kind.items()},
        "review_opinions_by_kind_and_outcome": by_kind,
        "decisions": _decision_figures(year, documents, org_ids),
        "returned": {outcome: returned.get(outcome, 0) for outcome in ReviewRound.RETURN_OUTCOMES},
        "reviews_on_time": timely,
        "normative_documents_published": published.count(),
        "filed": filed.count(),
        "filed_on_time": filed_on_time.count(),
        "comments_received": comments.filter(created_at__year=year).count(),
        "comments_adopted": comments.filter(created_at__year=year,
                                            disposition__in=["adopted", "partly_adopted"]).count(),
        "filing_review": filing_figures(year, org_ids),
    }


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _filing_counts(filings, corrections, requests, day) -> dict:
    """R11/R19 for one set of rows. 应报备 (due): filings of documents published in the year whose
    deadline has passed, or that were submitted already; 报备率 = submitted / due, 及时率 = on time
    / due, 规范率 = accepted without a return / submitted."""
    due = filings.filter(Q(due_on__lt=day) | Q(first_submitted_on__isnull=False)).count()
    submitted = filings.filter(first_submitted_on__isnull=False).count()
    on_time = filings.filter(first_submitted_on__isnull=False, late=False).count()
    accepted_clean = filings.filter(accepted_on__isnull=False, returns=0).count()
    answered = requests.filter(replied_on__isnull=False)
    return {
        "due": due, "submitted": submitted, "on_time": on_time, "accepted_without_return": accepted_clean,
        "returned": filings.filter(returns__gt=0).count(),
        "reporting_rate": _rate(submitted, due), "timeliness_rate": _rate(on_time, due),
        "conformity_rate": _rate(accepted_clean, submitted),
        "corrections_ordered": corrections.count(),
        "corrections_answered": corrections.filter(responded_on__isnull=False).count(),
        "review_requests_received": requests.count(),
        "review_requests_answered": answered.count(),
        "review_requests_answered_on_time": answered.filter(replied_on__lte=F("due_on")).count(),
    }


def filing_figures(year: int, org_ids: list[int] | None = None, *, day: dt.date | None = None) -> dict:
    """备案审查 (DESIGN §6): in total and per issuer, for filings whose issuer or recipient lies in
    ``org_ids`` (an overseer's area; None: all). Filings count by the year their document was
    published; corrections by the year they were ordered; review requests by the year received."""
    day = day or today()
    filings = Filing.objects.filter(document__published_on__year=year)
    corrections = Filing.objects.filter(outcome=Filing.Outcome.CORRECTION_REQUIRED, concluded_on__year=year)
    requests = ReviewRequest.objects.filter(received_on__year=year)
    if org_ids is not None:
        area = Q(issuer_id__in=org_ids) | Q(recipient_id__in=org_ids)
        filings, corrections = filings.filter(area), corrections.filter(area)
        requests = requests.filter(Q(document__issuer_id__in=org_ids) | Q(recipient_id__in=org_ids))
    total = _filing_counts(filings, corrections, requests, day)
    issuers = dict(Filing.objects.filter(pk__in=filings.values("pk")).order_by()
                   .values_list("issuer_id", "issuer__code").distinct())
    per_issuer = {code: _filing_counts(filings.filter(issuer_id=pk), corrections.filter(issuer_id=pk),
                                       requests.filter(document__issuer_id=pk), day)
                  for pk, code in sorted(issuers.items(), key=lambda item: item[1])}
    return {**total, "by_issuer": per_issuer}


def _decision_figures(year, documents, org_ids) -> dict:
    """R17: the year's catalogue, decisions made (adopted or rejected), made public, evaluated."""
    decisions = documents.filter(kind=Document.Kind.MAJOR_DECISION)
    catalogue = DecisionCatalogueItem.objects.filter(year=year)
    if org_ids is not None:
        catalogue = catalogue.filter(government_id__in=org_ids)
    decided = decisions.filter(decided_on__year=year)
    return {
        "catalogued": catalogue.count(),
        "catalogued_started": catalogue.filter(document__isnull=False).count(),
        "adopted": decided.exclude(state=Document.State.REJECTED).count(),
        "rejected": decided.filter(state=Document.State.REJECTED).count(),
        "published": decisions.filter(published_on__year=year).count(),
        "evaluated": decisions.filter(evaluations__evaluated_on__year=year).distinct().count(),
        "outside_catalogue": decided.filter(catalogue_item__isnull=True).count(),
    }


KIND_WORDS = {Document.Kind.NORMATIVE: "规范性文件", Document.Kind.MAJOR_DECISION: "重大行政决策",
              Document.Kind.CONTRACT: "合同", Document.Kind.IMPORTANT_DOCUMENT: "重要文件"}


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
        "按类别，出具合法性审核（审查）意见：" + "，".join(
            f"{KIND_WORDS[kind]}{sum(f['review_opinions_by_kind_and_outcome'].get(kind, {}).values())}件"
            for kind in KIND_WORDS) + f"；其中紧急审核{f['urgent_approvals']}件。",
        f"列入重大行政决策事项目录{f['decisions']['catalogued']}项，作出决策{f['decisions']['adopted']}项"
        f"（未通过{f['decisions']['rejected']}项，目录外{f['decisions']['outside_catalogue']}项），"
        f"公开决策{f['decisions']['published']}项，开展决策后评估{f['decisions']['evaluated']}项。",
    ] + filing_paragraphs(f.get("filing_review"))


def figure_rows(figures: dict) -> list[list]:
    """Every figure as a (label, number) row, the breakdowns included: the reports' one table."""
    rows = [[label, figures[key]] for key, label in FIGURE_LABELS]
    rows += [[f"退回：{ReviewRound.Outcome(outcome).label}（件）", count] for outcome, count in figures["returned"].items()]
    for kind, word in KIND_WORDS.items():
        for outcome, count in sorted(figures["review_opinions_by_kind_and_outcome"].get(kind, {}).items()):
            rows.append([f"{word}：{ReviewRound.Outcome(outcome).label}（件）", count])
    rows += [[f"重大行政决策：{label}（项）", figures["decisions"][key]] for key, label in DECISION_LABELS]
    return rows + filing_rows(figures)


DECISION_LABELS = [("catalogued", "列入目录"), ("catalogued_started", "目录内已启动"), ("adopted", "作出决策"),
                   ("rejected", "决策未通过"), ("outside_catalogue", "目录外决策"), ("published", "公开"),
                   ("evaluated", "决策后评估")]


def filing_paragraphs(g: dict | None) -> list[str]:
    if not g:
        return []
    percent = lambda value: "—" if value is None else f"{value:.0%}"  # noqa: E731
    return [
        f"备案审查：应报备{g['due']}件，已报备{g['submitted']}件（报备率{percent(g['reporting_rate'])}），"
        f"按时报备{g['on_time']}件（及时率{percent(g['timeliness_rate'])}），"
        f"一次登记通过{g['accepted_without_return']}件（规范率{percent(g['conformity_rate'])}）；"
        f"要求纠正{g['corrections_ordered']}件，已答复{g['corrections_answered']}件。",
        f"收到审查建议{g['review_requests_received']}件，已答复{g['review_requests_answered']}件，"
        f"其中按期答复{g['review_requests_answered_on_time']}件。",
    ]


FILING_FIGURE_LABELS = [
    ("due", "应报备（件）"), ("submitted", "已报备（件）"), ("on_time", "按时报备（件）"),
    ("accepted_without_return", "一次登记通过（件）"), ("corrections_ordered", "要求纠正（件）"),
    ("corrections_answered", "纠正已答复（件）"), ("review_requests_received", "收到审查建议（件）"),
    ("review_requests_answered_on_time", "按期答复审查建议（件）"),
]


def filing_rows(figures: dict) -> list[list]:
    """The filing figures as (label, number) rows for the report's table (none if absent)."""
    filing = figures.get("filing_review")
    return [[label, filing[key]] for key, label in FILING_FIGURE_LABELS] if filing else []


FIGURE_LABELS = [
    ("normative_documents_reviewed", "审查规范性文件（件）"),
    ("review_opinions_issued", "出具合法性审核意见（件）"),
    ("urgent_approvals", "紧急审核（不足法定最短审核时间）（件）"),
    ("reviews_on_time", "按期（15个工作日内）完成审核（件）"),
    ("normative_documents_published", "统一公布规范性文件（件）"),
    ("filed", "报送备案（件）"),
    ("filed_on_time", "按时备案（件）"),
    ("comments_received", "收到公众意见（条）"),
    ("comments_adopted", "采纳（含部分采纳）公众意见（条）"),
]


def annual_docx(figures: dict) -> bytes:
    """The report in 公文 layout (core.gongwen): title, the paragraphs, the figures as a table."""
    from core import gongwen

    return gongwen.table_docx(
        title=f"{figures['year']}年度规范性文件合法性审核与备案情况", intro=annual_paragraphs(figures),
        headers=["项目", "数量"], rows=[[label, str(count)] for label, count in figure_rows(figures)],
        widths_mm=[116, 40])


def write_docx(figures: dict, path) -> None:
    with open(path, "wb") as out:
        out.write(annual_docx(figures))


def write_xlsx(figures: dict, path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{figures['year']}年"
    # Every text cell through core.exports: written as text, never as a formula.
    sheet.append(xlsx_row(sheet, ["项目", "数量"]))
    for row in figure_rows(figures):
        sheet.append(xlsx_row(sheet, row))
    workbook.save(path)
