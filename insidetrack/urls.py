"""URL map: pages per app, the JSON API under /api/v1/, the admin for head office."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from insidetrack.accounts import views as account_views

from .api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-in/link/", include("insidetrack.accounts.urls")),  # owners: a one-time link by e-mail
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("membership/", account_views.switch_membership, name="switch-membership"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("overview/themes/", include("insidetrack.verbatims.urls")),
    path("overview/", include("insidetrack.analytics.urls")),
    path("customers/", include("insidetrack.customers.urls")),
    path("cases/", include("insidetrack.cases.urls")),
    path("connected/", include("insidetrack.connected.urls")),
    path("integrity/", include("insidetrack.integrity.urls")),
    path("journey/", include("insidetrack.analytics.urls_journey_map")),  # the map is a report: analytics
    path("journey/", include("insidetrack.journeys.urls")),
    path("my/", include("insidetrack.portal.urls")),
    path("privacy/", include("insidetrack.privacy.urls")),
    path("s/", include("insidetrack.surveys.urls")),
    path("anymail/", include("anymail.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
