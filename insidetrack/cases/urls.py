from django.urls import path

from . import views, views_measures, views_owner

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("calls-made/", views.complete_calls, name="complete_calls"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reached/", views.reached, name="reached"),
    path("<int:pk>/photos/<int:case_photo_pk>/", views_owner.photo, name="photo"),
    path("measures/", views_measures.measures, name="measures"),
]
