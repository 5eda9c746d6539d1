"""Benchmark: extracting the text of a 200-page .docx (DESIGN v2 §4), time and memory.

The file is built with python-docx like a department's draft: chapters, articles 第一条 …, Word-
numbered items, and a table every ten articles; 200 pages at 22 lines of 28 characters is about
120,000 characters. Target (issue 13): under 2 s, under 200 MB.
Run: .venv/bin/python bench/bench_docx.py
"""
import io
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx import Document  # noqa: E402

from review.comparison import chinese_numeral  # noqa: E402
from review.docx_text import extract_text  # noqa: E402

SENTENCE = "市教育行政部门应当会同有关部门加强对校外培训机构的监督管理，依法查处违法违规行为，保障受教育者的合法权益。"


def build(pages=200) -> bytes:
    document = Document()
    target = pages * 22 * 28
    chars, article = 0, 0
    while chars < target:
        if article % 20 == 0:
            document.add_heading(f"第{chinese_numeral(article // 20 + 1)}章 分则", level=1)
        article += 1
        text = f"第{chinese_numeral(article)}条 {SENTENCE}{SENTENCE}"
        document.add_paragraph(text)
        chars += len(text)
        for item in ("有符合规定的场所；", "有合格的教师。"):
            document.add_paragraph(item, style="List Number")
            chars += len(item) + 3
        if article % 10 == 0:
            table = document.add_table(rows=4, cols=3)
            for row in table.rows:
                for cell in row.cells:
                    cell.text = "每课时五十元"
            chars += 4 * 20
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main():
    data = build()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        text = extract_text(data)
        runs.append(time.perf_counter() - t0)
    tracemalloc.start()
    extract_text(data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"file {len(data) / 1e6:.2f} MB, text {len(text):,} characters, {text.count(chr(10)) + 1:,} lines")
    print(f"extract_text: median {statistics.median(runs):.3f} s, worst {max(runs):.3f} s (target < 2 s)")
    print(f"memory: Python peak {peak / 2**20:.0f} MB during one extraction; process max RSS "
          f"{rss_after / 1024:.0f} MB (before extracting: {rss_before / 1024:.0f} MB) (target < 200 MB)")


if __name__ == "__main__":
    main()
