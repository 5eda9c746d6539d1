"""Schema changes carry existing data (the v2 migrations): the holiday schedule moves to core
with its rows, the issuers' number sequences move to core's numbering engine with their last
numbers, and existing organisations are placed under the only government so that every one
keeps working (R14 defaults: the only justice bureau reviews everything, each issuer is its own
registry office, the overseer sees the whole government)."""
import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_organisation_registration_code_template"), ("review", "0008_list_order_indexes"),
          ("registry", "0002_registryentry_registration_code_evaluation"), ("core", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_v2_migrations_carry_the_data():
    old = migrate(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    city = Organisation.objects.create(code="CSZF", name="春城市人民政府", kind="office", number_prefix="春府规")
    edu = Organisation.objects.create(code="CSJY", name="春城市教育局", kind="drafting", number_prefix="春教规")
    justice = Organisation.objects.create(code="CSSFJ", name="春城市司法局", kind="justice")
    audit = Organisation.objects.create(code="CSSJJ", name="春城市审计局", kind="audit")
    old.get_model("review", "HolidayOverride").objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    old.get_model("registry", "NumberSequence").objects.create(issuer_id=city.pk, year=2026, last_seq=41)

    new = migrate(latest())
    assert list(new.get_model("core", "HolidayOverride").objects.values_list("date", "is_workday", "name")) == [
        (dt.date(2027, 1, 1), False, "元旦")]
    assert list(new.get_model("core", "NumberSequence").objects.values_list("scope", "owner_id", "year", "last_seq")) == [
        ("document_number", city.pk, 2026, 41)]
    parents = dict(new.get_model("accounts", "Organisation").objects.values_list("code", "parent_id"))
    assert parents == {"CSZF": None, "CSJY": city.pk, "CSSFJ": city.pk, "CSSJJ": city.pk}
    # the bureau keeps working as in v1 (no heads yet): no sign-off until it is switched on
    assert not new.get_model("accounts", "Organisation").objects.get(code="CSSFJ").signoff_required

    # ... and the running code reads them as before
    from accounts.jurisdiction import Jurisdiction
    from core import numbering
    from core.calendar import is_workday

    j = Jurisdiction()
    assert j.review_body_of(edu.pk) == j.review_body_of(city.pk) == justice.pk
    assert j.registry_office_of(city.pk) == city.pk
    assert j.overseen_by(audit.pk) == {city.pk, edu.pk, justice.pk, audit.pk}
    assert is_workday(dt.date(2027, 1, 1)) == (False, False)
    assert numbering.take_next(scope="document_number", owner_id=city.pk, year=2026) == 42
