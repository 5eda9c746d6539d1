"""The append-only, hash-chained history (tamper-evident audit log, DESIGN §7; issue 19).

Two chains, so that no act waits on another document's act:

- **Per document.** Each row carries its place in its document's chain (``position`` 1, 2, …)
  and ``hash`` = SHA-256 over the previous row's hash and the row's own content. The head (how
  many rows, the last hash) lives on the document's own row, which the act has locked anyway
  and writes in the same UPDATE as its change of state. Appending costs one INSERT and takes no
  lock beyond the document's: two acts on two documents never wait on each other.
- **Seals over the global order.** ``seq`` comes from the database's sequence. ``seal_pending``
  (a periodic task, and the first thing ``verify_chain`` does) hashes every not yet sealed row's
  ``(seq, hash)`` in ``seq`` order, chained to the previous seal, into an ``AuditSeal``. Rows
  deleted, inserted or reordered inside a sealed batch change what it hashes to.

``verify_chain`` seals what is pending, then walks every document's chain (an edited row, a
deleted one, a row moved within its document, a cut-off tail against the head on the document's
row), then every seal (deletion, insertion, reordering across documents, truncation of sealed
rows). The unsealed tail is bounded by the sealer's period (AUDIT_SEAL_SECONDS, settings); within
it a row's content and its place in its document are protected already, only the interleaving
of different documents' rows is not yet.

The sealer never reads a range that a transaction still writing could fall into: on PostgreSQL
it takes a SHARE lock on the history table for the instant it reads ``max(seq)`` (it waits for
the acts in flight to commit, and new acts wait those few milliseconds), then hashes outside it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.errors import ConcurrentChange
from review.models import AuditSeal, Document, History, Version, content_hash

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


def row_digest(prev_hash, *, document_id, position, action, from_state, to_state, actor_id, at,
               opinion, version_id) -> str:
    content = json.dumps(
        [document_id, position, action, from_state, to_state, actor_id,
         at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds"), opinion, version_id],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}|{content}".encode()).hexdigest()


def entry(*, document, action, from_state, to_state, actor=None, opinion="", version=None) -> History:
    """The next row of ``document``'s chain (not saved), and the head advanced on ``document``
    in memory: the caller's UPDATE of the document writes the head (``proceed`` does).
    ``version`` is a text version or its id."""
    fields = dict(
        document_id=document.pk, position=document.history_position + 1, action=action,
        from_state=str(from_state), to_state=str(to_state), actor_id=actor.pk if actor else None,
        at=timezone.now(), opinion=opinion or "", version_id=getattr(version, "pk", version),
    )
    digest = row_digest(document.history_hash, **fields)
    row = History(prev_hash=document.history_hash, hash=digest, **fields)
    document.history_position, document.history_hash = row.position, digest
    return row


def append(*, document, action, from_state, to_state, actor=None, opinion="", version=None) -> History:
    """Append a row for an act that does not otherwise write the document's row: the head is
    read under the document's row lock (the caller's instance may be older than the head), moved,
    and the row inserted. Only this document's acts wait for it."""
    head = (Document.objects.select_for_update().filter(pk=document.pk)
            .values_list("history_position", "history_hash").first())
    if head is None:
        raise ConcurrentChange("该文件刚被他人处理，请刷新后重试")
    document.history_position, document.history_hash = head
    row = entry(document=document, action=action, from_state=from_state, to_state=to_state, actor=actor,
                opinion=opinion, version=version)
    Document.objects.filter(pk=document.pk).update(history_position=document.history_position,
                                                   history_hash=document.history_hash)
    row.save(force_insert=True)
    return row


