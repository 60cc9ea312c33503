from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from api import views

app_name = "api"


def _public(view):
    view.login_required = False  # the schema and its docs are public (LoginRequiredMiddleware)
    return view


urlpatterns = [
    path("schema/", _public(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", _public(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", _public(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("v1/cases/", views.CaseList.as_view(), name="cases"),
    path("v1/cases/<str:case_number>/", views.CaseDetail.as_view(), name="case"),
    path(
        "v1/cases/<str:case_number>/records-request/",
        views.RecordsRequestView.as_view(),
        name="records_request",
    ),
    path(
        "v1/cases/<str:case_number>/records-request/notice.pdf",
        views.RecordsNoticeFile.as_view(),
        name="records_notice",
    ),
    path("v1/cases/<str:case_number>/documents/", views.DocumentList.as_view(), name="documents"),
    path(
        "v1/cases/<str:case_number>/documents/<int:document_id>/file/",
        views.DocumentFile.as_view(),
        name="document_file",
    ),
    path(
        "v1/cases/<str:case_number>/determination/", views.DeterminationView.as_view(), name="determination"
    ),
    path(
        "v1/cases/<str:case_number>/determination/letter.pdf",
        views.DeterminationLetterFile.as_view(),
        name="determination_letter",
    ),
    path("v1/applications/", views.ApplicationSubmit.as_view(), name="applications"),
    path("v1/webhooks/", views.WebhookList.as_view(), name="webhooks"),
    path("v1/webhooks/<int:webhook_id>/", views.WebhookDetail.as_view(), name="webhook"),
    path(
        "v1/webhooks/<int:webhook_id>/deliveries/",
        views.WebhookDeliveries.as_view(),
        name="webhook_deliveries",
    ),
    path(
        "v1/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
        views.Redeliver.as_view(),
        name="webhook_redeliver",
    ),
]
