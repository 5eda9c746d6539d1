"""The public catalogue page (现行有效目录): its rows are built in the view as one safe string
(web.public_views._catalogue_rows), so nothing of the template's autoescape guards them. Every
value a row shows is escaped exactly as {{ … }} would, the placeholders and links are as they were,
and a hostile title or number reaches the page as text, never as markup."""
import datetime as dt
import re

import pytest
from django.test import Client

from accounts.models import Organisation
from core.clock import today
from review.models import Document

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & 规定 \'q\''


def table(html: str) -> str:
    return re.search(r'<table id="catalogue">.*?</table>', html, flags=re.S).group(0)


def test_a_hostile_title_number_and_issuer_are_escaped_and_rows_keep_their_markup(make_document, orgs):
    hostile = make_document("published", title=HOSTILE)
    plain = make_document("published", title="A&B {{ x }} {% y %} 办法")
    Document.objects.filter(pk=hostile.pk).update(number='春府规〔2026〕<1> & "n"', expires_on=None)
    Document.objects.filter(pk=plain.pk).update(expires_on=dt.date(2031, 1, 2))
    Organisation.objects.filter(pk=orgs["city"].pk).update(name='春城市人民政府 <i>&amp;"\'</i>')
    published = Document.objects.get(pk=hostile.pk).published_on.isoformat()
    effective = Document.objects.get(pk=plain.pk).effective_from.isoformat()
    plain_number = Document.objects.get(pk=plain.pk).number

    r = Client().get("/public/catalogue/?issuer=CSZF")

    assert r.status_code == 200
    html = r.content.decode()
    assert "<script>alert" not in html and "<i>&amp;" not in html
    issuer = "春城市人民政府 &lt;i&gt;&amp;amp;&quot;&#x27;&lt;/i&gt;"
    assert table(html).split("</tr>\n", 1)[1] == (
        f'<tr><td>春府规〔2026〕&lt;1&gt; &amp; &quot;n&quot;</td><td><a href="/public/documents/{hostile.pk}/">'
        f'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 规定 &#x27;q&#x27;</a></td><td>{issuer}</td>'
        f'<td>{published}</td><td>{effective} — —</td></tr>\n'
        f'<tr><td>{plain_number}</td><td><a href="/public/documents/{plain.pk}/">A&amp;B {{{{ x }}}} {{% y %}} 办法</a>'
        f'</td><td>{issuer}</td><td>{published}</td><td>{effective} — 2031-01-02</td></tr>\n'
        '</table>')
    assert f'<p class="muted">现行有效文件（件）: 2 · {today().isoformat()}</p>' in html


def test_the_empty_catalogue_and_a_refused_date_show_the_empty_row(orgs):
    empty = '<tr><td colspan="5" class="muted">'
    for url, status in (("/public/catalogue/?issuer=CSZF", 200), ("/public/catalogue/?as_of=2026-13-40", 400)):
        r = Client().get(url)
        assert r.status_code == status
        rows = table(r.content.decode()).split("</tr>\n", 1)[1]
        assert rows.startswith(empty) and rows.endswith("</td></tr></table>") and rows.count("<tr>") == 1


def test_the_issuer_choice_lists_publishing_issuers_escaped_with_the_chosen_one_selected(make_document, orgs):
    """The <option>s are built in the view: every issuer with a published normative document,
    in code order, its name escaped, the one asked for marked selected (and none for all)."""
    make_document("published")
    Organisation.objects.filter(pk=orgs["city"].pk).update(name='春城市人民政府 <b>"&\'')
    code = orgs["city"].code

    def options(url):
        html = Client().get(url).content.decode()
        return re.search(r'<select id="issuer" name="issuer">(.*?)</select>', html, flags=re.S).group(1)

    chosen = (f'<option value="">全部</option><option value="{code}" selected>'
              '春城市人民政府 &lt;b&gt;&quot;&amp;&#x27;</option>')
    assert options(f"/public/catalogue/?issuer={code}") == chosen
    assert options("/public/catalogue/") == chosen.replace(" selected", "")
    assert options("/public/catalogue/?as_of=2026-13-40") == chosen.replace(" selected", "")  # the refused date's page
