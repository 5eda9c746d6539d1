"""Error pages: JSON in the API's format under /api/, a page in Chinese elsewhere."""
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import api


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


def service_unavailable(request):
    if request.path.startswith("/api/"):
        response = api.json_response(api.error_body("service_unavailable", "系统暂时无法访问数据库，请稍后重试"), 503)
    else:
        # A page that needs no database: the usual header reads the user and the inbox.
        response = render(request, "web/unavailable.html", {
            "status": 503, "title": _("Temporarily unavailable"),
            "message": _("The database cannot be reached at the moment. Nothing was changed; please try again shortly.")},
            status=503)
    response["Retry-After"] = "5"
    return response


def locked_out(request, credentials=None, *args, **kwargs):
    """django-axes: too many wrong passwords (429, in the API's format or as a page)."""
    message = "登录失败次数过多，账号已暂时锁定，请30分钟后再试或联系管理员"
    if request.path.startswith("/api/"):
        return api.json_response(api.error_body("too_many_attempts", message), 429)
    return _page(request, 429, _("Too many attempts"), message)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form's security token is missing or stale (often an expired page)."""
    message = "安全校验（CSRF）失败：页面可能已过期，请刷新页面后重新提交。"
    if request.path.startswith("/api/"):
        return api.json_response(api.error_body("csrf_failed", "安全校验（CSRF）失败，请刷新页面后重试"), 403)
    return _page(request, 403, "安全校验失败", message)
