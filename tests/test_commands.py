"""The set-up commands of DESIGN §4 and the demo world."""
import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation, User
from review.history import verify_chain
from review.models import Document

pytestmark = pytest.mark.django_db


def test_add_org_and_add_user():
    call_command("add_org", "CSJY", name="春城市教育局", kind="drafting", number_prefix="春教规")
    call_command("add_user", "alice", org="CSJY", role="drafter", password="s3cret-pw")
    alice = User.objects.get(username="alice")
    assert (alice.organisation.code, alice.role, alice.check_password("s3cret-pw")) == ("CSJY", "drafter", True)
    assert Organisation.objects.get(code="CSJY").number_prefix == "春教规"
    with pytest.raises(CommandError):
        call_command("add_user", "bob", org="NOPE", role="drafter", password="x")
    with pytest.raises(CommandError, match="占位符"):
        call_command("add_org", "X", name="某局", kind="drafting", number_prefix="某", number_template="{prefix}{seq:03d}")


def test_seed_demo_builds_a_world_with_every_role_and_a_published_document():
    call_command("seed_demo")
    assert set(User.objects.values_list("role", flat=True)) == {"drafter", "reviewer", "review_head", "adviser",
                                                                "registrar", "auditor"}
    # two governments: the county's justice bureau reviews the county, the city's the city
    county_reviewer = User.objects.get(username="qs_reviewer")
    assert county_reviewer.organisation.parent.code == "QSZF"
    states = set(Document.objects.values_list("state", flat=True))
    assert {"drafting", "public_comment", "legality_review", "published"} <= states
    assert Document.objects.get(state="published").number.startswith("春府规〔")
    call_command("seed_demo")  # idempotent
    assert Document.objects.count() == 4
    assert verify_chain().intact
