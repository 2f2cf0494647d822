"""Personal-data requests (a copy of the data, or its erasure) and their audit trail.

The request outlives the erasure it carries out: it names the person by a pseudonymous reference, never by name,
and points to the customer row, which erasure turns into an anonymous shell. Each change writes a
``PrivacyRequestEvent`` in the same transaction, with the rows changed per section, so the history is the audit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insidetrack.core.scoping import Scope, ScopedModel

from .policies import RequestKind, RequestStatus


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("Owner portal")
    STAFF = "staff", _("Recorded by head office")
    DEMO = "demo", _("Demo generator")


class PrivacyRequest(ScopedModel):
    """A person's request for a copy of their data or for its erasure, and how head office dealt with it.

    Head office sees the brand's requests, the owner their own; regions and dealers see none (a request is
    between the person and the brand, the controller).
    """

    scope = Scope(brand="brand_id", customer="customer_id")

    brand = models.ForeignKey("network.Brand", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="privacy_requests")
    reference = models.CharField(_("reference"), max_length=20, unique=True,
                                 help_text=_("Pseudonymous: names the request without naming the person."))
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.REQUESTED)
    channel = models.CharField(_("received through"), max_length=10, choices=RequestChannel.choices)
    requested_at = models.DateTimeField(_("requested at"))
    due_on = models.DateField(_("due on"), help_text=_("One month after the request."))
    processing_at = models.DateTimeField(_("processing since"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    processed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("processed by"))
    rows_changed = models.JSONField(_("rows changed per section"), default=dict, blank=True)

    class Meta:
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind"], condition=models.Q(status__in=["requested",
                                                                                               "processing"]),
                                    name="one_open_privacy_request_per_kind"),
        ]
        indexes = [models.Index(fields=["brand", "status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.reference} · {self.get_kind_display()} · {self.get_status_display()}"


class RequestEventKind(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROCESSING = "processing", _("Processing started")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")
    DOWNLOADED = "downloaded", _("Copy downloaded")


class PrivacyRequestEvent(ScopedModel):
    """One row per change of a request: what, when, by whom (a staff name, or "the owner"), rows changed."""

    scope = Scope(brand="request__brand_id", customer="request__customer_id")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=12, choices=RequestEventKind.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(_("who"), max_length=160, blank=True,
                                  help_text=_("A staff member's name; an owner is written as 'the owner'."))
    detail = models.TextField(_("detail"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("personal-data request event")
        verbose_name_plural = _("personal-data request events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"
