from django.apps import AppConfig


class WebConfig(AppConfig):
    """The pages of every role and the public portal. It sits above review and registry (its
    action forms call both apps' services), which is why pages are not in review/ itself."""

    name = "web"
    verbose_name = "页面"
