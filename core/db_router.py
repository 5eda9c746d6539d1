"""The database router (settings.DATABASE_ROUTERS): writes, migrations and every read outside a
view's opt-in go to ``default``; reads inside ``core.replica.reads_from_replica`` may go to the
``replica`` alias (core.replica decides). Without DATABASE_REPLICA_URL it always says default."""
from core import replica


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return replica.replica_alias(model) or "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both: an object read from the replica may be saved to the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's WAL, schema included
