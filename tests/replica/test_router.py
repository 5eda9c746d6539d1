"""The replica router's decisions (core.replica, core.db_router), without a replica: these run on
SQLite too. The real streaming replica is tests/replica/test_replica.py (PostgreSQL pass)."""
import pytest
from django.db import OperationalError
from django.http import HttpResponse

from accounts.models import User
from core import replica
from core.db_router import ReplicaRouter
from review.models import Document

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    """A replica alias as far as the decisions go: configured and healthy unless a test says not."""
    state = {"healthy": True}
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "healthy", lambda: state["healthy"])
    return state


def test_without_a_replica_everything_reads_and_writes_the_primary(rf):
    assert router.db_for_read(Document) == "default"
    with replica.replica_reads(rf.get("/public/")):
        assert router.db_for_read(Document) == "default"
    assert router.db_for_write(Document) == "default"
    assert router.allow_migrate("default", "review") is True
    assert router.allow_migrate("replica", "review") is False
    assert router.allow_relation(object(), object()) is True


def test_without_a_replica_the_decorator_passes_through_and_writes_set_no_cookie(rf):
    seen = []

    @replica.reads_from_replica
    def view(request):
        seen.append(router.db_for_read(Document))
        return HttpResponse("ok")

    assert view(rf.get("/")).status_code == 200 and seen == ["default"]
    response = replica.ReadYourWritesMiddleware(lambda request: HttpResponse(status=201))(rf.post("/x/"))
    assert replica.COOKIE not in response.cookies


def test_reads_go_to_the_replica_only_inside_a_scope(with_replica, rf):
    assert router.db_for_read(Document) == "default"
    with replica.replica_reads(rf.get("/public/")):
        assert router.db_for_read(Document) == "replica"
        assert router.db_for_write(Document) == "default"
    assert router.db_for_read(Document) == "default"


def test_the_log_in_path_always_reads_the_primary(with_replica, rf):
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    with replica.replica_reads(rf.get("/public/")):
        assert [router.db_for_read(m) for m in (User, Session, Token)] == ["default"] * 3


def test_unsafe_requests_and_an_unhealthy_replica_read_the_primary(with_replica, rf):
    with replica.replica_reads(rf.post("/public/")):
        assert router.db_for_read(Document) == "default"
    with_replica["healthy"] = False
    with replica.replica_reads(rf.get("/public/")):
        assert router.db_for_read(Document) == "default"


def test_the_decision_holds_for_the_whole_request(with_replica, rf):
    """A listing's count and its page come from the same database, even if the verdict changes."""
    with replica.replica_reads(rf.get("/public/")):
        assert router.db_for_read(Document) == "replica"
        with_replica["healthy"] = False
        assert router.db_for_read(Document) == "replica"


def test_a_client_that_wrote_reads_the_primary_for_the_window(with_replica, rf):
    response = replica.ReadYourWritesMiddleware(lambda request: HttpResponse(status=302))(rf.post("/login/"))
    cookie = response.cookies[replica.COOKIE]
    assert cookie["httponly"] and int(cookie["max-age"]) > replica.window()
    request = rf.get("/public/")
    request.COOKIES[replica.COOKIE] = cookie.value
    with replica.replica_reads(request):
        assert router.db_for_read(Document) == "default"
    forged = rf.get("/public/")
    forged.COOKIES[replica.COOKIE] = "1"  # unsigned: ignored
    with replica.replica_reads(forged):
        assert router.db_for_read(Document) == "replica"


def test_a_refused_write_marks_nothing(with_replica, rf):
    response = replica.ReadYourWritesMiddleware(lambda request: HttpResponse(status=409))(rf.post("/x/"))
    assert replica.COOKIE not in response.cookies


