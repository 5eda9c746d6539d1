from django.urls import path

from registry.api import views

urlpatterns = [
    path("documents/<int:id>/register/", views.register, name="document-register"),
    path("documents/<int:id>/publish/", views.publish, name="document-publish"),
    path("documents/<int:id>/file-record/", views.file_record, name="document-file-record"),
    path("documents/<int:id>/repeal/", views.repeal, name="document-repeal"),
    path("registry/", views.RegistryList.as_view(), name="registry-list"),
    path("public/documents/", views.PublicDocumentList.as_view(), name="public-document-list"),
    path("public/documents/<int:pk>/", views.PublicDocumentDetail.as_view(), name="public-document-detail"),
]
