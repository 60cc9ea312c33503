from django.urls import path

from guidelines import views

app_name = "guidelines"
urlpatterns = [
    path("items/<int:item_id>/suggestions/", views.item_suggestions, name="item_suggestions"),
    path("items/<int:item_id>/feedback/", views.item_feedback, name="item_feedback"),
    path("search/", views.search, name="search"),
    path("usage/", views.usage, name="usage"),
]
