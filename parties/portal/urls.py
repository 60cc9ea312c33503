from django.urls import path

from parties.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("upload/", views.bulk_upload, name="bulk_upload"),
    path("users/", views.users, name="users"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path("webhooks/", views.webhook_log, name="webhooks"),
    path("webhooks/deliveries/<int:delivery_id>/redeliver/", views.redeliver, name="redeliver"),
    path("cases/<str:case_number>/", views.case_detail, name="case"),
    path("cases/<str:case_number>/records-request.pdf", views.notice_file, name="notice"),
    path("cases/<str:case_number>/records/<int:record_id>/file/", views.document_file, name="document"),
    path("cases/<str:case_number>/determination.pdf", views.determination_file, name="determination"),
]
