from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo-world generator and the ground truth it plants."""

    name = "insidetrack.demo"
    label = "demo"
    verbose_name = _("Demo world")
