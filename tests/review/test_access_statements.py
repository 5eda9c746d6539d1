"""The lock query of every act is compiled once per shape and bound many times (core.statements,
issue 19). What a user relies on: ``access_document`` answers exactly as the plain queryset
would, for every role, document, lock and set of facts, and 404 where the plain one finds
nothing; a shape is compiled once; a queryset the binding cannot follow still answers right."""
import pytest
from django.db import transaction

from accounts.models import User
from core import statements
from core.errors import NotFound
from review import facts as review_facts
from review import permissions, services
from review.models import Document

pytestmark = pytest.mark.django_db

ALL_FACTS = tuple(review_facts._expressions("pk"))
FACT_SETS = [(), services.APPROVAL_FACTS, ALL_FACTS]


@pytest.fixture
def world(users, orgs, make_document):
    """Documents in every state, the county's beside the city's, and one an adviser is invited to."""
    docs = [make_document(step, title=f"春城市{step}办法") for step in ("drafting", "submitted", "approved",
                                                                     "registered", "published")]
    contract = make_document("approved", kind="contract", title="春城市建设合同")
    county = services.document_create(actor=users["county_drafter"], title="青山县办法", body="第一条 为规范管理。",
                                      issuer=orgs["county"], affects_rights=False, validity_years=5)
    services.document_submit_for_review(actor=users["county_drafter"], document_id=county.pk, drafting_notes="依据")
    return [*docs, contract, Document.objects.get(pk=county.pk)]


def _plain(user, pk, lock, facts):
    qs = permissions.documents_visible_to(user)
    if lock:
        qs = qs.select_for_update(of=("self",)).select_related("approved_version")
    if facts:
        qs = qs.annotate(**review_facts.annotations(facts))
    return qs.filter(pk=pk).first()


def _seen(document, facts, lock):
    """Everything the act reads of what the query loaded: columns, related rows, facts."""
    if document is None:
        return None
    related = ["issuer", "drafting_org", "current_version"] + (["approved_version"] if lock else [])
    return ({f.attname: getattr(document, f.attname) for f in Document._meta.concrete_fields},
            {name: (getattr(document, name).pk if getattr(document, name) else None, Document._meta.get_field(name).is_cached(document))
             for name in related},
            {name: review_facts.get(document, name) for name in facts})


@pytest.mark.parametrize("facts", FACT_SETS, ids=["none", "approval", "all"])
@pytest.mark.parametrize("lock", [False, True], ids=["read", "lock"])
def test_access_document_answers_as_the_plain_queryset_for_everyone(facts, lock, world, users):
    everyone = list(User.objects.filter(pk__in=[u.pk for u in users.values()])) + list(User.objects.filter(role="adviser"))
    assert any(u.role == "adviser" for u in everyone)  # the contract's invited adviser
    seen = 0
    with transaction.atomic():
        for user in everyone:
            for doc in world:
                expected = _plain(user, doc.pk, lock, facts)
                try:
                    got = permissions.access_document(user, doc.pk, lock=lock, facts=facts)
                except NotFound:
                    got = None
                assert _seen(got, facts, lock) == _seen(expected, facts, lock), (user.username, doc.title)
                seen += got is not None
    assert seen >= len(world)  # not a table of 404s: most people see something


def test_a_shape_is_compiled_once_and_then_only_bound(world, users, monkeypatch):
    statements.forget()
    compiled = []
    real = statements._compile
    monkeypatch.setattr(statements, "_compile", lambda *a: compiled.append(1) or real(*a))
    reviewer = users["reviewer"]
    reviewable = [d for d in world if d.state != "drafting" and d.issuer.code == "CSZF"]
    with transaction.atomic():
        first = permissions.access_document(reviewer, reviewable[0].pk, lock=True, facts=services.APPROVAL_FACTS)
        assert len(compiled) == 2  # two sets of sentinels, once
        for doc in reviewable[1:]:
            again = permissions.access_document(reviewer, doc.pk, lock=True, facts=services.APPROVAL_FACTS)
            assert again.pk == doc.pk and again.title == doc.title
    assert first.pk == reviewable[0].pk and len(compiled) == 2


def test_lists_of_any_length_bind_to_a_padded_shape(world, orgs):
    def build(ids):
        return Document.objects.filter(issuer_id__in=ids).order_by("pk")[:1]

    county_doc = world[-1]
    for ids in ([orgs["county"].pk], [orgs["edu"].pk, orgs["county"].pk, orgs["market"].pk],
                [orgs["edu"].pk, orgs["market"].pk, orgs["justice"].pk, orgs["audit"].pk, orgs["county"].pk]):
        got = statements.first("by issuers", build, ids, model=Document)
        assert got is not None and got.pk == county_doc.pk
    assert statements.first("by issuers", build, [orgs["edu"].pk, orgs["market"].pk], model=Document) is None
    assert statements.first("by issuers", build, [], model=Document) is None  # IN () matches nothing


def test_a_queryset_the_binding_cannot_follow_runs_as_built(world):
    def build(pk):  # the value reaches the SQL transformed, not as itself: no sentinel to find
        return Document.objects.filter(title=f"春城市{'published' if pk == world[4].pk else pk}办法")[:1]

    assert statements.first("transformed", build, world[4].pk, model=Document).pk == world[4].pk
    assert statements.first("transformed", build, world[0].pk, model=Document) is None


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_as_django_does(world, users):
    from django.db import connection
    from django.db.transaction import TransactionManagementError

    if not connection.features.has_select_for_update:
        pytest.skip("SQLite takes no row locks; PostgreSQL runs this")
    with pytest.raises(TransactionManagementError):
        permissions.access_document(users["drafter"], world[0].pk, lock=True)


