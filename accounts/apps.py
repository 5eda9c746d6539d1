from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "机构与用户"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from accounts.jurisdiction import tree_changed
        from accounts.models import Organisation

        # the organisation tree every act reads (accounts.jurisdiction) has changed
        post_save.connect(tree_changed, sender=Organisation, dispatch_uid="organisation-tree-saved")
        post_delete.connect(tree_changed, sender=Organisation, dispatch_uid="organisation-tree-deleted")
        m2m_changed.connect(tree_changed, sender=Organisation.files_with.through, dispatch_uid="organisation-tree-m2m")
