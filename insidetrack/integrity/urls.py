from django.urls import path

from . import views

app_name = "integrity"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("alerts/<int:pk>/", views.alert_page, name="alert"),
    path("alerts/<int:pk>/decide/", views.decide, name="decide"),
    path("alerts/<int:pk>/note/", views.note, name="note"),
    path("alerts/<int:pk>/exclude/", views.exclude, name="exclude"),
    path("alerts/<int:pk>/restore/", views.restore, name="restore"),
    path("alerts/<int:pk>/recontact/", views.recontact_draw, name="recontact_draw"),
    path("alerts/<int:pk>/recontact/<int:item_pk>/", views.recontact_record, name="recontact_record"),
]
