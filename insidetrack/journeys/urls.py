from django.urls import path

from . import views

app_name = "journeys"
urlpatterns = [
    path("", views.journey_map, name="map"),
    path("map.pdf", views.journey_map_export, {"fmt": "pdf"}, name="map_pdf"),
    path("map.png", views.journey_map_export, {"fmt": "png"}, name="map_png"),
]
