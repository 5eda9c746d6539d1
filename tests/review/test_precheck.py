"""Tests of the R1 legality pre-check (review.precheck): pure Python, no database."""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run without Django settings: `pytest -p no:django`
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from review.precheck import Finding, run_precheck  # noqa: E402
from review.precheck.normalize import normalize  # noqa: E402
from review.precheck.rules import RULES  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "precheck_corpus.tsv"
RULE_IDS = [r.id for r in RULES]


def load_corpus() -> list[tuple[set[str], str]]:
    rows = []
    with CORPUS.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        expected = row["expected_rules"].strip()
        labels = set() if expected == "-" else {x.strip() for x in expected.split(",")}
        rows.append((labels, row["sentence"]))
    return rows


def score(rows):
    tp, fp, fn = Counter(), Counter(), Counter()
    errors = []
    for expected, sentence in rows:
        got = {f.rule for f in run_precheck(sentence)}
        for rule in got & expected:
            tp[rule] += 1
        for rule in got - expected:
            fp[rule] += 1
            errors.append(("FP", rule, sentence))
        for rule in expected - got:
            fn[rule] += 1
            errors.append(("FN", rule, sentence))
    return tp, fp, fn, errors


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


# ----------------------------------------------------------------------------- corpus


def test_corpus_shape():
    rows = load_corpus()
    assert len(rows) >= 240
    for expected, _ in rows:
        assert expected <= set(RULE_IDS), expected
    for rule in RULE_IDS:
        positives = sum(1 for e, _ in rows if rule in e)
        assert positives >= 15, (rule, positives)
    traditional = sum(1 for _, s in rows if normalize(s) != s)
    assert traditional >= 20


def test_corpus_precision_recall():
    rows = load_corpus()
    tp, fp, fn, errors = score(rows)
    lines = [f"{'rule':<16}{'TP':>5}{'FP':>5}{'FN':>5}{'precision':>11}{'recall':>8}"]
    for rule in RULE_IDS:
        p = _ratio(tp[rule], tp[rule] + fp[rule])
        r = _ratio(tp[rule], tp[rule] + fn[rule])
        lines.append(f"{rule:<16}{tp[rule]:>5}{fp[rule]:>5}{fn[rule]:>5}{p:>11.3f}{r:>8.3f}")
    TP, FP, FN = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision, recall = _ratio(TP, TP + FP), _ratio(TP, TP + FN)
    lines.append(f"{'overall':<16}{TP:>5}{FP:>5}{FN:>5}{precision:>11.3f}{recall:>8.3f}")
    print(f"\nR1 pre-check on {len(rows)} labelled sentences\n" + "\n".join(lines))
    for kind, rule, sentence in errors:
        print(f"  {kind} {rule:<16} {sentence}")
    assert precision >= 0.9
    assert recall >= 0.85


# ----------------------------------------------------------------------------- offsets


def _check_offsets(text: str, findings: list[Finding]) -> None:
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.excerpt


def test_offsets_point_at_the_passage():
    text = (
        "第一条 为规范本市户外广告管理，制定本办法。\n"
        "第二条 违反本办法规定擅自设置户外广告的，处五千元罚款。\n"
        "第三条 行政机关不得向企业收取任何费用。"
    )
    findings = run_precheck(text)
    assert [f.rule for f in findings] == ["R1.penalty"]
    f = findings[0]
    _check_offsets(text, findings)
    # The article number is not part of the passage; the sentence's full stop is not either.
    assert f.excerpt == "违反本办法规定擅自设置户外广告的，处五千元罚款"
    assert text.index(f.excerpt) == f.start


def test_offsets_with_traditional_characters():
    text = "　　（一）本辦法適用於全市。\n　　（二）違反本辦法規定，在公共場所吸煙的，處五十元罰款；\n（三）申請人應當繳納管理費二百元。"
    findings = run_precheck(text)
    assert {f.rule for f in findings} == {"R1.penalty", "R1.fee"}
    _check_offsets(text, findings)
    penalty = next(f for f in findings if f.rule == "R1.penalty")
    assert penalty.excerpt == "違反本辦法規定，在公共場所吸煙的，處五十元罰款"
    fee = next(f for f in findings if f.rule == "R1.fee")
    assert fee.excerpt == "申請人應當繳納管理費二百元"


