from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data requests: an owner's export and erasure, processed by head office with an audit trail."""

    name = "insidetrack.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
