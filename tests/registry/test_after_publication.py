"""After publication (DESIGN v2 R10, R12, R20; issue 16): repeal and amend links, scheduled
publication, valid_until, evaluation outcomes that take effect, clean-up campaigns, policy
interpretations and the catalogue in force as of any date."""
import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from core.calendar import add_months
from core.clock import today
from registry import selectors as registry_selectors
from registry import services as registry
from registry.models import Cleanup, Evaluation
from review import history, services
from review.models import Document, History
from tests.conftest import BODY, URGENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def carry(users, orgs):
    """A new normative document of the city, with links or an end date, carried to ``until``."""

    def make(until="published", *, repeals=(), amends=(), published_on=None, effective_from=None,
             validity_years=None, valid_until=None, title="春城市校外培训机构管理办法"):
        doc = services.document_create(actor=users["drafter"], title=title, body=BODY, issuer=orgs["city"],
                                       affects_rights=False, validity_years=validity_years, valid_until=valid_until,
                                       repeals=list(repeals), amends=list(amends))
        if until == "drafting":
            return Document.objects.get(pk=doc.pk)
        services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据教育法制定。")
        services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法。", urgent_reason=URGENT)
        registry.document_register(actor=users["registrar"], document_id=doc.pk, meeting="常务会议",
                                   deliberated_on=today())
        if until == "registered":
            return Document.objects.get(pk=doc.pk)
        registry.document_publish(actor=users["registrar"], document_id=doc.pk, channel="website",
                                  published_on=published_on, effective_from=effective_from)
        return Document.objects.get(pk=doc.pk)

    return make


def public(path):
    return Client().get(path)


# --- 1. repeal and amend links -------------------------------------------------------------------
def test_a_repeal_chain_of_three_documents(carry, client_for):
    first = carry(title="春城市校外培训管理暂行办法")
    second = carry(repeals=[first.pk], title="春城市校外培训机构管理办法")
    first.refresh_from_db()
    assert first.state == "repealed" and first.repeal_decision_ref == second.number
    assert first.ended_on == second.effective_from and not first.in_force
    assert History.objects.filter(document=first, action="repeal").get().opinion.startswith(f"由{second.number}")
    third = carry(repeals=[second.pk], title="春城市校外培训机构管理规定")
    second.refresh_from_db()
    assert second.state == "repealed" and second.repeal_decision_ref == third.number

    # both ways, in the staff API and the public one, list rows and details alike
    detail = client_for("registrar").get(f"/api/documents/{second.pk}/").json()
    assert detail["repeals"] == [first.pk] and detail["repealed_by"] == third.pk and detail["in_force"] is False
    rows = {r["id"]: r for r in client_for("registrar").get("/api/documents/").json()["results"]}
    assert rows[second.pk]["repeals"] == [first.pk] and rows[second.pk]["repealed_by"] == third.pk
    assert rows[first.pk]["repealed_by"] == second.pk
    for doc, repeals, repealed_by in ((first, [], second.pk), (second, [first.pk], third.pk), (third, [second.pk], None)):
        body = public(f"/api/public/documents/{doc.pk}/").json()
        assert (body["repeals"], body["repealed_by"]) == (repeals, repealed_by)
    page = public(f"/public/documents/{second.pk}/").content.decode()
    assert third.number in page and first.number in page


def test_amended_documents_carry_the_link_and_stay_in_force(carry):
    old = carry(title="春城市校外培训管理暂行办法")
    new = carry(amends=[old.pk], title="关于修改校外培训管理办法的决定")
    old.refresh_from_db()
    assert old.state == "published" and old.in_force
    body = public(f"/api/public/documents/{old.pk}/").json()
    assert body["amended_by"] == [new.pk] and body["repealed_by"] is None
    assert History.objects.filter(document=old, action="amended_by").exists()


