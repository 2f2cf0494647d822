from django.urls import path

from . import views

app_name = "connected"

urlpatterns = [
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/defaults/", views.rule_defaults, name="rule_defaults"),
    path("rules/<int:rule_pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_pk>/switch/", views.rule_switch, name="rule_switch"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/<int:provider_pk>/revoke/", views.provider_revoke, name="provider_revoke"),
]
