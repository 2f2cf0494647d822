from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The brand and its retail network: regions, dealers, departments."""

    name = "insidetrack.network"
    label = "network"
    verbose_name = _("Network")
