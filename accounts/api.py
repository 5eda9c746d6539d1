"""POST /api/auth/token/ {username, password} → {"token": "..."} (DESIGN §4); a new token at
each log-in, valid API_TOKEN_TTL_HOURS (accounts.authentication). POST /api/auth/token/revoke/
ends the caller's token (204).

DRF's own view authenticates with its wrapped request, which django-axes cannot see; this one
passes Django's request, so that failed logins are counted and a locked account says so (429)."""
from django.contrib.auth import authenticate
from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import error_body
from core.errors import InvalidInput


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ObtainToken(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(request=Credentials, responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
                   operation_id="auth_token_create")
    def post(self, request):
        data = Credentials(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, **data.validated_data)
        if getattr(request._request, "axes_locked_out", False):
            return Response(error_body("too_many_attempts",
                                       "登录失败次数过多，账号已暂时锁定，请30分钟后再试或联系管理员"), status=429)
        if user is None or not user.is_active:
            raise InvalidInput("用户名或密码错误")
        with transaction.atomic():  # a new token at each log-in: the old one stops working
            Token.objects.filter(user=user).delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})


class RevokeToken(APIView):
    """Log out of the API: the caller's token stops working at once."""

    @extend_schema(request=None, responses={204: None}, operation_id="auth_token_revoke")
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
