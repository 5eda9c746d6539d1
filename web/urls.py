from django.contrib.auth import views as auth_views
from django.urls import path

from web import filing_views, kind_views, public_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("documents/new/", views.document_create, name="document-create"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("documents/<int:pk>/do/<str:action>/", views.document_act, name="document-act"),
    path("documents/<int:pk>/comments/<int:comment_id>/dispose/", views.comment_dispose, name="comment-dispose"),
    path("documents/<int:pk>/findings/<int:finding_id>/resolve/", views.finding_resolve, name="finding-resolve"),
    path("documents/<int:pk>/evaluation/", views.evaluation_record, name="evaluation-record"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("audit/verify/", views.audit_verify, name="audit-verify"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:message_id>/read/", views.inbox_read, name="inbox-read"),
    path("public/", public_views.portal, name="portal"),
    path("public/documents/<int:pk>/", public_views.public_document, name="public-document"),
    path("public/consultations/<int:pk>/", public_views.consultation, name="consultation"),
    path("documents/<int:pk>/versions/upload/", views.version_upload, name="version-upload"),
    path("opinions/<int:pk>/", views.opinion_letter, name="opinion"),
    # after publication (R20)
    path("cleanups/", views.cleanup_desk, name="cleanup-desk"),
    path("cleanups/<int:pk>/", views.cleanup, name="cleanup"),
    path("documents/<int:pk>/interpretation/", views.interpretation, name="interpretation"),
    path("public/catalogue/", public_views.catalogue, name="public-catalogue"),
    path("public/cleanups/<int:pk>/", public_views.cleanup_result, name="public-cleanup"),
]

# (issue 14) kinds: a draft per kind, the major-decision catalogue (staff and public)
urlpatterns += [
    path("documents/new/<str:kind>/", kind_views.document_create_kind, name="document-create-kind"),
    path("catalogue/", kind_views.catalogue, name="catalogue"),
    path("public/decision-catalogue/", kind_views.public_catalogue, name="public-decision-catalogue"),
]

# (issue 15) 备案审查: both sides' desks, one filing's thread, the figures, the public's requests
urlpatterns += [
    path("filings/", filing_views.filing_desk, name="filing-desk"),
    path("filings/outgoing/", filing_views.filing_outgoing, name="filing-outgoing"),
    path("filings/figures/", filing_views.filing_figures, name="filing-figures"),
    path("filings/<int:pk>/", filing_views.filing_thread, name="filing"),
    path("filings/<int:pk>/do/<str:act>/", filing_views.filing_act, name="filing-act"),
    path("public/review-requests/", filing_views.review_request_form, name="review-request"),
    path("public/review-requests/status/", filing_views.review_request_status, name="review-request-status"),
]
urlpatterns += [
    path("filings/requests/<int:pk>/reply/", filing_views.review_request_reply, name="review-request-reply"),
]
