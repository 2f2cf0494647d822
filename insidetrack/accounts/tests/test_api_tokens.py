"""Issuing and revoking tokens for dealer systems."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from insidetrack.accounts.models import ApiToken
from insidetrack.accounts.services import api_token_create


def test_command_issues_a_working_token_shown_once(world):
    out = StringIO()
    call_command("apitoken", world.dealer_a.code, "DMS", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert raw.startswith(token.prefix) and token.token_hash != raw and raw not in str(token.__dict__)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()["dealer_id"] == world.dealer_a.pk
    call_command("apitoken", "--revoke", token.prefix, stdout=StringIO())
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_unknown_dealer_is_named_in_the_error(world):
    with pytest.raises(CommandError, match="No dealer with code 'NOPE'"):
        call_command("apitoken", "NOPE", "DMS", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_blank_name_is_refused(world):
    from insidetrack.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        api_token_create(dealer_code=world.dealer_a.code, name="  ")
