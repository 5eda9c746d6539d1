"""Issue 18: two-character Chinese queries (校外, 罚款) use the bigram index on PostgreSQL and
find exactly what today's icontains finds, on SQLite and PostgreSQL alike."""
import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from review import selectors
from review.models import Document

pytestmark = pytest.mark.django_db

TITLES = ["春城市校外培训机构管理办法", "春城市罚款缴纳管理规定", "关于校外Ab机构的通知", "养犬管理规定", "校", "ab cd 管理",
          "春城市100%完成率考核办法", "下划线_测试", "外校交流办法"]
QUERIES = ["校外", "罚款", "管理", "外校", "AB", "ab", "b ", "0%", "_测", "校", "犬管理", "春府", "〔2", "号", "xy", "春城市校外"]


@pytest.fixture
def documents(make_document):
    docs = [make_document("drafting", title=title) for title in TITLES]
    published = make_document("published", title="春城市户外广告设置管理规定")  # a number: 春府规〔年〕1号
    return [*docs, published]


def test_the_search_finds_exactly_what_icontains_finds(documents):
    everything = Document.objects.all()
    for q in QUERIES:
        expected = set(everything.filter(Q(title__icontains=q.strip()) | Q(number__icontains=q.strip())).values_list("pk", flat=True))
        assert set(selectors.search(everything, q).values_list("pk", flat=True)) == expected, q
    assert selectors.search(everything, "校外").count() == 2  # not 外校 (order matters)
    assert selectors.search(everything, "春府").count() == 1  # the number too


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")
def test_two_characters_use_the_bigram_index_on_postgresql(documents):
    with connection.cursor() as cursor:
        # a few rows: a table scan would be cheaper; forbid it (and a walk along another index)
        # so that the plan shows which index can answer the query
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        with CaptureQueriesContext(connection) as ctx:
            list(selectors.search(Document.objects.all(), "校外").values_list("pk", flat=True))
        sql = ctx.captured_queries[-1]["sql"]
        assert "doc_bigrams" in sql
        query = selectors.search(Document.objects.order_by(), "校外").values("pk").query
        compiled, params = query.sql_with_params()
        cursor.execute("EXPLAIN " + compiled, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "document_title_bigram" in plan and "document_number_bigram" in plan, plan
