"""Seed a benchmark database fast: PostgreSQL COPY, not the API (issue 7).

The data are shaped like a province's registry: most documents published, some in review (half
of those overdue), each with a text version, review rounds past review, numbers in the registry,
and a long history. Triggers are off during the load (session_replication_role = replica) and
the rows are written consistent with them: every document past review has a lawful round of its
current version."""
from __future__ import annotations

import datetime as dt
import hashlib
import random

import psycopg

from core.calendar import add_years

STATES = [("published", 0.80), ("drafting", 0.05), ("public_comment", 0.02), ("legality_review", 0.06),
          ("registration", 0.03), ("expired", 0.02), ("repealed", 0.02)]
PAST_REVIEW = {"registration", "published", "expired", "repealed"}
TITLES = ["校外培训机构管理办法", "户外广告设置管理规定", "城市道路挖掘管理办法", "住房公积金提取实施细则", "中小学校园安全管理规定",
          "养犬管理规定", "物业服务收费管理办法", "农村宅基地管理办法", "政府投资项目管理办法", "消防安全责任制实施办法"]
BODY = ("第一条 为规范本市{t}相关工作，根据有关法律法规，结合本市实际，制定本办法。\n"
        "第二条 本办法适用于本市行政区域内的相关活动。\n第三条 有关部门应当按照职责做好管理和服务工作。\n"
        "第四条 本办法自公布之日起施行，有效期5年。\n") * 3


