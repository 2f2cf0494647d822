"""The journey map's addresses, under ``/journey/`` beside the experience events (which journeys serves).

The map is a report on the journey head office defined: it reads NPS and themes, so it lives in analytics, which
may import journeys, and not the other way round.
"""

from django.urls import path

from . import views_journey_map

app_name = "journey_map"
urlpatterns = [
    path("", views_journey_map.journey_map, name="map"),
    path("map.pdf", views_journey_map.journey_map_export, {"fmt": "pdf"}, name="map_pdf"),
    path("map.png", views_journey_map.journey_map_export, {"fmt": "png"}, name="map_png"),
]
