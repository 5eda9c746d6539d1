"""Saving only the columns that changed (issue 19).

A model's ``save()`` writes every column: for the document's 48, turning each value into its
database form and compiling them into the UPDATE cost more Python than the rest of the act's
write (the acts of the lifecycle save the document's row five times). ``SavesChangedFields``
remembers the values an instance was read with (``from_db``, as Django's documentation suggests)
and, when ``save()`` is called without ``update_fields``, writes only the columns whose values
differ, with the ``auto_now`` columns (``updated_at``) as a whole save would. A value that can
change in place (a list or a dict: a JSON column) is always written. An instance that was not
read from the database (a new one, or a copy whose key changed) is saved whole, as is a save
with ``force_insert``, ``update_fields`` of its own or into another database. After a save the
written values are the remembered ones.

Put the mixin first among a model's bases (``class Document(SavesChangedFields,
ConcurrentTransitionMixin, models.Model)``), so that django-fsm's concurrency check and Django's
save run with the narrowed ``update_fields``.
"""
from __future__ import annotations

_MUTABLE = (list, dict)


class SavesChangedFields:
    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded = (instance.pk, field_names, values)
        return instance

    def changed_fields(self) -> list[str] | None:
        """The attnames to write, or None for a whole save (the instance was not read, or is
        being saved under another key)."""
        loaded = self.__dict__.get("_loaded")
        if loaded is None or self._state.adding or loaded[0] != self.pk:
            return None
        _, names, values = loaded
        current = self.__dict__
        meta = self._meta
        pk_name = meta.pk.attname
        changed = []
        for name, old in zip(names, values):
            if name == pk_name:
                continue
            new = current.get(name, old)
            if isinstance(new, _MUTABLE) or isinstance(old, _MUTABLE) or (new is not old and new != old):
                changed.append(name)
        if len(names) < len(meta.concrete_fields):  # read with fields deferred: any set since count
            read = set(names)
            changed += [f.attname for f in meta.concrete_fields
                        if f.attname not in read and f.attname in current and not f.primary_key]
        # as a whole save would (and so a save with nothing changed still bumps updated_at)
        changed += [f.attname for f in _auto_now(type(self)) if f.attname not in changed]
        return changed

    def save(self, *args, **kwargs):
        if (not args and kwargs.get("update_fields") is None and not kwargs.get("force_insert")
                and kwargs.get("using") in (None, self._state.db) and (fields := self.changed_fields()) is not None):
            if not fields:
                return  # nothing to write (Django skips a save with no update_fields too)
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)
        current = self.__dict__
        names = [f.attname for f in self._meta.concrete_fields if f.attname in current]
        self._loaded = (self.pk, names, [current[name] for name in names])


_auto_now_fields: dict[type, tuple] = {}


def _auto_now(model):
    fields = _auto_now_fields.get(model)
    if fields is None:
        fields = _auto_now_fields[model] = tuple(f for f in model._meta.concrete_fields
                                                 if getattr(f, "auto_now", False))
    return fields
