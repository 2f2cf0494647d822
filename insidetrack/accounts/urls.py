"""Owners' password-free sign-in: ask for a link, then open it."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.owner_link_request, name="owner-link-request"),
    path("<str:token>/", views.owner_link_sign_in, name="owner-link-sign-in"),
]
