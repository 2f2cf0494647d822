from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """The closed loop: every response becomes work for its dealer, under a deadline that escalates itself."""

    name = "insidetrack.cases"
    label = "cases"
    verbose_name = _("Closed loop")

    def ready(self) -> None:
        # Registers this app's sections of a person's export and erasure (the case and its log; the owner's messages
        # and photos), the every-minute sweep, and the receiver for completed surveys.
        from . import personal_data, personal_data_owner, receivers, tasks, tasks_owner  # noqa: F401