# --- sealing ------------------------------------------------------------------------------
def _horizon(attempts: int = 20) -> int | None:
    """The highest ``seq`` below which no row can still appear (None: the lock was not had).

    The sealer waits for the table at most AUDIT_SEAL_LOCK_TIMEOUT_MS at a time (less than
    PostgreSQL's deadlock_timeout, so that an act queued behind it is never chosen as a
    deadlock's victim: the sealer gives up first) and tries again a few times."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # set_config, not SET: a parameter binds on the server only in an expression
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(settings.AUDIT_SEAL_LOCK_TIMEOUT_MS)}ms"])
            for attempt in range(attempts):
                try:
                    with transaction.atomic():
                        cursor.execute("LOCK TABLE review_history IN SHARE MODE")
                    break
                except DatabaseError:
                    time.sleep(0.05 * (attempt + 1))
            else:
                logger.warning("audit seal: the history table stayed busy; sealing later")
                return None
        cursor.execute("SELECT max(seq) FROM review_history")
        return cursor.fetchone()[0] or 0


def _seal_digest(prev_hash: str, rows) -> tuple[str, int, int | None, int | None]:
    """(digest, count, first seq, last seq) of (seq, hash) rows in seq order."""
    digest = hashlib.sha256(prev_hash.encode())
    count, first, last = 0, None, None
    for seq, row_hash in rows:
        digest.update(f"|{seq}:{row_hash}".encode())
        count += 1
        first = seq if first is None else first
        last = seq
    return digest.hexdigest(), count, first, last


def _after(seq):
    """The rows after ``seq``; after None, every row (the first seal has no lower bound, so that
    no row can hide below it, whatever its number)."""
    return History.objects.all() if seq is None else History.objects.filter(seq__gt=seq)


def seal_pending(*, batch_size: int = 5000) -> AuditSeal | None:
    """Seal every row up to the horizon that no seal covers yet; returns the new seal."""
    horizon = _horizon()
    if horizon is None:
        return None
    with transaction.atomic():
        if connection.vendor == "postgresql":  # one sealer at a time (a task and a verify may overlap)
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE review_auditseal IN EXCLUSIVE MODE")
        last = AuditSeal.objects.order_by("-last_seq").values_list("last_seq", "hash").first()
        after, prev = last if last else (None, GENESIS)
        rows = (_after(after).filter(seq__lte=horizon).order_by("seq")
                .values_list("seq", "hash").iterator(chunk_size=batch_size))
        digest, count, first, last_seq = _seal_digest(prev, rows)
        if not count:
            return None
        seal = AuditSeal.objects.create(last_seq=last_seq, first_seq=first, rows=count, prev_hash=prev, hash=digest)
    # An anchor outside the database: the log shipped elsewhere keeps every seal's hash, so that
    # a rewrite of the whole table (seals included) can be told from the record.
    logger.info("audit seal up to seq %s: %s rows, %s", last_seq, count, digest)
    return seal


# --- verifying ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainReport:
    intact: bool
    rows: int
    broken_seq: int | None = None
    reason: str = ""
    seals: int = 0


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Seal what is pending, then check every document's chain, every seal and every logged
    text version; report the first break found."""
    seal_pending(batch_size=batch_size)
    report = _verify_documents(batch_size)
    if report is not None:
        return report
    count, report = _verify_seals(batch_size)
    if report is not None:
        return report
    swapped = first_swapped_text(batch_size)
    if swapped is not None:
        return ChainReport(False, count, *swapped)
    return ChainReport(True, count, seals=AuditSeal.objects.count())


def _verify_documents(batch_size) -> ChainReport | None:
    rows = History.objects.order_by("document_id", "position").values_list(
        "seq", "document_id", "position", "action", "from_state", "to_state", "actor_id", "at", "opinion",
        "version_id", "prev_hash", "hash", "document__history_position", "document__history_hash",
    ).iterator(chunk_size=batch_size)
    count, current, prev, expected, head, last_seq = 0, None, GENESIS, 1, None, None

    def tail_matches():
        return current is None or head == (expected - 1, prev)

    for (seq, doc_id, position, action, from_state, to_state, actor_id, at, opinion, version_id, prev_hash, digest,
         head_position, head_hash) in rows:
        count += 1
        if doc_id != current:
            if not tail_matches():
                return ChainReport(False, count, last_seq, f"文件{current}的最后{head[0] - expected + 1}条操作记录缺失")
            current, prev, expected, head = doc_id, GENESIS, 1, (head_position, head_hash)
        if position != expected:
            return ChainReport(False, count, seq, f"文件{doc_id}的第{expected}条操作记录缺失")
        if prev_hash != prev:
            return ChainReport(False, count, seq, "前一条记录的哈希不符")
        recomputed = row_digest(prev, document_id=doc_id, position=position, action=action, from_state=from_state,
                                to_state=to_state, actor_id=actor_id, at=at, opinion=opinion, version_id=version_id)
        if recomputed != digest:
            return ChainReport(False, count, seq, "记录内容与哈希不符（已被篡改）")
        prev, expected, last_seq = digest, expected + 1, seq
    if not tail_matches():
        return ChainReport(False, count, last_seq, f"文件{current}的最后{head[0] - expected + 1}条操作记录缺失")
    emptied = (Document.objects.filter(history_position__gt=0).exclude(history__isnull=False)
               .values_list("pk", flat=True).first())
    if emptied is not None:
        return ChainReport(False, count, None, f"文件{emptied}的操作记录全部缺失")
    return None


def _verify_seals(batch_size) -> tuple[int, ChainReport | None]:
    prev, after, count, number = GENESIS, None, 0, 0
    for seal in AuditSeal.objects.order_by("last_seq").iterator(chunk_size=1000):
        number += 1
        rows = (_after(after).filter(seq__lte=seal.last_seq).order_by("seq")
                .values_list("seq", "hash").iterator(chunk_size=batch_size))
        digest, rows_seen, first, _ = _seal_digest(prev, rows)
        count += rows_seen
        where = f"第{number}批封存记录（序号{seal.first_seq}至{seal.last_seq}）"
        if seal.prev_hash != prev:
            return count, ChainReport(False, count, seal.first_seq, f"{where}与上一批的封存哈希不相接（封存记录被删改）")
        if rows_seen != seal.rows or digest != seal.hash:
            return count, ChainReport(False, count, first or seal.first_seq,
                                      f"{where}与封存哈希不符（记录被删除、插入或调换了顺序）")
        prev, after = seal.hash, seal.last_seq
    count += _after(after).count()  # in flight when sealing began
    return count, None


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
