"""Determination letter URLs, included by reviews.urls."""

urlpatterns: list = []
