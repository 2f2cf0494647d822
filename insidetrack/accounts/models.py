"""Users, what they may see (memberships), and tokens for dealer systems."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insidetrack.core.roles import Role
from insidetrack.core.scoping import Scope, ScopedModel
from insidetrack.network.models import Department


class User(AbstractUser):
    """A person who signs in: head-office analyst, region manager, dealer staff, or an owner.

    The login is the e-mail address (kept in ``username`` too, so Django's admin and auth forms work unchanged).
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    """A role held over a scope. The scope columns a role needs are enforced by a check constraint."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    brand = models.ForeignKey("network.Brand", on_delete=models.CASCADE, related_name="memberships")
    region = models.ForeignKey("network.Region", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="memberships")
    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="memberships")
    department = models.CharField(_("department"), max_length=20, choices=Department.choices, blank=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(role=Role.HEAD_OFFICE, region__isnull=True, dealer__isnull=True, customer__isnull=True)
                    | Q(role=Role.REGION_MANAGER, region__isnull=False, dealer__isnull=True, customer__isnull=True)
                    | Q(role__in=[Role.DEALER_PRINCIPAL, Role.DEALER_STAFF], dealer__isnull=False,
                        customer__isnull=True)
                    | Q(role=Role.OWNER, customer__isnull=False, dealer__isnull=True, region__isnull=True)
                ),
            ),
            models.UniqueConstraint(fields=["user", "role", "region", "dealer", "customer"],
                                    name="membership_unique", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


def hash_token(raw: str) -> str:
    """Tokens are stored hashed, so a database leak does not hand out working credentials."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token a dealer system uses to call the API; it acts as that dealer's principal, never wider."""

    dealer = models.ForeignKey("network.Dealer", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=120, help_text=_("Which system uses it, e.g. 'DMS'."))
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("First characters, to recognise a token."))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> str:
        """A new raw token; shown once to the person who creates it."""
        return "it_" + secrets.token_urlsafe(32)


class SignInLink(models.Model):
    """A one-time sign-in link e-mailed to an owner: the address it was sent to, its hashed token and its lifetime.

    Only the SHA-256 of the token is stored (see :func:`hash_token`); the raw token lives only in the e-mail. A link
    is claimed once with a conditional UPDATE on ``used_at IS NULL``, so two clicks cannot both sign in.
    """

    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("requested at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="sign_in_links",
                             help_text=_("The account the link signed in, once used."))
    request_id = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False,
                                  help_text=_("The request that asked for it: a delivery run twice sends one link."))

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        indexes = [models.Index(fields=["email", "created_at"], name="signinlink_email_created")]

    def __str__(self) -> str:
        return f"{self.email} ({self.created_at:%Y-%m-%d %H:%M})"


class SignInEventKind(models.TextChoices):
    """What happened to an owner's sign-in link."""

    LINK_REQUESTED = "link_requested", _("Sign-in link requested")
    LINK_USED = "link_used", _("Signed in with a link")
    ACCOUNT_CREATED = "account_created", _("Account created")


class SignInEvent(ScopedModel):
    """One row per customer each time a sign-in link is requested or used: the owner's and head office's audit.

    It is scoped like the customer (their dealer may see that they use the portal). The row holds no address or IP,
    only which customer, what happened and when, so it survives erasure as an anonymous count.
    """

    scope = Scope(brand="customer__brand_id", region="customer__dealer__region_id", dealer="customer__dealer_id",
                  customer="customer_id")

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="sign_in_events")
    kind = models.CharField(_("what happened"), max_length=20, choices=SignInEventKind.choices)
    at = models.DateTimeField(_("when"))
    link = models.ForeignKey(SignInLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["customer", "at"], name="signinevent_customer_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
