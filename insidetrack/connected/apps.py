from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectedConfig(AppConfig):
    """The connected car: data providers, vehicle telemetry, rules, and the owner notifications they raise."""

    name = "insidetrack.connected"
    label = "connected"
    verbose_name = _("Connected car")

    def ready(self) -> None:
        from insidetrack.core.personal_data import register

        from . import personal_data, tasks  # noqa: F401  (tasks registers the e-mail and evaluation sweeps)

        register(personal_data.SECTION)
