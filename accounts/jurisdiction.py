"""Jurisdiction (R14, DESIGN §3): which organisation reviews, registers, files with and oversees
what. One read of the organisation table, then pure answers; defaults are resolved here, when
used, never frozen into the rows, so organisations may be created in any order.

- review body of an issuer: set explicitly; else for a government the justice organisation
  under it, for a department the justice organisation under its parent government; else the
  only justice organisation in the deployment (only when exactly one exists);
- registry office of an issuer: set explicitly; else the issuer itself;
- filing recipients of an issuer (R11): set explicitly; else a government files with the justice
  organisation under its parent government and the congress under itself, a department with its
  government's justice organisation;
- a drafting department drafts for itself and for its parent government;
- an overseer (监督人员) sees its own government and every organisation below it.
"""
from __future__ import annotations

import uuid
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction

from accounts.models import Organisation
from core import acts

Kind = Organisation.Kind


class Org(NamedTuple):
    """One organisation as jurisdiction reads it (a tuple: a province's tree is read every act)."""

    id: int
    kind: str
    parent_id: int | None
    review_body_id: int | None
    registry_office_id: int | None
    # what the acts of a review body read (R15): its name, letter prefix and sign-off switch
    name: str = ""
    opinion_prefix: str = ""
    signoff_required: bool = False


def _organisations() -> list[Org]:
    return [Org(*row) for row in Organisation.objects.order_by("id").values_list(
        "id", "kind", "parent_id", "review_body_id", "registry_office_id", "name", "opinion_prefix",
        "signoff_required")]


def _index(orgs: list[Org]) -> tuple[dict, dict, int | None, dict]:
    """(organisations by id, children by parent id, the only justice organisation or None, and
    a memo for answers computed over the whole tree, shared like the rest)."""
    by_id = {org.id: org for org in orgs}
    children: dict[int | None, list[int]] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org.id)
    justice = [org.id for org in orgs if org.kind == Kind.JUSTICE]
    return by_id, children, justice[0] if len(justice) == 1 else None, {}


# The tree changes when an administrator edits an organisation; it is read by every act. Each
# process keeps the indexed tree while the shared cache (Redis in production) holds the version
# it was read under; saving or deleting an organisation anywhere gives the tree a new version
# once that transaction commits (accounts.apps). Without a shared cache (the embedded default),
# another process sees a change when the version's entry expires (TREE_VERSION_SECONDS); a
# change written around the ORM (QuerySet.update, SQL) likewise.
TREE_VERSION_KEY = "accounts:organisation-tree:version"
TREE_VERSION_SECONDS = 300
_kept: tuple[str, tuple] | None = None


def _tree() -> tuple:
    global _kept
    try:
        version = cache.get(TREE_VERSION_KEY)
        if version is None:
            cache.add(TREE_VERSION_KEY, uuid.uuid4().hex, timeout=TREE_VERSION_SECONDS)
            version = cache.get(TREE_VERSION_KEY)
    except Exception:  # the cache is down: read the table, as without one
        version = None
    kept = _kept
    if version is not None and kept is not None and kept[0] == version:
        return kept[1]
    index = _index(_organisations())
    if version is not None:
        _kept = (version, index)
    return index


def tree_changed(**_) -> None:
    """An organisation was written: every process reads the tree again (after this commit)."""
    global _kept
    _kept = None

    def bump():
        try:
            cache.set(TREE_VERSION_KEY, uuid.uuid4().hex, timeout=TREE_VERSION_SECONDS)
        except Exception:  # the cache is down: the other processes read the table anyway
            pass

    transaction.on_commit(bump)
    bump()  # and at once, for this process's next act in the same transaction


def forget_tree() -> None:
    """This process reads the tree again at its next act (tests, after a rollback)."""
    global _kept
    _kept = None
    try:
        cache.delete(TREE_VERSION_KEY)
    except Exception:
        pass


