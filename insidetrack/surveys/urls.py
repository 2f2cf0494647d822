"""Public survey pages, reached from the signed link in an invitation (mounted under /s/)."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("<str:token>/", views.survey, name="survey"),
    path("<str:token>/reason/", views.reason, name="reason"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
