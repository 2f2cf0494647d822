"""Which registered section exports and erases each model that holds data about a customer, or why none needs to.

A model "about a customer" is one whose foreign keys lead to ``customers.Customer``. A test walks every model and
fails when one is in neither table, so a new app that stores something about a person cannot be forgotten by the
export and the erasure.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

#: model label -> the key of the section that exports and erases it
COVERED_BY: dict[str, str] = {
    "customers.Customer": "profile",
    "customers.Vehicle": "vehicles",
    "customers.Ownership": "vehicles",
    "customers.HandoverPlan": "vehicles",
    "customers.CheckIn": "vehicles",
    "customers.Referral": "referrals",
    "surveys.OperationalEvent": "surveys",
    "surveys.Invitation": "surveys",
    "surveys.Response": "surveys",
    "verbatims.VerbatimAnalysis": "verbatim_analysis",
    "cases.Case": "cases",
    "cases.CaseEvent": "cases",
    "cases.Goodwill": "cases",
    "cases.CaseMessage": "vehicle_issues",
    "cases.CasePhoto": "vehicle_issues",
    "journeys.EventInvitation": "experience_events",
    "integrity.RecontactItem": "integrity",
    "accounts.Membership": "account",
    "accounts.SignInEvent": "account",
    "connected.TelemetryEvent": "connected_car",
    "connected.NotificationPreference": "connected_car",
    "connected.Notification": "connected_car",
    "connected.RuleMatch": "connected_car",
}

#: model label -> why it holds nothing personal (it reaches a customer only through a row that is covered)
HOLDS_NO_PERSONAL_DATA: dict[str, str] = {
    "customers.HandoverChecklistItem": "item codes and who ticked them (staff): the plan is covered",
    "surveys.InvitationEvent": "status changes with a skip reason or channel: no text about the person",
    "verbatims.VerbatimTheme": "a theme tag and a probability: kept so theme counts stay",
    "verbatims.VerbatimLabel": "a staff member's reading (themes, sentiment) of a verbatim, no text of it",
    "analytics.RolledUpResponse": "the rollups' receipt: day, dealer, touchpoint, score",
    "integrity.ResponseExclusion": "head office's decision to leave a response out of figures",
    "privacy.PrivacyRequest": "the audit of requests: a pseudonymous reference, dates and row counts",
    "privacy.PrivacyRequestEvent": "the audit events: staff names, never the person's",
    "demo.PlantedResponse": "the demo generator's answer key: which response a planted scheme wrote",
    "demo.PlantedProblemResponse": "the demo generator's answer key: which response the planted problem touched",
}


def _reaches_customer(model: type[models.Model], path: tuple[type[models.Model], ...] = ()) -> bool:
    for field in model._meta.concrete_fields:
        related = field.related_model if field.is_relation else None
        if related is None or related in path or related is model:
            continue
        if related._meta.label == "customers.Customer" or _reaches_customer(related, (*path, model)):
            return True
    return False


def models_about_customers() -> list[str]:
    """Labels of every installed model that is a customer or leads to one through its foreign keys."""
    return sorted(model._meta.label for model in apps.get_models()
                  if model._meta.label == "customers.Customer" or _reaches_customer(model))
