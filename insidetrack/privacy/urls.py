from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("new/", views.create, name="create"),
    path("<int:request_pk>/", views.request_page, name="request"),
    path("<int:request_pk>/process/", views.process, name="process"),
    path("<int:request_pk>/refuse/", views.refuse, name="refuse"),
    path("<int:request_pk>/download.json", views.download, name="download"),
]
