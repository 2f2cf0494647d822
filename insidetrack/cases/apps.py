from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The closed loop: every response becomes work for its dealer, under a deadline that escalates itself."""

    name = "insidetrack.cases"
    label = "cases"
    verbose_name = _("Closed loop")

    def ready(self) -> None:
        # Registers the every-minute sweep and the receiver for completed surveys.
        from . import receivers, tasks  # noqa: F401
