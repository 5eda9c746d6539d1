"""The append-only, hash-chained transition history (tamper-evident audit log, DESIGN §7).

Each row's ``hash`` is SHA-256 over the previous row's hash and the row's own content, so an
edit of any row (even by raw SQL) breaks the chain from that row on; ``verify_chain`` finds it
in one pass. Appends are serialised by locking the single ``HistoryHead`` row: it is taken last
in a transition's transaction, after the document's lock, so no two transactions wait on each
other in a cycle.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.utils import timezone

from review.models import History, HistoryHead, Version, content_hash

GENESIS = "0" * 64


def row_digest(prev_hash, *, seq, document_id, action, from_state, to_state, actor_id, at,
               opinion, version_id) -> str:
    content = json.dumps(
        [seq, document_id, action, from_state, to_state, actor_id,
         at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"), opinion, version_id],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()


def append(*, document, action, from_state, to_state, actor=None, opinion="", version=None) -> History:
    head = HistoryHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # a flushed database (migration 0002 creates it); concurrent creators agree
        HistoryHead.objects.bulk_create([HistoryHead(pk=1)], ignore_conflicts=True)
        head = HistoryHead.objects.select_for_update().get(pk=1)
    fields = dict(
        seq=head.seq + 1, document_id=document.pk, action=action, from_state=str(from_state),
        to_state=str(to_state), actor_id=actor.pk if actor else None,
        at=timezone.now(),
        opinion=opinion or "", version_id=version.pk if version else None,
    )
    digest = row_digest(head.hash, **fields)
    row = History.objects.create(prev_hash=head.hash, hash=digest, **fields)
    head.seq, head.hash = row.seq, digest
    head.save(update_fields=["seq", "hash"])
    return row


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    rows: int
    broken_seq: int | None = None
    reason: str = ""


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the whole log once, in ``seq`` order, streaming; report the first broken row."""
    prev, expected_seq, count = GENESIS, 1, 0
    rows = History.objects.order_by("seq").values_list(
        "seq", "document_id", "action", "from_state", "to_state", "actor_id", "at", "opinion",
        "version_id", "prev_hash", "hash",
    ).iterator(chunk_size=batch_size)
    for seq, doc_id, action, from_state, to_state, actor_id, at, opinion, version_id, prev_hash, digest in rows:
        count += 1
        if seq != expected_seq:
            return ChainReport(False, count, seq, f"第{expected_seq}条记录缺失")
        if prev_hash != prev:
            return ChainReport(False, count, seq, "前一条记录的哈希不符")
        recomputed = row_digest(prev, seq=seq, document_id=doc_id, action=action,
                                from_state=from_state, to_state=to_state, actor_id=actor_id,
                                at=at, opinion=opinion, version_id=version_id)
        if recomputed != digest:
            return ChainReport(False, count, seq, "记录内容与哈希不符（已被篡改）")
        prev, expected_seq = digest, seq + 1
    head = HistoryHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head and count and (head[0] != expected_seq - 1 or head[1] != prev):
        return ChainReport(False, count, head[0], "链尾记录缺失")
    swapped = first_swapped_text(batch_size)
    if swapped is not None:
        return ChainReport(False, count, *swapped)
    return ChainReport(True, count)


def first_swapped_text(batch_size: int = 2000) -> tuple[int, str] | None:
    """The log names text versions by id; a version whose stored text no longer hashes to its
    sha256 was replaced under that id (issue 17). Returns (the first seq naming it, the reason)."""
    logged = History.objects.filter(version__isnull=False).values("version_id")
    versions = (Version.objects.filter(pk__in=logged).order_by("pk")
                .values_list("pk", "document_id", "number", "body", "sha256").iterator(chunk_size=batch_size))
    for pk, document_id, number, body, sha256 in versions:
        if content_hash(body) != sha256:
            seq = History.objects.filter(version_id=pk).order_by("seq").values_list("seq", flat=True).first()
            return seq, f"文件{document_id}的文本版本v{number}与其哈希不符（正文已被替换）"
    return None