def test_normalize_keeps_length_and_maps_characters():
    src = "違反本辦法規定，處５００元罰款。證明、許可證、強制執行、繳納費用"
    out = normalize(src)
    assert len(out) == len(src)
    assert out == "违反本办法规定，处500元罚款。证明、许可证、强制执行、缴纳费用"
    assert normalize("已经是简体中文，不变。") == "已经是简体中文，不变。"


def test_finding_is_frozen_and_serialisable():
    (f,) = run_precheck("对违规停车的，处二百元罚款。")
    d = f.as_dict()
    assert d == {
        "rule": "R1.penalty",
        "severity": "high",
        "start": 0,
        "end": 13,
        "excerpt": "对违规停车的，处二百元罚款",
        "explanation": f.explanation,
        "basis": f.basis,
    }
    assert "行政处罚" in f.explanation and "37号" in f.basis
    with pytest.raises(Exception):
        f.rule = "x"  # type: ignore[misc]


# ----------------------------------------------------------------------------- negation, citation


@pytest.mark.parametrize(
    "sentence",
    [
        # Citing the law that provides the measure.
        "依照《中华人民共和国行政处罚法》第二十八条规定，由市场监管部门依法给予处罚。",
        "违反本规定的，按照《城市市容和环境卫生管理条例》第三十四条规定处五十元以上五百元以下罚款。",
        "依照有关法律、法规的规定，对其处以罚款。",
        # Forbidding the government: a protection, not a burden.
        "行政机关不得向企业收取费用。",
        "行政机关不得指定或者限定企业购买其指定的经营者提供的商品。",
        "不得要求申请人提供户籍证明、亲属关系证明。",
        "各部门不得随意查封、扣押企业财产。",
        "行政机关不得擅自增设行政许可条件。",
        # Restatement with 依法 / 按照国家有关规定.
        "企业应当依法缴纳税款。",
        "用人单位应当按照国家有关规定为职工缴纳社会保险费。",
        "当事人逾期不履行的，行政机关可以依法申请人民法院强制执行。",
        # Descriptive.
        "对被吊销营业执照的企业，登记机关应当及时标注。",
        "对查封、扣押的财物，应当妥善保管。",
        "各部门应当加强对企业的服务和指导。",
    ],
)
def test_negation_and_citation_are_not_findings(sentence):
    assert run_precheck(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        # A reference to the draft itself is not a legal basis.
        ("依照本办法第十条规定，对违规者处以二千元罚款。", "R1.penalty"),
        # The subject is a citizen, not the government: a duty.
        ("居民不得在阳台晾晒衣物。", "R1.duty"),
        # 不得 after the trigger does not negate it.
        ("未经街道办事处批准，不得在小区内经营。", "R1.licence"),
        ("非本地注册的企业不得参与投标。", "R1.competition"),
    ],
)
def test_look_alikes_are_findings(sentence, rule):
    assert rule in {f.rule for f in run_precheck(sentence)}


# ----------------------------------------------------------------------------- robustness


def test_empty_and_blank_text():
    assert run_precheck("") == []
    assert run_precheck("   \n\n。；，") == []


def test_large_text_does_not_crash():
    paragraph = (
        "第十条 违反本办法规定擅自设置户外广告的，处五千元罚款。"
        "行政机关不得向企业收取任何费用。"
        "本办法自发布之日起施行。\n"
    )
    text = paragraph * (2 * 1024 * 1024 // len(paragraph) + 1)
    assert len(text) > 2 * 1024 * 1024
    findings = run_precheck(text)
    assert len(findings) == text.count("罚款")
    _check_offsets(text, findings[:50])
    # Pathological input: 2 MB without any punctuation.
    blob = "企业应当缴纳管理费指定的供应商查封" * (2 * 1024 * 1024 // 17)
    run_precheck(blob)
