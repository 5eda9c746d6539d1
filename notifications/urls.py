from rest_framework.routers import DefaultRouter

from notifications.api import InboxViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("inbox", InboxViewSet, basename="inbox")
urlpatterns = router.urls
