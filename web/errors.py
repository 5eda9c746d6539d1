"""Error pages: JSON in the API's format under /api/, a page in Chinese elsewhere."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from review.api import exceptions as api


def _page(request, status, title, message):
    return render(request, "web/error.html", {"status": status, "title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return api.json_400(request, exception)
    return _page(request, 400, _("Bad request"), _("The request was not valid. Please go back and try again."))


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return api.json_403(request, exception)
    message = str(exception) if exception and str(exception) else _("You may not open this page.")
    return _page(request, 403, _("Access denied"), message)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return api.json_404(request, exception)
    return _page(request, 404, _("Page not found"), _("The page does not exist or has been removed."))


def server_error(request):
    if request.path.startswith("/api/"):
        return api.json_500(request)
    return _page(request, 500, _("System error"), _("The system could not complete the request. Please try again later."))
