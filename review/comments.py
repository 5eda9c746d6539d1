"""Accounting for every public comment (R4, DESIGN §7): identical or near-identical mass
comments are counted once with their count, and the adoption summary is written from the
dispositions, never by hand.

Grouping scales (issue 17): each comment is placed in its group once, when it arrives
(``file_comment``), and the group is stored on the row (``group_key``: the id of the group's
first comment; ``signature``: its MinHash band keys). Reports and pages read the stored keys —
one pass, no comparison. Placing a comment compares it only with the groups that share a band
of its MinHash signature (locality-sensitive hashing), then checks the real similarity (Jaccard
of character trigrams ≥ NEAR_IDENTICAL) with each candidate's first comment: near-linear instead
of every pair.
"""
from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
NEAR_IDENTICAL = 0.85  # Jaccard similarity of character trigrams

# MinHash with BANDS bands of ROWS hashes: two texts of similarity 0.85 share a band with
# probability 1 - (1 - 0.85**3)**10 > 0.9999; unrelated texts (similarity ~0.1) almost never.
BANDS, ROWS = 10, 3


def normalise(text: str) -> str:
    """Full-width to half-width, punctuation and spaces out: what a copied comment keeps."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _trigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 3] for i in range(max(1, len(text) - 2)))


def _jaccard(a: frozenset, b: frozenset) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 1.0


def _hashes(gram: str) -> tuple[int, ...]:
    """32 independent 32-bit hashes of one trigram (two BLAKE2b digests; stable across processes)."""
    data = gram.encode("utf-8")
    return (struct.unpack("<16I", hashlib.blake2b(data, digest_size=64).digest())
            + struct.unpack("<16I", hashlib.blake2b(data, digest_size=64, person=b"minhash2").digest()))


def band_keys(grams: frozenset[str]) -> list[str]:
    """The MinHash signature of a set of trigrams, as BANDS short band keys."""
    minima = [min(column) for column in zip(*map(_hashes, grams))]
    keys = []
    for band in range(BANDS):
        rows = minima[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<{ROWS}I", *rows), digest_size=5).hexdigest()
        keys.append(f"{band}{digest}")
    return keys


def signature(body: str) -> str:
    return " ".join(band_keys(_trigrams(normalise(body))))


@dataclass
class CommentGroup:
    representative: object  # the first comment of the group
    members: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)


class Grouper:
    """Places texts in groups in order of arrival, in memory (the data migration, and comments
    that have no stored group yet)."""

    def __init__(self):
        self.by_text: dict[str, object] = {}
        self.by_band: dict[str, list[int]] = defaultdict(list)
        self.representatives: list[tuple[object, frozenset]] = []

    def place(self, key, body: str) -> tuple[object, str]:
        """(the group key for this text, its signature); ``key`` starts a new group."""
        text = normalise(body)
        grams = _trigrams(text)
        bands = band_keys(grams)
        group = self.by_text.get(text)
        if group is None:
            for index in sorted({i for band in bands for i in self.by_band.get(band, ())}):
                candidate, candidate_grams = self.representatives[index]
                if _jaccard(grams, candidate_grams) >= NEAR_IDENTICAL:
                    group = candidate
                    break
        if group is None:
            group = key
            for band in bands:
                self.by_band[band].append(len(self.representatives))
            self.representatives.append((key, grams))
        self.by_text[text] = group
        return group, " ".join(bands)


def file_comment(comment) -> None:
    """Place a newly saved comment in its group (once; called by ``services.comment_create`` in
    its transaction, after locking the document so that two copies arriving together agree)."""
    from django.db.models import F

    from review.models import PublicComment

    text = normalise(comment.body)
    grams = _trigrams(text)
    bands = band_keys(grams)
    wanted = set(bands)
    firsts = (PublicComment.objects.filter(document_id=comment.document_id, group_key=F("pk"))
              .exclude(pk=comment.pk).order_by("created_at", "id").values_list("pk", "signature"))
    candidates = [pk for pk, sig in firsts if sig and not wanted.isdisjoint(sig.split())]
    group = None
    if candidates:
        bodies = dict(PublicComment.objects.filter(pk__in=candidates).values_list("pk", "body"))
        for pk in candidates:
            other = normalise(bodies[pk])
            if other == text or _jaccard(grams, _trigrams(other)) >= NEAR_IDENTICAL:
                group = pk
                break
    comment.signature, comment.group_key = " ".join(bands), group or comment.pk
    PublicComment.objects.filter(pk=comment.pk).update(signature=comment.signature, group_key=comment.group_key)


def group_comments(comments) -> list[CommentGroup]:
    """Groups in order of first appearance, from the stored group keys (one pass). Comments that
    have none (not yet placed) are grouped here, in memory, by the same method."""
    comments = list(comments)
    if any(getattr(c, "group_key", None) is None for c in comments):
        grouper = Grouper()
        keys = [grouper.place(c, c.body)[0] for c in comments]
    else:
        keys = [c.group_key for c in comments]
    groups: dict[object, CommentGroup] = {}
    for comment, key in zip(comments, keys):
        group = groups.get(key)
        if group is None:
            group = groups[key] = CommentGroup(comment)
        group.members.append(comment)
    return list(groups.values())


def adoption_summary(comments, groups: list[CommentGroup] | None = None) -> str:
    """征求意见采纳情况: counts from the dispositions, de-duplicated."""
    from review.models import PublicComment

    comments = list(comments)
    if not comments:
        return "公开征求意见期间未收到意见。"
    groups = group_comments(comments) if groups is None else groups
    counts = {d: 0 for d in PublicComment.Disposition.values}
    for group in groups:
        disposition = group.representative.disposition
        if disposition in counts:
            counts[disposition] += 1
    labels = dict(PublicComment.Disposition.choices)
    parts = [f"{labels[d]}{n}条" for d, n in counts.items() if n]
    mass = [g for g in groups if g.count > 1]
    text = f"公开征求意见期间共收到意见{len(comments)}条，合并相同或相近意见后为{len(groups)}条"
    if mass:
        text += f"（其中{len(mass)}条意见由多人重复提出，共{sum(g.count for g in mass)}人次）"
    return text + "；" + "，".join(parts) + "。" if parts else text + "。"
