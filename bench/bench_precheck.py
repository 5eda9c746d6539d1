"""Benchmark: the R1 pre-check over a 20,000-character draft and over 1 MB of text.

Baseline, measured in the same run on the same text: one pass of a single compiled regex
(re.finditer over the penalty words), the least any pattern-based scan can cost.
Run: .venv/bin/python bench/bench_precheck.py   (or: make bench-precheck)
"""
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review.precheck import run_precheck  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "precheck_corpus.tsv"


def text_of(size):
    rows = [line.split("\t", 1)[1] for line in CORPUS.read_text("utf-8").splitlines()
            if line and not line.startswith("#") and "\t" in line][1:]
    text = "\n".join(rows)
    while len(text) < size:
        text += "\n" + text
    return text[:size]


def timed(fn, arg, repeat):
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(arg)
        runs.append(time.perf_counter() - t0)
    runs.sort()
    return statistics.median(runs), runs[int(0.95 * (len(runs) - 1))]


def main():
    baseline_re = re.compile("罚款|没收|吊销|拘留|查封|扣押")
    run_precheck("warm up")
    print(f"{'case':<22}{'median ms':>11}{'p95 ms':>9}{'baseline ms':>13}{'ratio':>8}{'chars/s':>14}")
    for label, size, repeat in [("20,000 characters", 20_000, 21), ("1 MB", 1_000_000, 5)]:
        text = text_of(size)
        med, p95 = timed(run_precheck, text, repeat)
        base, _ = timed(lambda t: sum(1 for _ in baseline_re.finditer(t)), text, repeat)
        print(f"{label:<22}{med * 1e3:>11.1f}{p95 * 1e3:>9.1f}{base * 1e3:>13.2f}{med / base:>8.1f}{size / med:>14,.0f}")


if __name__ == "__main__":
    main()
