from django.urls import path

from . import views, views_taxonomy

app_name = "verbatims"
urlpatterns = [
    path("", views.themes_page, name="themes"),
    path("theme/<slug:code>/", views.theme_page, name="theme"),
    path("emerging/", views_taxonomy.emerging_page, name="emerging"),
    path("taxonomy/", views_taxonomy.taxonomy_page, name="taxonomy"),
    path("taxonomy/new/", views_taxonomy.theme_new, name="theme_new"),
    path("taxonomy/<slug:code>/edit/", views_taxonomy.theme_edit, name="theme_edit"),
    path("label/", views_taxonomy.label_page, name="label"),
    path("model/", views_taxonomy.model_page, name="model"),
]