def test_links_only_to_published_documents_of_the_same_issuer(carry, client_for, make_document, users, orgs):
    draft = make_document("drafting")
    county = services.document_create(actor=users["county_drafter"], title="青山县办法", body=BODY, issuer=orgs["county"])
    api = client_for("drafter")
    for bad in ([draft.pk], [county.pk], [999999]):
        r = api.post("/api/documents/", {"title": "新办法", "body": BODY, "issuer": "CSZF", "repeals": bad}, format="json")
        assert r.status_code == 400, r.content
        assert "废止或修改的文件" in r.json()["error"]["message"]
    published = carry()
    r = api.post("/api/documents/", {"title": "新办法", "body": BODY, "issuer": "CSZF", "repeals": [published.pk]},
                 format="json")
    assert r.status_code == 201 and r.json()["repeals"] == [published.pk]
    r = api.patch(f"/api/documents/{r.json()['id']}/", {"repeals": [], "amends": [published.pk]}, format="json")
    assert r.status_code == 200 and (r.json()["repeals"], r.json()["amends"]) == ([], [published.pk])
    # the link of a draft is not shown on the linked document until the draft is published
    assert public(f"/api/public/documents/{published.pk}/").json()["amended_by"] == []


def test_publication_and_its_repeals_are_all_or_nothing(carry, monkeypatch, users):
    old = carry(title="春城市校外培训管理暂行办法")
    new = carry("registered", repeals=[old.pk])
    real = history.entry  # every act's history row is made here (the repeal's too)

    def fail_on_the_repeal(**kwargs):
        if kwargs["action"] == "repeal":
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(history, "entry", fail_on_the_repeal)
    with pytest.raises(RuntimeError):
        registry.document_publish(actor=users["registrar"], document_id=new.pk, channel="website")
    new.refresh_from_db(), old.refresh_from_db()
    assert (new.state, old.state) == ("registration", "published")


# --- 2. scheduled publication and a future effective date ------------------------------------------
def test_a_scheduled_publication_appears_on_its_day_and_only_then(carry, freeze_today):
    day = today() + dt.timedelta(days=60)
    doc = carry(published_on=day)
    assert doc.state == "published"
    assert doc.pk not in [r["id"] for r in public("/api/public/documents/").json()["results"]]
    assert public(f"/api/public/documents/{doc.pk}/").status_code == 404
    assert public(f"/public/documents/{doc.pk}/").status_code == 404
    assert doc.number not in public("/api/public/feed.atom").content.decode()
    assert doc.pk not in [r["id"] for r in public("/api/public/catalogue/").json()["results"]]

    freeze_today(day - dt.timedelta(days=1))
    assert public(f"/api/public/documents/{doc.pk}/").status_code == 404
    freeze_today(day)  # nobody acts
    body = public(f"/api/public/documents/{doc.pk}/").json()
    assert body["in_force"] is True and body["validity_status"] == "valid"
    assert doc.number in public("/api/public/feed.atom").content.decode()
    assert public(f"/public/documents/{doc.pk}/").status_code == 200
    assert doc.pk in [r["id"] for r in public("/api/public/catalogue/").json()["results"]]


def test_a_future_effective_date_is_public_and_not_yet_in_force(carry, client_for):
    doc = carry(effective_from=today() + dt.timedelta(days=30))
    body = public(f"/api/public/documents/{doc.pk}/").json()
    assert (body["in_force"], body["not_yet_effective"], body["validity_status"]) == (False, True, "not_yet_effective")
    assert "尚未施行" in public(f"/public/documents/{doc.pk}/").content.decode()
    assert client_for("registrar").get(f"/api/documents/{doc.pk}/").json()["not_yet_effective"] is True
    assert doc.pk not in [r["id"] for r in public("/api/public/catalogue/").json()["results"]]


