"""Workspace URLs, included by ``reviews.urls`` without a namespace of their own (``reviews:workspace``,
``reviews:sign_off``, ...)."""

from django.urls import path

from reviews.workspace import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/<str:case_number>/", views.workspace, name="workspace"),
    path("cases/<str:case_number>/start/", views.start, name="start_review"),
    path("cases/<str:case_number>/save/", views.save_draft, name="save_draft"),
    path("cases/<str:case_number>/checklist/", views.checklist, name="checklist"),
    path("qa/", views.qa_queue, name="qa_queue"),
    path("cases/<str:case_number>/records/", views.record_list, name="record_list"),
    path("cases/<str:case_number>/records/search/", views.record_search, name="record_search"),
    path("cases/<str:case_number>/records/<int:record_id>/text/", views.record_text, name="record_text"),
    path("cases/<str:case_number>/sign-off/", views.sign_off, name="sign_off"),
    path("cases/<str:case_number>/qa/approve/", views.qa_approve, name="qa_approve"),
    path("cases/<str:case_number>/qa/return/", views.qa_return, name="qa_return"),
    path("cases/<str:case_number>/amend/", views.amend, name="amend"),
    path("cases/<str:case_number>/versions/<int:version>/", views.review_version, name="review_version"),
    path("cases/<str:case_number>/versions/compare/", views.compare_versions, name="compare_versions"),
]
