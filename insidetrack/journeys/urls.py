from django.urls import path

from . import views_events

app_name = "journeys"
urlpatterns = [
    path("events/", views_events.event_list, name="events"),
    path("events/new/", views_events.event_create, name="event_create"),
    path("events/<int:pk>/", views_events.event_detail, name="event"),
    path("events/<int:pk>/edit/", views_events.event_edit, name="event_edit"),
    path("rsvp/<str:token>/", views_events.rsvp, name="rsvp"),
]