def test_implausible_dates_are_refused(carry, client_for, users):
    doc = carry("registered")
    api = client_for("registrar")
    far = (today() + dt.timedelta(days=400)).isoformat()
    r = api.post(f"/api/documents/{doc.pk}/publish/", {"channel": "website", "published_on": far}, format="json")
    assert r.status_code == 400
    past = (today() - dt.timedelta(days=3 * 365)).isoformat()  # years before its own review
    r = api.post(f"/api/documents/{doc.pk}/publish/", {"channel": "website", "published_on": past}, format="json")
    assert r.status_code == 400 and "审核通过日期" in r.json()["error"]["message"]
    r = api.post(f"/api/documents/{doc.pk}/publish/", {"channel": "website", "published_on": today().isoformat(),
                                                      "effective_from": (today() - dt.timedelta(days=1)).isoformat()},
                 format="json")
    assert r.status_code == 400


# --- 3. valid_until -----------------------------------------------------------------------------
def test_valid_until_instead_of_validity_years(carry, client_for):
    api = client_for("drafter")
    base = {"title": "新办法", "body": BODY, "issuer": "CSZF"}
    too_far = (today() + dt.timedelta(days=6 * 366)).isoformat()
    r = api.post("/api/documents/", {**base, "valid_until": too_far}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validity_too_long"
    r = api.post("/api/documents/", {**base, "valid_until": (today() + dt.timedelta(days=800)).isoformat(),
                                     "provisional": True}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validity_too_long"  # 暂行: 2 years
    r = api.post("/api/documents/", {**base, "valid_until": today().isoformat(), "validity_years": 3}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "validity_ambiguous"
    until = today() + dt.timedelta(days=3 * 365)
    doc = carry(valid_until=until)
    assert doc.expires_on == until and doc.evaluation_due_on == add_months(until, -6)
    assert client_for("registrar").get(f"/api/documents/{doc.pk}/").json()["valid_until"] == until.isoformat()


# --- 4. evaluation outcomes take effect -----------------------------------------------------------
def test_an_evaluation_concluding_repeal_stays_on_the_registrars_lists_until_acted_on(carry, users, client_for):
    doc = carry()
    registry.document_record_evaluation(actor=users["registrar"], document_id=doc.pk, outcome="repeal",
                                        evaluated_on=today(), notes="上位法已修改")
    rows = client_for("registrar").get("/api/registry/cleanup/").json()["results"]
    assert [(r["id"], r["evaluation_status"]) for r in rows] == [(doc.pk, "repeal")]
    assert [d.pk for d in registry_selectors.registrar_todo(users["registrar"])["evaluation_outcomes"]] == [doc.pk]
    registry.document_repeal(actor=users["registrar"], document_id=doc.pk, reason="评估结论废止", decision_ref="春府〔2026〕9号")
    assert client_for("registrar").get("/api/registry/cleanup/").json()["results"] == []
    assert registry_selectors.registrar_todo(users["registrar"])["evaluation_outcomes"] == []


def test_an_evaluation_concluding_amend_stays_until_an_amending_document_is_published(carry, users, client_for):
    doc = carry(title="春城市校外培训管理暂行办法")
    registry.document_record_evaluation(actor=users["registrar"], document_id=doc.pk, outcome="amend",
                                        evaluated_on=today())
    assert [r["evaluation_status"] for r in client_for("registrar").get("/api/registry/cleanup/").json()["results"]] \
        == ["amend"]
    carry(amends=[doc.pk], title="关于修改的决定")
    assert client_for("registrar").get("/api/registry/cleanup/").json()["results"] == []


# --- 5. clean-up campaigns ----------------------------------------------------------------------
def test_a_campaign_of_fifty_items_is_published_all_or_nothing(carry, users, client_for, monkeypatch, make_document):
    docs = [carry(title=f"春城市第{i}号管理办法") for i in range(50)]
    api = client_for("registrar")
    r = api.post("/api/cleanups/", {"title": "2026年规范性文件清理", "issuer": "CSZF"}, format="json")
    assert r.status_code == 201, r.content
    cleanup = r.json()
    assert sorted(i["document"] for i in cleanup["items"]) == sorted(d.pk for d in docs)
    assert all(i["decision"] == "" for i in cleanup["items"])
    decisions = {}
    for n, doc in enumerate(docs[:-1]):
        decisions[doc.pk] = ["keep", "amend", "repeal", "declare_invalid"][n % 4]
        r = api.post(f"/api/cleanups/{cleanup['id']}/items/{doc.pk}/",
                     {"decision": decisions[doc.pk], "reason": "经清理"}, format="json")
        assert r.status_code == 200, r.content
    r = api.post(f"/api/cleanups/{cleanup['id']}/publish/", {}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "undecided_items"
    assert "1件" in r.json()["error"]["message"]
    api.post(f"/api/cleanups/{cleanup['id']}/items/{docs[-1].pk}/", {"decision": "repeal", "reason": "已过时"},
             format="json")
    decisions[docs[-1].pk] = "repeal"
    assert public(f"/api/public/cleanups/{cleanup['id']}/").status_code == 404  # not yet published

    # a failure on the last item undoes every other one
    real = history.entry  # every history row is made here
    last = docs[-1].pk

    def fail_on_the_last(**kwargs):
        if kwargs["document"].pk == last:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(history, "entry", fail_on_the_last)
    with pytest.raises(RuntimeError):
        registry.cleanup_publish(actor=users["registrar"], cleanup_id=cleanup["id"])
    assert set(Document.objects.filter(pk__in=[d.pk for d in docs]).values_list("state", flat=True)) == {"published"}
    assert Evaluation.objects.count() == 0 and Cleanup.objects.get().state == "open"
    monkeypatch.setattr(history, "entry", real)

    r = api.post(f"/api/cleanups/{cleanup['id']}/publish/", {}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "published"
    states = dict(Document.objects.filter(pk__in=decisions).values_list("pk", "state"))
    expected = {"keep": "published", "amend": "published", "repeal": "repealed", "declare_invalid": "expired"}
    assert states == {pk: expected[d] for pk, d in decisions.items()}
    amended = {pk for pk, d in decisions.items() if d == "amend"}
    assert {d.pk for d in registry_selectors.registrar_todo(users["registrar"])["evaluation_outcomes"]} == amended
    assert {pk for pk, d in decisions.items() if d in ("keep", "amend")} == \
        {r["id"] for r in public("/api/public/catalogue/").json()["results"]}
    assert api.post(f"/api/cleanups/{cleanup['id']}/items/{docs[0].pk}/", {"decision": "repeal", "reason": "x"},
                    format="json").json()["error"]["code"] == "cleanup_published"

    result = public(f"/api/public/cleanups/{cleanup['id']}/").json()
    assert len(result["items"]) == 50 and {i["decision"] for i in result["items"]} == set(expected)
    xlsx = public(f"/api/public/cleanups/{cleanup['id']}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 51 and sheet.cell(1, 5).value == "清理意见"
    docx = public(f"/api/public/cleanups/{cleanup['id']}/?format=docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_only_the_issuers_registrar_runs_a_campaign(carry, client_for):
    carry()
    assert client_for("county_registrar").post("/api/cleanups/", {"title": "清理", "issuer": "CSZF"},
                                               format="json").status_code == 403
    cleanup = client_for("registrar").post("/api/cleanups/", {"title": "清理"}, format="json").json()
    assert client_for("county_registrar").post(f"/api/cleanups/{cleanup['id']}/publish/", {},
                                               format="json").status_code == 404
    assert client_for("registrar").post(f"/api/cleanups/{cleanup['id']}/items/999/",
                                        {"decision": "keep", "reason": "x"}, format="json").status_code == 404


def test_a_campaign_in_scope_by_publication_date(carry, users, freeze_today, orgs):
    start = today()
    old = carry(title="旧办法")
    freeze_today(start + dt.timedelta(days=10))
    carry(title="新办法")
    cleanup = registry.cleanup_open(actor=users["registrar"], title="清理", issuer=orgs["city"],
                                    published_before=start + dt.timedelta(days=5))
    assert list(cleanup.items.values_list("document_id", flat=True)) == [old.pk]


# --- 6. policy interpretation -------------------------------------------------------------------
def test_an_interpretation_is_public_with_the_document(carry, client_for):
    doc = carry("registered")
    api = client_for("drafter")
    r = api.post(f"/api/documents/{doc.pk}/interpretation/",
                 {"title": "《办法》政策解读", "body": "一、制定背景。", "interpreter": "春城市教育局"}, format="json")
    assert r.status_code == 201 and r.json()["interpreter"] == "春城市教育局"
    assert public(f"/api/public/documents/{doc.pk}/").status_code == 404  # not before the document
    assert client_for("other_drafter").post(f"/api/documents/{doc.pk}/interpretation/",
                                            {"title": "x", "body": "y", "interpreter": "z"},
                                            format="json").status_code == 404
    assert api.post(f"/api/documents/{doc.pk}/interpretation/", {"title": "", "body": "y", "interpreter": "z"},
                    format="json").status_code == 400
    registry.document_publish(actor=client_for("registrar").handler._force_user, document_id=doc.pk, channel="website")
    body = public(f"/api/public/documents/{doc.pk}/").json()
    assert body["interpretation"]["title"] == "《办法》政策解读"
    assert "一、制定背景。" in public(f"/public/documents/{doc.pk}/").content.decode()
    assert f"/public/documents/{doc.pk}/#interpretation" in public("/api/public/feed.atom").content.decode()
    assert History.objects.filter(document=doc, action="write_interpretation").exists()


# --- 7. the catalogue in force -------------------------------------------------------------------
def independent_catalogue(day):
    """From the hash-chained history alone: published (public) by ``day``, effective by then, not
    past its validity, and not ended before or on it (a repeal on a new document's publication
    takes effect with that document)."""
    out = set()
    for doc in Document.objects.filter(kind="normative"):
        rows = list(History.objects.filter(document=doc).order_by("seq"))
        published = [h for h in rows if h.action == "publish"]
        if not published or doc.published_on > day or doc.effective_from > day:
            continue
        if doc.expires_on and day > doc.expires_on:
            continue
        ended = [h for h in rows if h.to_state in ("repealed", "expired") and h.from_state == "published"]
        if ended:
            end = ended[0]
            if end.opinion.startswith("由"):  # repealed by a new document: from its effective date
                source = Document.objects.get(number=end.opinion[1:].split("《")[0])
                stop = source.effective_from
            elif end.action == "expire":
                stop = doc.expires_on + dt.timedelta(days=1)
            else:
                stop = end.at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
            if day >= stop:
                continue
        out.add(doc.pk)
    return out


def test_the_catalogue_as_of_a_past_date_equals_an_independent_computation(carry, users, freeze_today):
    start = today()
    a = carry(title="甲办法")
    b = carry(title="乙办法", validity_years=1)
    freeze_today(start + dt.timedelta(days=20))
    c = carry(title="丙办法", effective_from=start + dt.timedelta(days=40))
    freeze_today(start + dt.timedelta(days=50))
    registry.document_repeal(actor=users["registrar"], document_id=a.pk, reason="废止", decision_ref="春府〔2026〕1号")
    freeze_today(start + dt.timedelta(days=70))
    d = carry(title="丁办法", repeals=[c.pk])
    freeze_today(start + dt.timedelta(days=400))
    assert registry.expire_due_documents() == [b.pk]
    carry(title="戊办法", published_on=start + dt.timedelta(days=420))  # scheduled: not yet public

    for offset in (0, 10, 20, 39, 40, 49, 50, 69, 70, 100, 364, 365, 366, 399, 400):
        day = start + dt.timedelta(days=offset)
        r = public(f"/api/public/catalogue/?issuer=CSZF&as_of={day.isoformat()}").json()
        assert {row["id"] for row in r["results"]} == independent_catalogue(day), offset
    assert {row["id"] for row in public("/api/public/catalogue/").json()["results"]} == {d.pk}
    assert public(f"/api/public/catalogue/?as_of={(today() + dt.timedelta(days=1)).isoformat()}").status_code == 400
    assert public("/api/public/catalogue/?as_of=yesterday").status_code == 400
    assert public("/api/public/catalogue/?issuer=NOPE").status_code == 404


def test_the_catalogue_exports_text_cells_only(carry):
    carry(title="=HYPERLINK(\"http://x\")办法")
    r = public("/api/public/catalogue/?format=xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet.cell(2, 3).value.startswith("'=") and sheet.cell(2, 3).data_type == "s"


# --- 8. pages ------------------------------------------------------------------------------------
def test_the_registrars_clean_up_pages(carry, users):
    doc = carry()
    registrar = Client()
    registrar.force_login(users["registrar"])
    r = registrar.post("/cleanups/", {"title": "2026年清理", "issuer": "CSZF"})
    assert r.status_code == 302, r.content[:300]
    cleanup = Cleanup.objects.get()
    page = registrar.get(f"/cleanups/{cleanup.pk}/").content.decode()
    assert doc.title in page and "公布清理结果" in page
    registrar.post(f"/cleanups/{cleanup.pk}/", {"publish": "1"})
    assert Cleanup.objects.get().state == "open"  # undecided: refused, with the reason shown
    assert "未作出清理意见" in registrar.get(f"/cleanups/{cleanup.pk}/").content.decode()
    registrar.post(f"/cleanups/{cleanup.pk}/", {"document": doc.pk, "decision": "repeal", "reason": "已过时"})
    registrar.post(f"/cleanups/{cleanup.pk}/", {"publish": "1"})
    assert Document.objects.get(pk=doc.pk).state == "repealed"
    result = public(f"/public/cleanups/{cleanup.pk}/").content.decode()
    assert doc.title in result and "废止" in result
    county = Client()
    county.force_login(users["county_registrar"])
    assert county.get(f"/cleanups/{cleanup.pk}/").status_code == 404


def test_the_public_catalogue_page_and_the_interpretation_form(carry, users):
    doc = carry()
    page = public("/public/catalogue/").content.decode()
    assert "现行有效规范性文件目录" in page and doc.number in page
    assert public("/public/catalogue/?as_of=2999-01-01").status_code == 400
    drafter = Client()
    drafter.force_login(users["drafter"])
    r = drafter.post(f"/documents/{doc.pk}/interpretation/",
                     {"title": "政策解读", "interpreter": "春城市教育局", "body": "二、主要内容。"})
    assert r.status_code == 302
    assert "二、主要内容。" in public(f"/public/documents/{doc.pk}/").content.decode()
    assert "撰写政策解读" in drafter.get(f"/documents/{doc.pk}/").content.decode()


def test_the_deliberation_lies_between_the_approval_and_today(carry, users, client_for):
    doc = carry("drafting")
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据教育法制定。")
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法。", urgent_reason=URGENT)
    api = client_for("registrar")
    before = (today() - dt.timedelta(days=30)).isoformat()
    r = api.post(f"/api/documents/{doc.pk}/register/", {"meeting": "常务会议", "deliberated_on": before}, format="json")
    assert r.status_code == 400 and "审核通过日期" in r.json()["error"]["message"]
    assert Document.objects.get(pk=doc.pk).number is None
    r = api.post(f"/api/documents/{doc.pk}/register/", {"meeting": "常务会议", "deliberated_on": today().isoformat()},
                 format="json")
    assert r.status_code == 200
