from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Listening: operational events in, invitations out, responses back."""

    name = "insidetrack.surveys"
    label = "surveys"
    verbose_name = _("Surveys")
