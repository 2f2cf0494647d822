"""The owner's pages under /my/. Each slice of the portal keeps its own views module and lists its paths here."""

from django.urls import path

from . import views, views_data, views_issues, views_notifications, views_owner

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("refer/", views.refer, name="refer"),
    # owner pages (vehicles, dealer, surveys, events, preferences)
    path("vehicles/", views_owner.vehicles, name="vehicles"),
    path("dealer/", views_owner.dealer, name="dealer"),
    path("surveys/", views_owner.surveys, name="surveys"),
    path("events/", views_owner.events, name="events"),
    path("preferences/", views_owner.preferences, name="preferences"),
    # vehicle issues
    path("issues/", views_issues.issue_list, name="issue_list"),
    path("issues/new/", views_issues.issue_new, name="issue_new"),
    path("issues/<int:case_pk>/", views_issues.issue_detail, name="issue_detail"),
    path("issues/<int:case_pk>/message/", views_issues.issue_message, name="issue_message"),
    path("issues/<int:case_pk>/put-right/", views_issues.issue_confirm, name="issue_confirm"),
    # notifications from the connected car
    path("notifications/", views_notifications.notification_list, name="notifications"),
    path("notifications/read/", views_notifications.notification_read, name="notification_read"),
    path("notifications/preferences/", views_notifications.notification_preferences,
         name="notification_preferences"),
    # personal data
    path("data/", views_data.data_page, name="data"),
    path("data/download/", views_data.data_download, name="data_download"),
    path("data/erase/", views_data.data_erase, name="data_erase"),
]
