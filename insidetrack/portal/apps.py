from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The owner-facing pages."""

    name = "insidetrack.portal"
    label = "portal"
    verbose_name = _("Owner portal")
