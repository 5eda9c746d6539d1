"""Issue 17: throttles count the real client. A different X-Forwarded-For on each request from
an untrusted address changes nothing; behind a trusted proxy (TRUSTED_PROXIES) two real clients
are counted apart; comments on one document are also counted all together; review requests are
throttled per user. django-axes asks the same function."""
import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core.client_address import client_ip
from review import services
from core.clock import today
from core.calendar import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    original = SimpleRateThrottle.THROTTLE_RATES

    def set_rates(**changes):
        new = {**original, **changes}
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": new}
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES = new

    yield set_rates
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES = original


@pytest.fixture
def consultation(users, make_document):
    doc = make_document("drafting")
    services.document_open_public_comment(actor=users["drafter"], document_id=doc.pk,
                                          closes_on=add_working_days(today(), 8).date)
    return doc


def post_comment(doc, i, **meta):
    return APIClient().post(f"/api/documents/{doc.pk}/comments/", {"author_name": "甲", "body": f"意见{i}"},
                            format="json", **meta)


def test_a_varying_forwarded_for_from_an_untrusted_address_does_not_bypass_the_throttle(rates, consultation):
    rates(public_comments="3/hour")
    codes = [post_comment(consultation, i, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
             for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert consultation.public_comments.count() == 3


def test_behind_a_trusted_proxy_two_real_clients_are_counted_apart(settings, rates, consultation):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    rates(public_comments="2/hour")
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    alice = [post_comment(consultation, i, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code for i in range(3)]
    assert alice == [201, 201, 429]
    # Alice prepending a made-up address is still Alice (the proxy appended her real one)
    r = post_comment(consultation, 9, HTTP_X_FORWARDED_FOR="192.0.2.77, 198.51.100.1", **proxy)
    assert r.status_code == 429
    bob = [post_comment(consultation, i, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code for i in range(2)]
    assert bob == [201, 201]
    r = post_comment(consultation, 8, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert r.json()["error"]["code"] == "throttled" and int(r["Retry-After"]) > 0


def test_comments_on_one_document_are_also_counted_all_together(settings, rates, consultation):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    rates(public_comments="100/hour", public_comments_per_document="4/hour")
    codes = [post_comment(consultation, i, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
             for i in range(6)]
    assert codes == [201, 201, 201, 201, 429, 429]
    page = Client(REMOTE_ADDR="198.51.100.200").post(f"/public/consultations/{consultation.pk}/",
                                                     {"author_name": "乙", "body": "页面意见"})
    assert page.status_code == 429 and page["Retry-After"]


def test_review_submissions_are_throttled_per_user(rates, client_for, make_document):
    rates(review_submissions="1/hour")
    first, second = make_document(), make_document()
    client = client_for("drafter")
    notes = {"drafting_notes": "依据《中华人民共和国教育法》制定"}
    assert client.post(f"/api/documents/{first.pk}/submit-for-review/", notes, format="json").status_code == 200
    r = client.post(f"/api/documents/{second.pk}/submit-for-review/", notes, format="json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "throttled"


@pytest.mark.parametrize("trusted, remote, forwarded, expected", [
    ([], "203.0.113.9", "198.51.100.1", "203.0.113.9"),                    # header ignored
    (["10.0.0.1"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),          # not from the proxy
    (["10.0.0.1"], "10.0.0.1", "198.51.100.1", "198.51.100.1"),
    (["10.0.0.1"], "10.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),   # right-most untrusted
    (["10.0.0.0/8"], "10.0.0.1", "198.51.100.1, 10.0.0.2", "198.51.100.1"),  # two proxies
    (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
    (["10.0.0.1"], "10.0.0.1", "garbage", "10.0.0.1"),
    (["2001:db8::/32"], "2001:db8::1", "2001:db9::7", "2001:db9::7"),
])
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_axes_asks_the_same_function(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert get_client_ip_address(request) == "198.51.100.1"
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert get_client_ip_address(request) == "203.0.113.9"
