from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People, their memberships (role + scope) and API tokens for dealer systems."""

    name = "insidetrack.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (registers the owner's account section of export and erasure)
