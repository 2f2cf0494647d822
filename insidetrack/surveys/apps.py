from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Listening: operational events in, invitations out, responses back."""

    name = "insidetrack.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # Registers the invitation sweep in every process (web, worker, beat), not only where Celery autodiscovers.
        from anymail.signals import tracking

        from . import personal_data, tasks  # noqa: F401  (personal_data: this app's export and erasure)
        from .receivers import email_tracking

        # A signal because the provider's webhook view (anymail) must not know about surveys.
        tracking.connect(email_tracking, dispatch_uid="insidetrack.surveys.email_tracking")
