from rest_framework.routers import DefaultRouter

from review.api.views import DocumentViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("documents", DocumentViewSet, basename="document")
urlpatterns = router.urls
