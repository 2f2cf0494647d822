from django.urls import path

from . import views, views_measures

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("measures/", views_measures.measures, name="measures"),
]
