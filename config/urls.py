from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/", include("registry.api.urls")),
    path("api/", include("review.api.urls")),
    path("api/", include("notifications.urls")),
]

handler400 = "review.api.exceptions.json_400"
handler403 = "review.api.exceptions.json_403"
handler404 = "review.api.exceptions.json_404"
handler500 = "review.api.exceptions.json_500"
