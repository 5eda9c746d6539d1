from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.api import ObtainToken, RevokeToken

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/auth/token/", ObtainToken.as_view(), name="api-token"),
    path("api/auth/token/revoke/", RevokeToken.as_view(), name="api-token-revoke"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/", include("registry.api.urls")),
    path("api/", include("review.api.urls")),
    path("api/", include("notifications.urls")),
    path("", include("web.urls")),
]

handler400 = "web.errors.bad_request"
handler403 = "web.errors.forbidden"
handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
