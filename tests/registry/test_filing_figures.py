"""The filing figures of DESIGN §6 (报备率, 及时率, 规范率, corrections, review requests), computed
from the data over a seeded year with on-time, late, returned and missing filings, and compared
with counts made independently here."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from registry import reports
from registry import services as registry
from registry.models import Filing

pytestmark = pytest.mark.django_db

D = dt.date
START = D(2026, 3, 2)  # a Monday; every document below is published that day


@pytest.fixture
def seeded_year(users, congresses, county_document, make_document, freeze_today):
    """Four county documents (each filed with the city's justice bureau and the county's
    congress) and one city document (filed with the city's congress), then 70 days of acts."""
    freeze_today(START)
    a, b, c, d = (county_document(f"青山县{n}办法") for n in "甲乙丙丁")
    e = make_document("published")
    f = {(doc, code): Filing.objects.get(document=doc, recipient__code=code)
         for doc, code in [(a, "CSSFJ"), (a, "QSRD"), (b, "CSSFJ"), (b, "QSRD"), (c, "CSSFJ"), (c, "QSRD"),
                           (d, "CSSFJ"), (d, "QSRD"), (e, "CSRD")]}

    def on(day, act, who, filing, **kwargs):
        freeze_today(START + dt.timedelta(days=day))
        return getattr(registry, f"filing_{act}")(actor=users[who], filing_id=f[filing].pk, **kwargs)

    receipts = []
    freeze_today(START + dt.timedelta(days=5))
    for _ in range(2):
        receipts.append(registry.review_request_create(document=a.number, name="王小明", contact="138",
                                                       reason="理由", recipient="CSSFJ")[1][0])
    on(10, "submit", "county_registrar", (a, "CSSFJ"))
    on(10, "submit", "county_registrar", (a, "QSRD"))
    on(11, "accept", "reviewer", (a, "CSSFJ"))
    on(11, "return", "county_congress", (a, "QSRD"), reason="缺起草说明")
    on(12, "submit", "county_registrar", (a, "QSRD"))
    on(13, "accept", "county_congress", (a, "QSRD"))
    on(35, "submit", "county_registrar", (b, "CSSFJ"))  # late: due on day 30
    on(20, "submit", "county_registrar", (d, "CSSFJ"))
    on(20, "submit", "county_registrar", (d, "QSRD"))
    on(21, "accept", "reviewer", (d, "CSSFJ"))
    on(22, "conclude", "reviewer", (d, "CSSFJ"), outcome="correction_required", opinion="违法")
    on(25, "respond", "county_registrar", (d, "CSSFJ"), action="explained", note="有依据")
    on(30, "submit", "registrar", (e, "CSRD"))  # on its due date: on time
    on(31, "accept", "city_congress", (e, "CSRD"))
    freeze_today(START + dt.timedelta(days=20))
    registry.review_request_reply(actor=users["reviewer"], request_id=receipts[0].pk, outcome="no_issue", reply="无问题")
    freeze_today(START + dt.timedelta(days=70))  # past the 60 days
    registry.review_request_reply(actor=users["reviewer"], request_id=receipts[1].pk, outcome="no_issue", reply="无问题")
    return f


def expected(filings, *, corrections=0, answered=0, requests=(0, 0, 0)):
    """The figures counted by hand from the rows, independently of registry.reports."""
    submitted = [x for x in filings if x.first_submitted_on]
    on_time = [x for x in submitted if x.first_submitted_on <= x.due_on]
    clean = [x for x in filings if x.accepted_on and x.returns == 0]
    rate = lambda part, whole: round(len(part) / len(whole), 4) if whole else None  # noqa: E731
    return {"due": len(filings), "submitted": len(submitted), "on_time": len(on_time),
            "accepted_without_return": len(clean), "returned": sum(1 for x in filings if x.returns),
            "reporting_rate": rate(submitted, filings), "timeliness_rate": rate(on_time, filings),
            "conformity_rate": rate(clean, submitted), "corrections_ordered": corrections,
            "corrections_answered": answered, "review_requests_received": requests[0],
            "review_requests_answered": requests[1], "review_requests_answered_on_time": requests[2]}


def test_the_rates_equal_independent_counts(seeded_year):
    rows = list(Filing.objects.all())
    figures = reports.filing_figures(2026)
    assert {k: v for k, v in figures.items() if k != "by_issuer"} == expected(
        rows, corrections=1, answered=1, requests=(2, 2, 1))
    # the same figures, written out: 9 due, 6 submitted, 5 on time, 3 accepted without a return
    assert (figures["due"], figures["submitted"], figures["on_time"], figures["accepted_without_return"]) == (9, 6, 5, 3)
    assert (figures["reporting_rate"], figures["timeliness_rate"], figures["conformity_rate"]) == (0.6667, 0.5556, 0.5)
    county = [x for x in rows if x.issuer.code == "QSZF"]
    assert figures["by_issuer"]["QSZF"] == expected(county, corrections=1, answered=1, requests=(2, 2, 1))
    assert figures["by_issuer"]["CSZF"]["submitted"] == 1


def test_each_overseer_counts_its_own_area(users, seeded_year):
    county = APIClient()
    county.force_authenticate(users["county_auditor"])
    r = county.get("/api/stats/annual/?year=2026")
    assert r.status_code == 200
    assert r.json()["filing_review"]["due"] == 8 and set(r.json()["filing_review"]["by_issuer"]) == {"QSZF"}
    assert any("报备率" in p and "及时率" in p and "规范率" in p for p in r.json()["paragraphs"])
    city = APIClient()
    city.force_authenticate(users["auditor"])
    assert city.get("/api/stats/annual/?year=2026").json()["filing_review"]["due"] == 9


def test_a_filing_not_yet_due_and_not_submitted_is_not_counted(users, congresses, county_document, freeze_today):
    freeze_today(START)
    county_document()
    figures = reports.filing_figures(2026)
    assert (figures["due"], figures["reporting_rate"]) == (0, None)
    freeze_today(START + dt.timedelta(days=31))
    assert reports.filing_figures(2026)["due"] == 2 and reports.filing_figures(2026)["reporting_rate"] == 0.0


def test_the_report_files_carry_the_filing_figures(seeded_year, tmp_path):
    from openpyxl import load_workbook

    figures = reports.annual_figures(2026)
    reports.write_xlsx(figures, tmp_path / "r.xlsx")
    cells = {row[0]: row[1] for row in load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True)}
    assert cells["应报备（件）"] == 9 and cells["按时报备（件）"] == 5 and cells["收到审查建议（件）"] == 2
