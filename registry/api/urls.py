from django.urls import path
from core.replica import reads_from_replica

from registry.api import audit_views, file_views, filing_views, views
from registry.feeds import PublishedDocumentsFeed

urlpatterns = [
    path("documents/<int:id>/register/", views.register, name="document-register"),
    path("documents/<int:id>/publish/", views.publish, name="document-publish"),
    path("documents/<int:id>/file-record/", views.file_record, name="document-file-record"),
    path("documents/<int:id>/repeal/", views.repeal, name="document-repeal"),
    path("audit/events/", audit_views.AuditEvents.as_view(), name="audit-events"),
    path("stats/annual/", audit_views.AnnualStats.as_view(), name="annual-stats"),
    path("documents/<int:id>/void-number/", views.void_number, name="document-void-number"),
    path("documents/<int:id>/record-evaluation/", views.record_evaluation, name="document-record-evaluation"),
    path("registry/cleanup/", views.CleanupList.as_view(), name="registry-cleanup"),
    path("documents/<int:id>/record-decision/", views.record_decision, name="document-record-decision"),
    path("documents/<int:id>/publish-decision/", views.publish_decision, name="document-publish-decision"),
    path("decision-catalogue/", views.DecisionCatalogue.as_view(), name="decision-catalogue"),
    path("public/decision-catalogue/", views.PublicDecisionCatalogue.as_view(), name="public-decision-catalogue"),
    path("registry/", views.RegistryList.as_view(), name="registry-list"),
    # 备案审查 (R11, R19)
    path("filings/", filing_views.FilingList.as_view(), name="filing-list"),
    path("filings/<int:id>/submit/", filing_views.filing_submit, name="filing-submit"),
    path("filings/<int:id>/accept/", filing_views.filing_accept, name="filing-accept"),
    path("filings/<int:id>/return/", filing_views.filing_return, name="filing-return"),
    path("filings/<int:id>/conclude/", filing_views.filing_conclude, name="filing-conclude"),
    path("filings/<int:id>/respond/", filing_views.filing_respond, name="filing-respond"),
    path("filings/<int:id>/reject-response/", filing_views.filing_reject_response, name="filing-reject-response"),
    path("review-requests/", filing_views.ReviewRequestList.as_view(), name="review-request-list"),
    path("review-requests/<int:id>/reply/", filing_views.review_request_reply, name="review-request-reply"),
    path("public/review-requests/", filing_views.public_review_request_create, name="public-review-request-create"),
    path("public/review-requests/<str:receipt>/", filing_views.public_review_request_status,
         name="public-review-request-status"),
    # after publication (R20)
    path("cleanups/", views.cleanup_create, name="cleanup-create"),
    path("cleanups/<int:id>/items/<int:document_id>/", views.cleanup_decide, name="cleanup-decide"),
    path("cleanups/<int:id>/publish/", views.cleanup_publish, name="cleanup-publish"),
    path("public/cleanups/<int:id>/", views.PublicCleanup.as_view(), name="public-cleanup"),
    path("public/catalogue/", views.PublicCatalogue.as_view(), name="public-catalogue"),
    path("public/feed.atom", reads_from_replica(PublishedDocumentsFeed()), name="public-feed"),
    path("public/documents/", views.PublicDocumentList.as_view(), name="public-document-list"),
    path("public/documents/<int:pk>/comment-report/", views.public_comment_report, name="public-comment-report"),
    path("public/documents/<int:pk>/", views.PublicDocumentDetail.as_view(), name="public-document-detail"),
    path("public/documents/<int:pk>/docx/", file_views.PublicDocumentDocx.as_view(), name="public-document-docx"),
    path("public/documents/<int:pk>/pdf/", file_views.PublicDocumentPdf.as_view(), name="public-document-pdf"),
]
