"""The reviews app's URLs: one include per part (workspace, assignment, letters), one namespace."""

from django.urls import include, path

app_name = "reviews"
urlpatterns = [
    path("", include("reviews.workspace.urls")),
    path("assignment/", include("reviews.assignment.urls")),
    path("letters/", include("reviews.letters.urls")),
]
