"""Django's CommonMiddleware, except that an API write to a path without its final slash is not
redirected (issue 17): a 301 would drop the body (and with DEBUG on, Django raises a 500).
It falls through to the 404 in the API's error format; GET and HEAD are still redirected."""
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware


class CommonMiddleware(DjangoCommonMiddleware):
    def should_redirect_with_slash(self, request):
        if request.path_info.startswith("/api/") and request.method not in ("GET", "HEAD"):
            return False
        return super().should_redirect_with_slash(request)
