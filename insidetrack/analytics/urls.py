from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("feedback/", views.responses, name="responses"),
    path("dealers/", views.dealers, name="dealers"),
    path("rates/", views.response_rates_page, name="response_rates"),
]