def test_a_user_that_wrote_through_a_token_reads_the_primary_everywhere(with_replica, settings, rf):
    """A token client keeps no cookies: the mark is the user's, in the cache."""
    from django.core.cache import cache

    user = User(pk=4242, username="clerk")
    request = rf.post("/api/documents/1/publish/")
    request.user = user
    replica.ReadYourWritesMiddleware(lambda r: HttpResponse(status=200))(request)
    later = rf.get("/api/documents/")
    later.user = user
    with replica.replica_reads(later):
        assert router.db_for_read(Document) == "default"
    cache.delete(replica._user_key(4242))
    with replica.replica_reads(later):
        assert router.db_for_read(Document) == "replica"


def test_a_replica_failing_mid_request_reruns_the_view_on_the_primary(with_replica, monkeypatch, rf):
    monkeypatch.setattr(replica, "_replica_erred", lambda scope: scope.used)
    monkeypatch.setattr(replica, "replica_failed", lambda error: None)
    calls = []

    @replica.reads_from_replica
    def view(request):
        db = router.db_for_read(Document)
        calls.append(db)
        if db == "replica":
            raise OperationalError("server closed the connection unexpectedly")
        return HttpResponse("fresh")

    assert view(rf.get("/api/public/documents/")).content == b"fresh"
    assert calls == ["replica", "default"]


def test_the_primarys_own_failure_is_not_retried(with_replica, monkeypatch, rf):
    monkeypatch.setattr(replica, "_replica_erred", lambda scope: False)

    @replica.reads_from_replica
    def view(request):
        router.db_for_read(Document)
        raise OperationalError("primary down")

    with pytest.raises(OperationalError):  # web.middleware answers 503, as without a replica
        view(rf.get("/public/"))


def test_a_stream_restarts_on_the_primary_when_the_replica_fails_before_its_rows(with_replica, monkeypatch, rf):
    monkeypatch.setattr(replica, "_replica_erred", lambda scope: scope.used)
    monkeypatch.setattr(replica, "replica_failed", lambda error: None)

    def rows():
        yield "header\n"
        if router.db_for_read(Document) == "replica":
            raise OperationalError("replica gone")
        yield "row from the primary\n"

    with replica.replica_reads(rf.get("/api/audit/events/?format=csv")):
        stream = replica.streamed(rows)
    assert "".join(stream) == "header\nrow from the primary\n"


def test_a_stream_cut_after_its_rows_went_out_is_not_repeated(with_replica, monkeypatch, rf):
    monkeypatch.setattr(replica, "_replica_erred", lambda scope: scope.used)
    monkeypatch.setattr(replica, "replica_failed", lambda error: None)

    def rows():
        router.db_for_read(Document)
        yield "header\n"
        yield "row 1\n"
        yield "row 2\n"
        raise OperationalError("replica gone")

    with replica.replica_reads(rf.get("/")):
        stream = replica.streamed(rows)
    out = []
    with pytest.raises(OperationalError):
        for chunk in stream:
            out.append(chunk)
    assert out == ["header\n", "row 1\n", "row 2\n"]  # cut short, never a second header


def test_an_unreachable_replica_is_probed_less_and_less_often(monkeypatch, settings):
    """A replica that drops packets costs its connect timeout once per backoff, not every second."""
    settings.REPLICA_HEALTH_SECONDS = 1
    probes = []
    monkeypatch.setattr(replica, "_probe", lambda: probes.append(1) or (False, "unreachable: timeout expired", None))
    monkeypatch.setattr(replica, "_warn", lambda reason: None)
    replica.forget_health()
    try:
        waits = []
        for _ in range(6):
            replica._health.checked_at = -1e9  # the backoff has passed
            assert replica.healthy() is False
            waits.append(replica._health.next_after)
        assert waits == [2, 4, 8, 16, 30, 30] and len(probes) == 6
        assert replica.healthy() is False and len(probes) == 6  # within the backoff: no probe
    finally:
        replica.forget_health()


def test_a_cache_outage_sends_a_signed_in_user_to_the_primary(with_replica, monkeypatch, rf):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "get", down)
    request = rf.get("/api/documents/")
    request.user = User(pk=7, username="clerk")
    with replica.replica_reads(request):
        assert router.db_for_read(Document) == "default"  # never stale, never 500
