from django.urls import path

from . import views, views_events

app_name = "journeys"
urlpatterns = [
    path("", views.journey_map, name="map"),
    path("map.pdf", views.journey_map_export, {"fmt": "pdf"}, name="map_pdf"),
    path("map.png", views.journey_map_export, {"fmt": "png"}, name="map_png"),
    path("events/", views_events.event_list, name="events"),
    path("events/new/", views_events.event_create, name="event_create"),
    path("events/<int:pk>/", views_events.event_detail, name="event"),
    path("events/<int:pk>/edit/", views_events.event_edit, name="event_edit"),
    path("rsvp/<str:token>/", views_events.rsvp, name="rsvp"),
]
