"""A bounded load run against a running deployment on 127.0.0.1 (deploy/cluster.sh): 50 users for
60 seconds mixing reads, transitions and a flood of anonymous public comments (distinct texts, a
different X-Forwarded-For on each), with an optional PostgreSQL restart in the middle — of the
cluster's own PostgreSQL (CLUSTER_PGDATA in $CLUSTER_DIR/cluster.env), never a shared one.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--restart-postgres-at 20]

Prints status counts, median and p95 latency per kind, and exits non-zero if any response was an
error other than the expected 409 (two clerks on one document) and, during a restart, 503."""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import threading
import time
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo
from urllib.parse import quote

def cluster_env() -> dict:
    """What deploy/cluster.sh started: its ports and its own PostgreSQL data directory."""
    path = os.path.join(os.environ.get("CLUSTER_DIR", "/tmp/normdocs-cluster"), "cluster.env")
    env = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            key, _, value = line.strip().partition("=")
            env[key] = value.strip('"')
    return env


CLUSTER = cluster_env()
PORTS = [int(p) for p in CLUSTER.get("CLUSTER_WEB_PORTS", "8101 8102").split()]


class Session:
    def __init__(self, port, token=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def call(self, method, path, body=None, retry=True):
        data = json.dumps(body).encode() if body is not None else None
        try:
            self.conn.request(method, path, body=data, headers=self.headers)
            response = self.conn.getresponse()
            payload = response.read()
            return response.status, (json.loads(payload) if payload and response.getheader(
                "Content-Type", "").startswith("application/json") else None)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection before reading this request (as
            # browsers and urllib3 do, send it once more on a fresh connection).
            self.conn.close()
            if retry:
                return self.call(method, path, body, retry=False)
            return 0, None
        except (OSError, http.client.HTTPException):
            self.conn.close()
            return 0, None  # transport error (connection refused)


def token(username):
    status, body = Session(PORTS[0]).call("POST", "/api/auth/token/", {"username": username, "password": "demo12345"})
    assert status == 200, (username, status, body)
    return body["token"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--restart-postgres-at", type=float, default=None)
    args = parser.parse_args()

    tokens = {u: token(u) for u in ("drafter", "drafter2", "head", "registrar", "registrar2", "auditor")}
    records = []  # (t, kind, status, seconds)
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + args.seconds
    fault = {"from": None, "to": None}

    def record(kind, status, seconds):
        with lock:
            records.append((time.monotonic() - start, kind, status, seconds))

    def timed(session, kind, method, path, body=None):
        t0 = time.perf_counter()
        status, payload = session.call(method, path, body)
        record(kind, status, time.perf_counter() - t0)
        return status, payload

    def reader(i):
        s = Session(PORTS[i % 2], tokens["auditor"])
        anon = Session(PORTS[(i + 1) % 2])
        while time.monotonic() < stop_at:
            choice = random.random()
            if choice < 0.3:
                timed(s, "list", "GET", "/api/documents/")
            elif choice < 0.5:
                status, page = timed(s, "list", "GET", "/api/documents/?state=published")
                if status == 200 and page["results"]:
                    timed(s, "detail", "GET", f"/api/documents/{random.choice(page['results'])['id']}/")
            elif choice < 0.8:
                timed(anon, "public", "GET", "/api/public/documents/?q=" + quote("春"))
            else:
                timed(s, "search", "GET", "/api/documents/?overdue=false&q=" + quote("办法"))

    def drafter(i):
        s = Session(PORTS[i % 2], tokens["drafter" if i % 2 else "drafter2"])
        while time.monotonic() < stop_at:
            status, doc = timed(s, "create", "POST", "/api/documents/", {
                "title": f"负载测试文件{i}-{random.randint(1, 10**6)}", "body": "第一条 为规范管理，制定本办法。\n第二条 本办法自公布之日起施行。",
                "issuer": "CSZF", "affects_rights": False, "validity_years": 5})
            if status == 201:
                timed(s, "submit", "POST", f"/api/documents/{doc['id']}/submit-for-review/", {"drafting_notes": "依据"})

    def reviewer(i):
        # The review head's own opinions are signed on issue (R15); the bureau's handlers would
        # answer 202 and wait for a signature.
        s = Session(PORTS[i % 2], tokens["head"])
        while time.monotonic() < stop_at:
            status, page = timed(s, "queue", "GET", "/api/documents/?state=legality_review")
            if status == 200 and page["results"]:
                doc = random.choice(page["results"][:5])  # the soonest due: reviewers collide, on purpose
                timed(s, "approve", "POST", f"/api/documents/{doc['id']}/approve/",
                      {"opinion": "经审核，合法。", "urgent_reason": "负载测试：提前出具意见"})
            else:
                time.sleep(0.2)

    def server_today():
        """The cluster's date (its TIME_ZONE, Asia/Shanghai by default), not this machine's: from
        16:00 to 24:00 UTC they differ, and a meeting dated the day before the approval is refused."""
        return dt.datetime.now(ZoneInfo(os.environ.get("TIME_ZONE") or "Asia/Shanghai")).date().isoformat()

    def registrar(i):
        s = Session(PORTS[i % 2], tokens["registrar" if i % 2 else "registrar2"])
        while time.monotonic() < stop_at:
            status, page = timed(s, "queue", "GET", "/api/documents/?state=registration")
            if status == 200 and page["results"]:
                doc = random.choice(page["results"][:5])
                if doc["number"]:
                    timed(s, "publish", "POST", f"/api/documents/{doc['id']}/publish/", {"channel": "website"})
                else:
                    timed(s, "register", "POST", f"/api/documents/{doc['id']}/register/",
                          {"meeting": "常务会议", "deliberated_on": server_today()})
            else:
                time.sleep(0.2)

    def commenter(i):
        """Anonymous comments on the document out for comment, each text distinct (the flood of
        issue 17): the cluster's throttles are raised, so every one is filed and grouped."""
        s = Session(PORTS[i % 2], tokens["auditor"])
        status, page = s.call("GET", "/api/documents/?state=public_comment")
        targets = [d["id"] for d in (page or {}).get("results", [])] if status == 200 else []
        anon = Session(PORTS[(i + 1) % 2])
        n = 0
        while time.monotonic() < stop_at and targets:
            n += 1
            anon.headers["X-Forwarded-For"] = f"198.51.100.{random.randint(1, 254)}"
            words = "".join(random.choice("建议取消修改明确规定条款罚款审批时限企业市民区域管理标准程序") for _ in range(30))
            timed(anon, "comment", "POST", f"/api/documents/{random.choice(targets)}/comments/",
                  {"author_name": f"市民{i}-{n}", "body": f"{words}（第{i}-{n}条）"})

    def restart_postgres():
        time.sleep(args.restart_postgres_at)
        pgdata = CLUSTER.get("CLUSTER_PGDATA")
        if not pgdata:
            print("load: no private PostgreSQL (CLUSTER_PGDATA): the restart is skipped")
            return
        # -l: the new server logs to a file (were it to inherit a pipe of ours, run() would wait on it)
        pg_ctl = [os.path.join(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
                               .stdout.strip(), "pg_ctl"), "-D", pgdata, "-l", os.path.join(os.path.dirname(pgdata), "pg.log"),
                  "-m", "fast", "-w", "restart"]
        if os.geteuid() == 0:
            pg_ctl = ["runuser", "-u", "postgres", "--", *pg_ctl]
        fault["from"] = time.monotonic() - start
        subprocess.run(pg_ctl, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        fault["to"] = time.monotonic() - start

    roles = ([reader] * int(args.users * 0.3) + [commenter] * int(args.users * 0.1)
             + [drafter] * int(args.users * 0.2) + [reviewer] * int(args.users * 0.2))
    roles += [registrar] * (args.users - len(roles))
    threads = [threading.Thread(target=fn, args=(i,)) for i, fn in enumerate(roles)]
    if args.restart_postgres_at is not None:
        threads.append(threading.Thread(target=restart_postgres))
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    statuses = Counter(status for _, _, status, _ in records)
    by_kind = defaultdict(list)
    for _, kind, status, seconds in records:
        if status in (200, 201, 409):
            by_kind[kind].append(seconds)
    all_ok = sorted(s for v in by_kind.values() for s in v)
    p95 = lambda xs: sorted(xs)[int(0.95 * (len(xs) - 1))] if xs else 0  # noqa: E731
    window = (fault["from"] - 1, (fault["to"] or 0) + 5) if fault["from"] is not None else None
    in_window = lambda t: window and window[0] <= t <= window[1]  # noqa: E731
    unexpected = [(round(t, 2), kind, status) for t, kind, status, _ in records
                  if status not in (200, 201, 409) and not (status in (503, 0) and in_window(t))]
    after = [status for t, _, status, _ in records if window and t > window[1]]
    summary = {
        "users": args.users, "seconds": args.seconds, "requests": len(records),
        "requests_per_second": round(len(records) / args.seconds, 1),
        "statuses": dict(sorted(statuses.items())),
        "median_ms": round(statistics.median(all_ok) * 1000, 1) if all_ok else None,
        "p95_ms": round(p95(all_ok) * 1000, 1),
        "p95_ms_by_kind": {k: round(p95(v) * 1000, 1) for k, v in sorted(by_kind.items())},
        "postgres_restart": fault if fault["from"] is not None else None,
        "during_restart": dict(Counter(s for t, _, s, _ in records if in_window(t))) if window else None,
        "after_restart_ok": sum(1 for s in after if s in (200, 201)) if window else None,
        "unexpected": unexpected[:20], "unexpected_count": len(unexpected),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    failed = summary["unexpected_count"] > 0 or (window and not summary["after_restart_ok"])
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
