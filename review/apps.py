from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "起草与合法性审核"
