from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.calendar import forget_holiday_overrides
        from core.models import HolidayOverride

        for signal in (post_save, post_delete):
            signal.connect(forget_holiday_overrides, sender=HolidayOverride, dispatch_uid=f"holidays-{signal}")
