from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerbatimsConfig(AppConfig):
    """Text analytics: what customers wrote, in their words, made as easy to act on as a score."""

    name = "insidetrack.verbatims"
    label = "verbatims"
    verbose_name = _("Verbatims")

    def ready(self) -> None:
        # Registers this app's section of a person's export and erasure, and the receivers for completed and
        # imported surveys.
        from . import personal_data, receivers, tasks  # noqa: F401
