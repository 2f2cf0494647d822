from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Listening: operational events in, invitations out, responses back."""

    name = "insidetrack.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Registers the invitation sweep in every process (web, worker, beat), not only where Celery autodiscovers.
        from . import tasks  # noqa: F401
