"""API tokens that expire (issue 17): a token older than API_TOKEN_TTL_HOURS (default 12, a
working day and a half) is refused with 401 ``token_expired`` and deleted; each log-in issues a
new token (the old one stops working); POST /api/auth/token/revoke/ ends the caller's token."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework import authentication
from rest_framework.authentication import TokenAuthentication


class TokenExpired(exceptions.APIException):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "token_expired"
    default_detail = "登录凭据已过期，请重新登录"


def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "API_TOKEN_TTL_HOURS", 12)))


def is_expired(token) -> bool:
    return token.created < timezone.now() - token_ttl()


class CsrfFailed(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "csrf_failed"
    default_detail = "安全校验（CSRF）失败，请刷新页面后重试"


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, with its CSRF refusal as ``csrf_failed`` in Chinese (DRF's says "CSRF Failed: …")."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfFailed()


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            token.delete()
            raise TokenExpired()
        return user, token


# The OpenAPI schema describes our session authentication as drf-spectacular describes DRF's.
from drf_spectacular.authentication import SessionScheme  # noqa: E402


class _SessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"