def _copy(cur, table, columns, rows):
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(dsn: str, documents: int, history: int, seed_value: int = 7) -> dict:
    rnd = random.Random(seed_value)
    today = dt.date.today()
    now = dt.datetime.now(dt.timezone.utc)
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("""TRUNCATE review_history, review_reviewfinding, review_publiccomment, review_reviewround,
                       registry_registryentry, core_numbersequence, registry_evaluation,
                       notifications_inboxmessage, notifications_reminder, review_document, review_version,
                       authtoken_token, accounts_user, accounts_organisation RESTART IDENTITY CASCADE""")
        # One city: its government (1) above the justice bureau, the overseer and 20 departments (R14).
        orgs = [(1, "CSZF", "春城市人民政府", "office", "春府规", "", "", None, "city", "", True),
                (2, "CSSFJ", "春城市司法局", "justice", "", "", "", 1, "city", "春司审", False),  # no sign-off: v1 acts
                (3, "CSSJJ", "春城市审计局", "audit", "", "", "", 1, "city", "", True)]
        orgs += [(10 + i, f"D{i:02d}", f"春城市第{i}局", "drafting", f"春{i}规", "", "", 1, "city", "", True)
                 for i in range(20)]
        _copy(cur, "accounts_organisation", ["id", "code", "name", "kind", "number_prefix", "number_template",
                                             "registration_code_template", "parent_id", "level", "opinion_prefix",
                                             "signoff_required"], orgs)
        # password: "bench" is not a usable password; the benchmark authenticates in-process.
        users = [(1, "drafter", 10, "drafter"), (2, "reviewer", 2, "reviewer"), (3, "registrar", 1, "registrar"),
                 (4, "auditor", 3, "auditor")]
        _copy(cur, "accounts_user", ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                                     "is_staff", "is_active", "date_joined", "organisation_id", "role"],
              [(uid, "!", False, name, "", "", "", False, True, now, org, role) for uid, name, org, role in users])

        weights = [w for _, w in STATES]
        names = [s for s, _ in STATES]
        docs, versions, rounds, entries = [], [], [], []
        seq_by_year: dict[int, int] = {}
        for i in range(1, documents + 1):
            state = rnd.choices(names, weights)[0]
            title = f"春城市{rnd.choice(TITLES)}（{i}）"
            body = BODY.format(t=title)
            sha = hashlib.sha256(body.encode()).hexdigest()
            created = now - dt.timedelta(days=rnd.randint(1, 3650))
            versions.append((i, i, 1, body, sha, 1, created, "[]"))
            due = None
            if state == "legality_review":
                due = today + dt.timedelta(days=rnd.randint(-15, 20))
            number = published_on = effective = expires = None
            if state in PAST_REVIEW and state != "registration" or (state == "registration" and rnd.random() < 0.5):
                year = created.year
                seq_by_year[year] = seq_by_year.get(year, 0) + 1
                number = f"春府规〔{year}〕{seq_by_year[year]}号"
                entries.append((len(entries) + 1, 1, year, seq_by_year[year], number, "", i,
                                "allocated" if state == "registration" else "published", "", created))
                if state != "registration":
                    published_on = created.date()
                    effective = published_on
                    expires = add_years(published_on, 5) - dt.timedelta(days=1)
            approved = i if state in PAST_REVIEW else None
            docs.append((i, "normative", title, 1, 10 + i % 20, True, False, 5, False, state, i, approved,
                         None, None, "", "", "依据有关法律法规", "", due, False, "常务会议" if number else "",
                         created.date() if number else None, number, created if number else None,
                         "website" if published_on else "", published_on, effective, expires,
                         expires - dt.timedelta(days=182) if expires else None, "", None, "", "", "", 1, created, created))
            if state in PAST_REVIEW or state == "legality_review":
                decided = state != "legality_review"
                rounds.append((i, i, 1, i, created, 1, due or created.date(), False, "依据", "", "",
                               "lawful" if decided else "", "合法" if decided else "", "[]", 2 if decided else None,
                               created if decided else None))
        _copy(cur, "review_document", [
            "id", "kind", "title", "issuer_id", "drafting_org_id", "affects_rights", "business_related",
            "validity_years", "provisional", "state", "current_version_id", "approved_version_id",
            "comment_opened_on", "comment_closes_on", "comment_short_period_reason", "comment_exemption_reason",
            "drafting_notes", "comment_summary", "review_due_at", "review_due_provisional", "deliberation_meeting",
            "deliberated_on", "number", "registered_at", "publication_channel", "published_on", "effective_from",
            "expires_on", "evaluation_due_on", "filed_with", "filed_on", "filing_reference", "closing_reason",
            "repeal_decision_ref", "created_by_id", "created_at", "updated_at"], docs)
        _copy(cur, "review_version", ["id", "document_id", "number", "body", "sha256", "author_id", "created_at",
                                      "precheck"], versions)
        _copy(cur, "review_reviewround", [
            "id", "document_id", "round_no", "version_id", "submitted_at", "submitted_by_id", "due_on",
            "due_provisional", "drafting_notes", "comment_summary", "comment_exemption_reason", "outcome", "opinion",
            "findings", "reviewer_id", "decided_at"], rounds)
        _copy(cur, "registry_registryentry", ["id", "issuer_id", "year", "seq", "number", "registration_code",
                                              "document_id", "status", "void_reason", "allocated_at"], entries)
        _copy(cur, "core_numbersequence", ["id", "scope", "owner_id", "year", "last_seq"],
              [(k, "document_number", 1, year, n) for k, (year, n) in enumerate(sorted(seq_by_year.items()), 1)])
        actions = ["create", "edit", "submit_for_review", "approve", "register", "publish", "file_record"]
        _copy(cur, "review_history", ["id", "seq", "document_id", "action", "from_state", "to_state", "actor_id", "at",
                                      "opinion", "version_id", "prev_hash", "hash"],
              ((k, k, 1 + k % documents, actions[k % len(actions)], "drafting", "legality_review", 1 + k % 4,
                now - dt.timedelta(seconds=history - k), "经审核，合法。" if k % 3 == 0 else "", 1 + k % documents,
                "0" * 64, hashlib.sha256(str(k).encode()).hexdigest()) for k in range(1, history + 1)))
        cur.execute("UPDATE review_historyhead SET seq = %s, hash = %s WHERE id = 1", [history, "0" * 64])
        cur.execute("INSERT INTO review_historyhead (id, seq, hash) SELECT 1, %s, %s WHERE NOT EXISTS "
                    "(SELECT 1 FROM review_historyhead)", [history, "0" * 64])
        for table in ("accounts_organisation", "accounts_user", "review_document", "review_version",
                      "review_reviewround", "registry_registryentry", "core_numbersequence", "review_history"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("SET session_replication_role = origin")
        conn.commit()
        cur.execute("ANALYZE")
    return {"documents": documents, "history": history, "numbers": len(entries)}
