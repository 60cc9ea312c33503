from django.urls import include, path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("assignment/", include("reviews.assignment.urls")),
    path("letters/", include("reviews.letters.urls")),
]
