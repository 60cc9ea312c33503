"""Determination letter URLs, included by reviews.urls under ``letters/`` (names in the reviews namespace)."""

from django.urls import path

from reviews.letters import views

urlpatterns = [
    path("<str:case_number>/", views.letter_case, name="letter_case"),
    path("<str:case_number>/preview/", views.letter_preview, name="letter_preview"),
    path("<str:case_number>/v<int:version>/status/", views.letter_status, name="letter_status"),
    path("<str:case_number>/v<int:version>/download/", views.letter_download, name="letter_download"),
    path("<str:case_number>/v<int:version>/public.pdf", views.letter_public, name="letter_public"),
    path("<str:case_number>/v<int:version>/regenerate/", views.letter_regenerate, name="letter_regenerate"),
]
