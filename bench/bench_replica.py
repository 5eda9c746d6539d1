"""Reads from a streaming replica against reads from the primary, same run, same data (issue 19).

    .venv/bin/python bench/bench_replica.py                     # 10,000 documents: a minute or so
    .venv/bin/python bench/bench_replica.py --documents 100000  # slower
    REPLICA_ENV=/tmp/normdocs-replica/replica.env .venv/bin/python bench/bench_replica.py   # a pair already running

Starts its own private primary and replica (deploy/replica.sh, stopped at the end), seeds the
primary with COPY (bench/seed.py), waits for the replica to catch up, then measures in this
process, through Django's test client:

- the public listing (anonymous, /api/public/documents/) and the staff listing (an auditor,
  /api/documents/?state=legality_review&overdue=true&issuer=CSZF), median and p95, once routed to
  the replica and once with the replica refused (primary), each checked for where its queries went;
- the replica's lag under a write load (writer processes committing small inserts on the primary
  for a few seconds): PostgreSQL's own pg_stat_replication.replay_lag and bytes behind, and how often
  the router's probe (core.replica) would have kept reads on the replica.

Prints one JSON object; bench/run.py (or --merge) keeps it under the key "replica" of
bench/results.json. On one machine both servers share the cores: the figures show the routing's
cost and the lag, not the capacity a second host adds.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _env_file(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return {"median_ms": round(statistics.median(runs) * 1000, 2),
            "p95_ms": round(runs[int(0.95 * (len(runs) - 1))] * 1000, 2)}


def _writer(dsn, seconds, queue):
    import psycopg

    commits = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            conn.execute("INSERT INTO bench_replica_load (at, pad) VALUES (now(), repeat('x', 500))")
            commits += 1
    queue.put(commits)


def lag_under_load(primary_dsn, seconds, writers):
    """Lag as PostgreSQL measures it (the primary's view of the standby's replay), sampled while
    ``writers`` processes commit as fast as they can."""
    import psycopg

    from core import replica

    with psycopg.connect(primary_dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_replica_load (id bigserial PRIMARY KEY, at timestamptz, pad text)")
    from django.db import connections

    connections.close_all()  # the writer processes are forked: they must not share this process's sockets
    queue = mp.Queue()
    procs = [mp.Process(target=_writer, args=(primary_dsn, seconds, queue)) for _ in range(writers)]
    for p in procs:
        p.start()
    lag_ms, behind_bytes, usable, samples = [], [], 0, 0
    deadline = time.monotonic() + seconds
    with psycopg.connect(primary_dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute("SELECT EXTRACT(EPOCH FROM replay_lag) * 1000, "
                               "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication").fetchone()
            if row:
                lag_ms.append(float(row[0] or 0.0))
                behind_bytes.append(int(row[1] or 0))
            ok, _, _ = replica._probe()
            usable += ok
            samples += 1
            time.sleep(0.05)
    commits = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    with psycopg.connect(primary_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_replica_load")

    def stats(values):
        values = sorted(values) or [0]
        return {"median": round(statistics.median(values), 1), "p95": round(values[int(0.95 * (len(values) - 1))], 1),
                "max": round(values[-1], 1)}

    return {"seconds": seconds, "writers": writers, "commits_per_s": round(commits / seconds),
            "replay_lag_ms": stats(lag_ms), "bytes_behind": stats(behind_bytes),
            "probe_kept_replica_pct": round(100 * usable / max(1, samples), 1), "samples": samples}


def measure(repeat):
    from django.db import connections, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from accounts.models import User
    from core import replica

    auditor = APIClient()
    auditor.force_authenticate(User.objects.get(username="auditor"))
    cases = {"public_listing": (Client(), "/api/public/documents/"),
             "staff_listing": (auditor, "/api/documents/?state=legality_review&overdue=true&issuer=CSZF"),
             "staff_search": (auditor, "/api/documents/?q=%E6%A0%A1%E5%A4%96")}  # 校外
    real = replica._may_use_replica
    out = {}
    for name, (client, path) in cases.items():
        row = {}
        for target, decide in (("replica", real), ("primary", lambda request: False)):
            replica._may_use_replica = decide
            try:
                assert client.get(path).status_code == 200
                reset_queries()
                with CaptureQueriesContext(connections["replica"]) as on_replica:
                    client.get(path)
                reads = [q for q in on_replica.captured_queries if "pg_is_in_recovery" not in q["sql"]]
                row[target] = {**timed(lambda: client.get(path), repeat), "replica_queries": len(reads)}
            finally:
                replica._may_use_replica = real
        row["ratio"] = round(row["replica"]["median_ms"] / row["primary"]["median_ms"], 2)
        out[name] = row
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=None, help="history rows (default 5 per document)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--load-seconds", type=float, default=5.0)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--merge", action="store_true", help="also write it under 'replica' in bench/results.json")
    args = parser.parse_args()

    own = not os.environ.get("REPLICA_ENV")
    run = tempfile.mkdtemp(prefix="normdocs-replica-bench-") if own else None
    script_env = {**os.environ, "REPLICA_DIR": run or "", "PYTHON": sys.executable}
    if own:
        subprocess.run([str(ROOT / "deploy/replica.sh"), "start"], cwd=ROOT, env=script_env, check=True,
                       stdout=subprocess.DEVNULL)
    try:
        pair = _env_file(Path(os.environ.get("REPLICA_ENV") or f"{run}/replica.env"))
        os.environ.update(DATABASE_URL=pair["DATABASE_URL"], DATABASE_REPLICA_URL=pair["DATABASE_REPLICA_URL"],
                          DJANGO_SETTINGS_MODULE="config.settings", CELERY_TASK_ALWAYS_EAGER="false")
        os.environ.setdefault("VAR_DIR", f"{run or tempfile.mkdtemp(prefix='normdocs-replica-var-')}/var")
        os.environ.setdefault("LOG_LEVEL", "ERROR")
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command

        from bench.seed import seed

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        seeded = seed(pair["DATABASE_URL"], args.documents, args.history or args.documents * 5)
        seed_s = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        caught_up_s = _wait_caught_up(pair)
        result = {"seeded": seeded, "seed_seconds": seed_s, "replica_caught_up_after_seed_s": caught_up_s,
                  "reads": measure(args.repeat),
                  "lag_under_write_load": lag_under_load(pair["DATABASE_URL"], args.load_seconds, args.writers)}
    finally:
        if own:
            subprocess.run([str(ROOT / "deploy/replica.sh"), "stop"], cwd=ROOT, env=script_env,
                           stdout=subprocess.DEVNULL)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.merge:
        path = ROOT / "bench" / "results.json"
        merged = json.loads(path.read_text()) if path.exists() else {}
        merged["replica"] = result
        path.write_text(json.dumps(merged, ensure_ascii=False, indent=2))


def _wait_caught_up(pair, timeout=120.0) -> float:
    import psycopg

    t0 = time.perf_counter()
    with psycopg.connect(pair["DATABASE_URL"], autocommit=True) as primary, \
            psycopg.connect(pair["DATABASE_REPLICA_URL"], autocommit=True) as standby:
        lsn = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        while time.perf_counter() - t0 < timeout:
            if standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                break
            time.sleep(0.05)
    return round(time.perf_counter() - t0, 2)


if __name__ == "__main__":
    main()
