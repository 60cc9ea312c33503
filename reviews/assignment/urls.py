"""Assignment URLs, included by reviews.urls under ``reviews/assignment/`` (namespace reviews:assignment)."""

from django.urls import path

from reviews.assignment import views

app_name = "assignment"
urlpatterns = [
    path("reviewers/", views.reviewer_list, name="reviewers"),
    path("reviewers/<int:reviewer_id>/activation/", views.reviewer_activation, name="reviewer_activation"),
    path("bulk/", views.bulk_assign, name="bulk"),
    path("case/<str:case_number>/", views.case_panel, name="panel"),
    path("case/<str:case_number>/assign/", views.assign_case, name="assign"),
    path("case/<str:case_number>/unassign/", views.unassign_case, name="unassign"),
    path("<int:assignment_id>/accept/", views.accept, name="accept"),
    path("<int:assignment_id>/decline/", views.decline, name="decline"),
]
