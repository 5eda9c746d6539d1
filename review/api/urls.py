from django.urls import path
from rest_framework.routers import DefaultRouter

from review.api import opinions
from review.api import file_views
from review.api.views import DocumentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = router.urls + [
    path("opinions/", opinions.OpinionList.as_view(), name="opinion-list"),
    path("opinions/<int:pk>/", opinions.OpinionDetail.as_view(), name="opinion-detail"),
    path("opinions/<int:pk>/docx/", opinions.OpinionDocx.as_view(), name="opinion-docx"),
    path("opinions/<int:pk>/pdf/", opinions.OpinionPdf.as_view(), name="opinion-pdf"),
    path("documents/<int:id>/versions/<int:number>/file/", file_views.VersionFile.as_view(), name="document-version-file"),
    path("documents/<int:id>/comparison/", file_views.DocumentComparison.as_view(), name="document-comparison"),
]