def test_on_postgresql_the_lock_query_and_the_writes_are_prepared_and_no_other_select(world, users, make_document):
    from django.db import connection

    from review import selectors

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: prepared statements (run with DATABASE_URL=postgres://…, CI does)")
    for k in range(6):  # every act of the lifecycle, on this connection, more often than psycopg's threshold
        make_document("published", title=f"春城市又一办法{k}")
    with transaction.atomic():
        for _ in range(3):
            permissions.access_document(users["drafter"], world[0].pk, lock=True, facts=services.SUBMISSION_FACTS)
        for _ in range(8):  # a search, more often than the threshold: never prepared
            list(selectors.search(Document.objects.all(), "校外")[:5])
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [row[0] for row in cursor.fetchall()]
    locks = [sql for sql in prepared if "fact_public_comments" in sql and "FOR UPDATE OF" in sql]
    assert len(locks) == 1  # planned once, however often it runs
    writes = [sql for sql in prepared if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert any(sql.startswith('INSERT INTO "review_history"') for sql in writes)
    assert any(sql.startswith('UPDATE "review_document"') for sql in writes)
    # no other SELECT: a generic plan of a search's LIKE pattern could be far worse than its own plan
    selects = [sql for sql in prepared if sql not in writes]
    assert selects and all(sql.lstrip().upper().startswith("SELECT") for sql in selects), selects
    assert not [sql for sql in selects if "LIKE" in sql.upper() or "doc_bigrams" in sql], selects


def test_rows_bind_dates_and_codes_and_answer_as_the_plain_values_list(orgs, make_document, monkeypatch):
    """The public catalogue's query (registry.selectors.catalogue_in_force): a date and an issuer
    bound into SQL compiled once (on PostgreSQL; SQLite adapts dates to text, so there it runs as
    built), and every row what iterating the queryset gives, in its order, for every date and
    issuer; an unknown issuer's code finds nothing, as a plain lookup."""
    import datetime as dt

    from accounts.models import Organisation
    from core.clock import today
    from django.db import connection
    from registry import selectors as registry_selectors

    for k in range(3):
        make_document("published", title=f"春城市第{k}号办法")
    moved = make_document("published", title="春城市教育局办法")
    Document.objects.filter(pk=moved.pk).update(issuer=orgs["edu"])  # a department's own catalogue
    statements.forget()
    compiled = []
    real = statements._compile
    monkeypatch.setattr(statements, "_compile", lambda *a: compiled.append(1) or real(*a))
    days = [today(), today() - dt.timedelta(days=1), dt.date(2000, 1, 1), today() + dt.timedelta(days=400)]
    seen = 0
    for day in days:
        for issuer in (None, orgs["city"], orgs["edu"], orgs["county"]):
            got = registry_selectors.catalogue_in_force(as_of=day, issuer=issuer)
            plain = list(registry_selectors._in_force(day, *([issuer.pk] if issuer else []))
                         .order_by("issuer__code", "published_on", "id").values_list(*registry_selectors.CATALOGUE_COLUMNS))
            assert got == plain and all(isinstance(row, registry_selectors.CatalogueRow) for row in got)
            seen += len(got)
    assert seen >= 8  # today's catalogue of the city, of the department and of all
    assert len(compiled) == 4  # two shapes (with and without an issuer), each compiled twice
    if connection.vendor == "postgresql":
        kept = {type(v).__name__ for k, v in statements._local.cache.items() if k[0][0] == "catalogue_in_force"}
        assert kept == {"_Rows"}
    for code in ("CSZF", "NOPE", "春城市"):
        plain = Organisation.objects.filter(code=code).order_by("pk").first()
        got = statements.first("organisation_by_code", registry_selectors._organisation_by_code, code, model=Organisation)
        assert (got and got.pk) == (plain and plain.pk)


def test_values_of_other_types_are_refused_before_any_sql():
    for value in (True, 1.5, dt_now(), None):
        with pytest.raises(TypeError):
            statements.first("odd", lambda v: Document.objects.filter(pk=v), value, model=Document)


def dt_now():
    import datetime as dt

    return dt.datetime.now()


def test_with_prepared_statements_off_the_lock_query_is_not_prepared(world, users):
    """DB_PREPARED_STATEMENTS=off (PgBouncer in transaction mode, where a prepared statement does
    not follow its session) is Django's own backend, binding on the client: the compiled lock
    query runs there unprepared, like everything else (psycopg's connections prepare nothing
    unless asked, but the compiled statements used to ask whatever the backend)."""
    from django.db import connection
    from django.db.backends.postgresql.base import DatabaseWrapper

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: prepared statements (run with DATABASE_URL=postgres://…, CI does)")
    settings = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql",
                "OPTIONS": {k: v for k, v in connection.settings_dict["OPTIONS"].items()
                            if k not in ("server_side_binding", "prepare_threshold")}}
    off = DatabaseWrapper(settings, alias="prepared_off")
    try:
        with off.cursor() as cursor:
            cursor.execute("SELECT 1")  # a connection of its own
        cursor = statements._cursor(off)
        assert not isinstance(cursor.cursor, statements._Preparing)
        with cursor:
            for _ in range(3):
                cursor.execute("SELECT id FROM review_document WHERE id = %s", [world[0].pk])
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
    finally:
        off.close()
    with statements._cursor(connection) as on:
        assert isinstance(on.cursor, statements._Preparing)  # on: prepared