class Jurisdiction:
    """A snapshot of the organisation tree: one query, made on the first question asked, and
    shared by every snapshot taken within the same act or request (core.acts); between acts,
    kept per process while the tree's version stands (``_tree``)."""

    def __init__(self, orgs: list[Org] | None = None):
        self._orgs = orgs
        self._loaded = False

    def _load(self):
        if self._orgs is None:  # read and indexed once per act or request (core.acts)
            self._by_id, self._children, self._only, self._memo = acts.once("accounts.jurisdiction", _tree)
        else:
            self._by_id, self._children, self._only, self._memo = _index(self._orgs)
        self._loaded = True

    @property
    def by_id(self) -> dict[int, Org]:
        if not self._loaded:
            self._load()
        return self._by_id

    @property
    def children(self) -> dict[int | None, list[int]]:
        if not self._loaded:
            self._load()
        return self._children

    @property
    def _only_justice(self) -> int | None:
        if not self._loaded:
            self._load()
        return self._only

    # --- the tree -------------------------------------------------------------------------
    def government_of(self, org_id: int | None) -> int | None:
        """The government an organisation belongs to: itself if it is one, else the nearest
        government above it."""
        seen = set()
        while org_id is not None and org_id not in seen:
            seen.add(org_id)
            org = self.by_id.get(org_id)
            if org is None:
                return None
            if org.kind == Kind.OFFICE:
                return org_id
            org_id = org.parent_id
        return None

    def subtree(self, root_id: int) -> set[int]:
        out, stack = set(), [root_id]
        while stack:
            org_id = stack.pop()
            if org_id in out:
                continue
            out.add(org_id)
            stack.extend(self.children.get(org_id, ()))
        return out

    def _child_of_kind(self, parent_id: int | None, kind: str) -> int | None:
        if parent_id is None:
            return None
        found = [c for c in self.children.get(parent_id, ()) if self.by_id[c].kind == kind]
        return found[0] if len(found) == 1 else None

    # --- R14: review and registry ------------------------------------------------------------
    def review_body_of(self, issuer_id: int) -> int | None:
        issuer = self.by_id.get(issuer_id)
        if issuer is None:
            return None
        if issuer.review_body_id:
            return issuer.review_body_id
        if issuer.kind == Kind.OFFICE:
            own = self._child_of_kind(issuer.id, Kind.JUSTICE)
        else:
            own = self._child_of_kind(issuer.parent_id, Kind.JUSTICE)
        return own or self._only_justice

    def registry_office_of(self, issuer_id: int) -> int | None:
        issuer = self.by_id.get(issuer_id)
        if issuer is None:
            return None
        return issuer.registry_office_id or issuer.id

    def issuers_reviewed_by(self, body_id: int | None) -> set[int]:
        if body_id is None:
            return set()
        return set(self._inverse("reviewed_by", self.review_body_of).get(body_id, ()))

    def issuers_registered_by(self, office_id: int | None) -> set[int]:
        if office_id is None:
            return set()
        return set(self._inverse("registered_by", self.registry_office_of).get(office_id, ()))

    def _inverse(self, name, answer) -> dict[int, set[int]]:
        """{body: the issuers ``answer`` maps to it}, computed once per snapshot (a question per
        organisation of a province is thousands of calls)."""
        if not self._loaded:
            self._load()
        if name not in self._memo:
            inverse: dict[int, set[int]] = {}
            for org_id in self.by_id:
                target = answer(org_id)
                if target is not None:
                    inverse.setdefault(target, set()).add(org_id)
            self._memo[name] = inverse
        return self._memo[name]

    # --- drafting and oversight -------------------------------------------------------------
    def issuers_drafted_for_by(self, org_id: int | None) -> set[int]:
        """A department drafts for itself and for the government it belongs to."""
        org = self.by_id.get(org_id)
        if org is None:
            return set()
        out = {org.id}
        if org.parent_id is not None and self.by_id[org.parent_id].kind == Kind.OFFICE:
            out.add(org.parent_id)
        return out

    def overseen_by(self, org_id: int | None) -> set[int]:
        """An overseer's own government and everything below it (or, for an oversight body
        placed under no government, its own subtree)."""
        if org_id not in self.by_id:
            return set()
        return self.subtree(self.government_of(org_id) or org_id)

    # --- R11: filing recipients -------------------------------------------------------------
    def explicit_filing_recipients(self, issuer_id: int) -> list[int]:
        """The bodies set for ``issuer_id`` (``files_with``), read once per tree version: the
        tree's version moves when they change (accounts.apps), and with it this memo."""
        if not self._loaded:
            self._load()
        if "files_with" not in self._memo:
            files_with: dict[int, list[int]] = {}
            through = Organisation.files_with.through.objects.order_by("to_organisation_id")
            for issuer, recipient in through.values_list("from_organisation_id", "to_organisation_id"):
                files_with.setdefault(issuer, []).append(recipient)
            self._memo["files_with"] = files_with
        return list(self._memo["files_with"].get(issuer_id, ()))

    def default_filing_recipients(self, issuer_id: int) -> list[int]:
        issuer = self.by_id.get(issuer_id)
        if issuer is None:
            return []
        if issuer.kind == Kind.OFFICE:
            above = self.government_of(issuer.parent_id)
            candidates = [self._child_of_kind(above, Kind.JUSTICE), self._child_of_kind(issuer.id, Kind.CONGRESS)]
        else:
            candidates = [self._child_of_kind(self.government_of(issuer.parent_id), Kind.JUSTICE)]
        return [c for c in candidates if c is not None]


def filing_recipients(issuer: Organisation) -> list[int]:
    """R11: the ids of the bodies ``issuer`` files with (explicit, else the default)."""
    j = Jurisdiction()
    return j.explicit_filing_recipients(issuer.pk) or j.default_filing_recipients(issuer.pk)
