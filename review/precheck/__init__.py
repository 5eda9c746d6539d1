"""Legality pre-check of a draft normative document against rule R1 (no Django imports).

``run_precheck(text)`` returns the suspect passages of ``text`` as ``Finding`` objects: which
part of R1 the passage may breach, how serious, where it is (character offsets into ``text``
exactly as given, so ``text[f.start:f.end] == f.excerpt``), why, and the legal basis of the
prohibition.  It flags; the reviewer decides (design §1, R1).

How it works, in one pass over the text:

1. ``normalize`` maps traditional characters to simplified ones, one character for one, so
   offsets in the normalised text are offsets in the original.
2. The text is cut into sentences at 。；！？ and line breaks (clauses at ，：inside them).
3. Every trigger pattern of every rule (``rules.py``) is run once over the whole text; each
   match is placed in its sentence and kept unless the sentence cites a legal basis, the
   clause negates it (不得收取 …), it is descriptive (被查封的 …), or its subject does not fit
   the rule (行政机关应当 … is not a duty on citizens).
4. One finding per rule and sentence; the catch-all duty rule is dropped where a more
   specific rule already flags the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import asdict, dataclass

from .normalize import normalize
from .rules import (
    CITATION,
    GOV_SUBJECT,
    LOCAL_BASIS,
    NEGATION,
    OBJECT_MARKER,
    PRIVATE_SUBJECT,
    RULES,
    Rule,
)

__all__ = ["Finding", "run_precheck", "RULES"]

_SENTENCE = re.compile(r"[^。；;！!？?\n\r]+")
_CLAUSE_PUNCT = "，,：:"
# Leading numbering that is not part of the passage: "第十二条 ", "（三）", "3.", "二、".
_LEADING = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零〇0-9]+条\s*|[（(][一二三四五六七八九十0-9]+[）)]\s*|"
    r"[0-9]+[.、．]\s*|[一二三四五六七八九十]+、\s*)?"
)
_DEMAND = re.compile(r"须|需|应当|应|必须|要求|由|请")
_SUBJECT = re.compile(f"(?P<gov>{GOV_SUBJECT.pattern})|(?P<priv>{PRIVATE_SUBJECT.pattern})")

# Bounds that keep the work per match constant, whatever the length of a sentence.
_CLAUSE_WINDOW = 80
_SUBJECT_WINDOW = 120


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    start: int
    end: int
    excerpt: str
    explanation: str
    basis: str

    def as_dict(self) -> dict:
        return asdict(self)


class _Sentence:
    """A sentence of the normalised text, with lazily computed facts shared by all rules."""

    __slots__ = ("start", "end", "_text", "_cited")

    def __init__(self, text: str, start: int, end: int) -> None:
        self._text = text
        self.start = start
        self.end = end
        self._cited: bool | None = None

    @property
    def cited(self) -> bool:
        if self._cited is None:
            self._cited = CITATION.search(self._text, self.start, self.end) is not None
        return self._cited


def _sentences(norm: str) -> list[_Sentence]:
    out = []
    for m in _SENTENCE.finditer(norm):
        start, end = m.start(), m.end()
        lead = _LEADING.match(norm, start, end)
        if lead:
            start = lead.end()
        while end > start and norm[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(_Sentence(norm, start, end))
    return out


def _clause_bounds(norm: str, sent: _Sentence, pos: int, end: int) -> tuple[int, int]:
    """Start and end of the clause (between ，/：) around [pos, end), bounded in length."""
    lo = max(sent.start, pos - _CLAUSE_WINDOW)
    cstart = lo
    for i in range(pos - 1, lo - 1, -1):
        if norm[i] in _CLAUSE_PUNCT:
            cstart = i + 1
            break
    hi = min(sent.end, end + _CLAUSE_WINDOW)
    cend = hi
    for i in range(end, hi):
        if norm[i] in _CLAUSE_PUNCT:
            cend = i
            break
    return cstart, cend


def _subject(norm: str, sent: _Sentence, clause_start: int, pos: int) -> str | None:
    """'gov', 'priv' or None: who the clause before ``pos`` is about.

    The last candidate noun in the clause itself wins ("检查时，经营者应当配合"); failing that, the
    first one in the sentence ("租住在本区的外来人员，应当…").  Nouns right after 向/对/保障/要求 …
    are objects, not subjects.
    """
    lo = max(sent.start, pos - _SUBJECT_WINDOW)
    first = last_in_clause = None
    for m in _SUBJECT.finditer(norm, lo, pos):
        if OBJECT_MARKER.search(norm, max(lo, m.start() - 12), m.start()):
            continue
        kind = m.lastgroup
        if first is None:
            first = kind
        if m.start() >= clause_start:
            last_in_clause = kind
    return last_in_clause or first


def _has_private_party(norm: str, sent: _Sentence) -> bool:
    lo = max(sent.start, sent.end - 4 * _SUBJECT_WINDOW)
    for m in _SUBJECT.finditer(norm, lo, sent.end):
        if m.lastgroup == "priv":
            return True
    return False


def _accept(rule: Rule, norm: str, sent: _Sentence, m: re.Match[str]) -> bool:
    """Is this trigger match a finding of ``rule``?"""
    pos, end = m.start(), m.end()
    if rule.skip_before is not None and rule.skip_before.search(norm, max(sent.start, pos - 6), pos):
        return False
    if rule.skip_after is not None and rule.skip_after.match(norm, end, sent.end):
        return False
    if rule.sentence_exempt is not None and rule.sentence_exempt.search(norm, sent.start, sent.end):
        return False
    cstart, cend = _clause_bounds(norm, sent, pos, end)
    if rule.negatable and NEGATION.search(norm, cstart, pos):
        return False
    # A basis cited for this clause (依法) or for the whole sentence (依照《…》第…条).
    if LOCAL_BASIS.search(norm, cstart, cend) or sent.cited:
        return False
    if rule.subject is not None:
        subject = _subject(norm, sent, cstart, pos)
        if rule.subject == "private":
            # The duty rule's last trigger is the reduction-of-rights pattern.
            rights = m.re is rule.triggers[-1]
            if rights:
                # Reduction of rights: aimed at a private party, unless government is told
                # it may not ("各部门不得…").
                if subject == "gov" and m.group(0).startswith("不得"):
                    return False
                return _has_private_party(norm, sent)
            return subject == "priv"
        if rule.subject == "not_gov" and subject == "gov":
            return False
        if rule.subject == "not_gov_issuer" and m.group(0)[:2] in {"出具", "开具"}:
            # "市公安局负责出具证明" is a service; "公证机构出具的证明文书" a noun phrase.
            # Only "应当出具 / 须由街道出具" demands a certificate.
            if subject == "gov" or not _DEMAND.search(norm, cstart, pos):
                return False
    return True


def run_precheck(text: str) -> list[Finding]:
    """Scan ``text`` for R1 findings; offsets index into ``text`` as given."""
    if not text:
        return []
    norm = normalize(text)
    sentences = _sentences(norm)
    if not sentences:
        return []
    starts = [s.start for s in sentences]

    hits: dict[tuple[int, str], None] = {}
    for rule in RULES:
        for pattern in rule.triggers:
            for m in pattern.finditer(norm):
                idx = bisect_right(starts, m.start()) - 1
                if idx < 0:
                    continue
                sent = sentences[idx]
                if m.start() >= sent.end or (idx, rule.id) in hits:
                    continue
                if _accept(rule, norm, sent, m):
                    hits[(idx, rule.id)] = None

    flagged: dict[int, set[str]] = {}
    for idx, rule_id in hits:
        flagged.setdefault(idx, set()).add(rule_id)

    order = {r.id: i for i, r in enumerate(RULES)}
    by_id = {r.id: r for r in RULES}
    findings = []
    for idx in sorted(flagged):
        ids = flagged[idx]
        if "R1.duty" in ids and len(ids) > 1:
            ids = ids - {"R1.duty"}  # the specific rule says more than the catch-all
        sent = sentences[idx]
        for rule_id in sorted(ids, key=order.__getitem__):
            rule = by_id[rule_id]
            findings.append(
                Finding(
                    rule=rule.id,
                    severity=rule.severity,
                    start=sent.start,
                    end=sent.end,
                    excerpt=text[sent.start : sent.end],
                    explanation=rule.explanation,
                    basis=rule.basis,
                )
            )
    return findings
