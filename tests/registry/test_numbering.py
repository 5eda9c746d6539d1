"""R9: per issuer and year, unique, gapless, never reused; voided numbers stay listed with why."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from registry import services as registry
from registry.models import RegistryEntry
from review import services
from review.models import Document
from core.clock import today
from tests.helpers import postgres_only

WORKER = Path(__file__).with_name("allocate_worker.py")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_eight_processes_allocate_two_hundred_each(orgs):
    settings_db = connection.settings_dict
    url = f"postgres://{settings_db['USER']}@{settings_db['HOST']}:{settings_db['PORT']}/{settings_db['NAME']}"
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": root}
    procs = [subprocess.Popen([sys.executable, str(WORKER), "CSZF", "2026", "200"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    procs.append(subprocess.Popen([sys.executable, str(WORKER), "CSJY", "2026", "50"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-500:] for _, err in outputs]
    city = sorted(int(n) for out, _ in outputs[:8] for n in out.split())
    assert city == list(range(1, 1601))  # 1,600 distinct numbers, exactly 1..1600, none lost
    edu = sorted(int(n) for n in outputs[8][0].split())
    assert edu == list(range(1, 51))  # the other issuer's sequence is its own
    numbers = RegistryEntry.objects.filter(issuer=orgs["city"], year=2026).values_list("number", flat=True)
    assert len(set(numbers)) == 1600 and "春府规〔2026〕1600号" in set(numbers)


@pytest.mark.django_db
def test_sequences_are_per_issuer_and_year(orgs):
    assert registry.number_allocate(issuer=orgs["city"], year=2026).number == "春府规〔2026〕1号"
    assert registry.number_allocate(issuer=orgs["city"], year=2026).number == "春府规〔2026〕2号"
    assert registry.number_allocate(issuer=orgs["city"], year=2027).number == "春府规〔2027〕1号"
    assert registry.number_allocate(issuer=orgs["edu"], year=2026).number == "春教规〔2026〕1号"


@pytest.mark.django_db
def test_an_issuer_template_and_registration_code(orgs):
    issuer = orgs["city"]
    issuer.number_template, issuer.registration_code_template = "{prefix}〔{year}〕第{seq}号", "HFGS-{year}-{seq}"
    issuer.save()
    entry = registry.number_allocate(issuer=issuer, year=2022)
    assert (entry.number, entry.registration_code) == ("春府规〔2022〕第1号", "HFGS-2022-1")


@pytest.mark.django_db
def test_an_issuer_without_prefix_cannot_number(orgs, users, make_document, client_for):
    edu = orgs["edu"]  # the department issues in its own name, registered by the city's office
    edu.number_prefix, edu.registry_office = "", orgs["city"]
    edu.save()
    doc = services.document_create(actor=users["drafter"], title="办法", body="第一条 正文。", issuer=edu,
                                   affects_rights=False)
    services.document_submit_for_review(actor=users["drafter"], document_id=doc.pk, drafting_notes="依据")
    services.document_approve(actor=users["reviewer"], document_id=doc.pk, opinion="合法", urgent_reason="急需")
    r = client_for("registrar").post(f"/api/documents/{doc.pk}/register/",
                                     {"meeting": "会议", "deliberated_on": today().isoformat()}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_number_prefix"
    assert not RegistryEntry.objects.exists()


@pytest.mark.django_db
def test_voided_number_stays_listed_and_is_never_reused(client_for, make_document):
    first = make_document("registered", title="甲")
    registrar = client_for("registrar")
    r = registrar.post(f"/api/documents/{first.pk}/void-number/", {"reason": "误编号：制定机关填错"}, format="json")
    assert r.status_code == 200 and r.json()["number"] is None and r.json()["state"] == "registration"
    # The drafter may now withdraw it, or the registry registers it again under a new number.
    r = registrar.post(f"/api/documents/{first.pk}/register/", {"meeting": "常务会议", "deliberated_on": today().isoformat()},
                       format="json")
    assert r.json()["number"] == f"春府规〔{today().year}〕2号"
    second = make_document("published", title="乙")
    listing = client_for("auditor").get(f"/api/registry/?issuer=CSZF&year={today().year}").json()["results"]
    assert [(e["seq"], e["status"]) for e in listing] == [(1, "voided"), (2, "allocated"), (3, "published")]
    assert listing[0]["void_reason"] == "误编号：制定机关填错"
    assert listing[2]["document_id"] == second.pk
    # every number of the year is accounted for: no holes
    assert [e["seq"] for e in listing] == list(range(1, len(listing) + 1))
    assert client_for("drafter").get("/api/registry/").status_code == 403
    r = client_for("reviewer").post(f"/api/documents/{first.pk}/void-number/", {"reason": "x"}, format="json")
    assert r.status_code == 403 and r.json()["error"]["message"] == "只有该制定机关登记机构的登记人员可以作废编号"


@pytest.mark.django_db
def test_withdrawal_after_registration_needs_the_number_voided(client_for, make_document):
    doc = make_document("registered")
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/withdraw/", {"reason": "不再出台"}, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "number_not_voided"
    client_for("registrar").post(f"/api/documents/{doc.pk}/void-number/", {"reason": "决定不予出台"}, format="json")
    r = client_for("drafter").post(f"/api/documents/{doc.pk}/withdraw/", {"reason": "不再出台"}, format="json")
    assert r.status_code == 200 and Document.objects.get(pk=doc.pk).state == "withdrawn"
    assert RegistryEntry.objects.get().status == "voided"
