"""Accounting for every public comment (R4, DESIGN §7): identical or near-identical mass
comments are counted once with their count, and the adoption summary is written from the
dispositions, never by hand."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_NOISE = re.compile(r"[\W_]+", re.UNICODE)
NEAR_IDENTICAL = 0.85  # Jaccard similarity of character trigrams


def normalise(text: str) -> str:
    """Full-width to half-width, punctuation and spaces out: what a copied comment keeps."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def _trigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 3] for i in range(max(1, len(text) - 2)))


@dataclass
class CommentGroup:
    representative: object  # the first comment of the group
    members: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.members)


def group_comments(comments) -> list[CommentGroup]:
    """Groups in order of first appearance. Exact copies (after ``normalise``) are matched by
    dictionary; the rest are compared with each group's representative only, so a campaign of
    thousands of copies costs one comparison per distinct group, not per pair."""
    groups: list[CommentGroup] = []
    by_text: dict[str, CommentGroup] = {}
    shingles: list[frozenset[str]] = []
    for comment in comments:
        key = normalise(comment.body)
        group = by_text.get(key)
        if group is None:
            grams = _trigrams(key)
            for candidate, candidate_grams in zip(groups, shingles):
                union = len(grams | candidate_grams)
                if union and len(grams & candidate_grams) / union >= NEAR_IDENTICAL:
                    group = candidate
                    break
            if group is None:
                group = CommentGroup(comment)
                groups.append(group)
                shingles.append(grams)
            by_text[key] = group
        group.members.append(comment)
    return groups


def adoption_summary(comments) -> str:
    """征求意见采纳情况: counts from the dispositions, de-duplicated."""
    from review.models import PublicComment

    comments = list(comments)
    if not comments:
        return "公开征求意见期间未收到意见。"
    groups = group_comments(comments)
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
