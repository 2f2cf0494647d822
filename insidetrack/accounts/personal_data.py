"""What the accounts app holds about an owner, for the export and erasure (see core.personal_data).

An owner's account is made from their customer record on first sign-in: the User (e-mail, names, language), one
owner membership per customer record sharing the address, and the sign-in links and their audit rows. Erasure closes
the account (inactive, e-mail and username replaced by a placeholder, names blanked), ends the membership, deletes
the links (the hashed tokens and the address they went to) and keeps the audit rows: they hold only which customer,
what happened and when, i.e. anonymous counts once the customer is an anonymous shell.

An account shared by several customer records (a couple with one address) is closed only when none of its other
customers remains; until then only the erased customer's membership ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from insidetrack.core.personal_data import Section, register
from insidetrack.core.roles import Role

from .models import Membership, SignInEvent, SignInLink, User


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _owner_users(customer_pk: int) -> list[User]:
    return list(User.objects.filter(memberships__role=Role.OWNER, memberships__customer_id=customer_pk).distinct()
                .order_by("pk"))


def export_account(customer_pk: int) -> dict[str, Any]:
    users = _owner_users(customer_pk)
    events = SignInEvent.objects.filter(customer_id=customer_pk).order_by("at", "pk")
    return {
        "accounts": [{"email": user.email, "first_name": user.first_name, "last_name": user.last_name,
                      "preferred_language": user.preferred_language, "created_at": _when(user.date_joined),
                      "last_sign_in": _when(user.last_login), "is_active": user.is_active,
                      "memberships": [{"role": m.role, "customer": m.customer_id, "is_active": m.is_active,
                                       "created_at": _when(m.created_at)}
                                      for m in user.memberships.filter(customer_id=customer_pk).order_by("pk")]}
                     for user in users],
        "sign_ins": [{"what": event.kind, "at": _when(event.at)} for event in events],
    }


def erase_account(customer_pk: int, now: datetime) -> int:
    """Close the owner's account and delete their sign-in links; idempotent (a second run changes nothing)."""
    changed = 0
    link_pks = list(SignInEvent.objects.filter(customer_id=customer_pk, link__isnull=False)
                    .values_list("link_id", flat=True).distinct())
    if link_pks:
        changed += SignInLink.objects.filter(pk__in=link_pks).delete()[0]
    for user in _owner_users(customer_pk):
        changed += Membership.objects.filter(user=user, customer_id=customer_pk, is_active=True).update(
            is_active=False)
        placeholder = f"erased-{user.pk}@erased.invalid"
        if user.email == placeholder or Membership.objects.filter(user=user, is_active=True).exists():
            continue
        SignInLink.objects.filter(user=user).delete()
        changed += User.objects.filter(pk=user.pk).update(is_active=False, email=placeholder, username=placeholder,
                                                          first_name="", last_name="", password="!")
    return changed


register(Section(key="account", title=_("Your account and sign-ins"),
                 purpose=_("To let you sign in to your owner pages with a link by e-mail, and to show you and head "
                           "office when links were asked for and used."),
                 export=export_account, erase=erase_account, order=15))
