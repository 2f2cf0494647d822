"""Every model about a customer is exported and erased by a registered section, or listed as holding nothing."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from insidetrack.core.personal_data import sections
from insidetrack.privacy.coverage import COVERED_BY, HOLDS_NO_PERSONAL_DATA, models_about_customers

from .conftest import EMAIL, FRIEND_NAME, NAME_LAST


def test_every_model_about_a_customer_is_covered_or_declared_free_of_personal_data() -> None:
    uncovered = [label for label in models_about_customers()
                 if label not in COVERED_BY and label not in HOLDS_NO_PERSONAL_DATA]
    assert uncovered == []


def test_the_tables_name_real_models_and_registered_sections() -> None:
    registered = {section.key for section in sections()}
    about = set(models_about_customers())
    assert sorted(set(COVERED_BY.values()) - registered) == []
    assert sorted((set(COVERED_BY) | set(HOLDS_NO_PERSONAL_DATA)) - about) == []
    assert set(COVERED_BY) & set(HOLDS_NO_PERSONAL_DATA) == set()


def test_every_registered_section_covers_some_model() -> None:
    assert sorted({section.key for section in sections()} - set(COVERED_BY.values())) == []


@pytest.mark.django_db
def test_export_has_every_registered_section_with_title_purpose_and_the_persons_data(world, erasable) -> None:
    from insidetrack.privacy.services import personal_data_export

    document = personal_data_export(customer_pk=erasable.customer.pk)

    assert [s["key"] for s in document["sections"]] == [section.key for section in sections()]
    assert all(s["title"] and s["purpose"] for s in document["sections"])
    by_key = {s["key"]: s["data"] for s in document["sections"]}
    assert (by_key["profile"]["last_name"], by_key["profile"]["email"]) == (NAME_LAST, EMAIL)
    assert by_key["vehicles"][0]["registration"] == "REG-ZQ-1"
    assert by_key["vehicles"][0]["check_ins"][0]["note"] == "Zebulon loves the Tangerine paint"
    assert by_key["referrals"]["made"][0]["friend_name"] == FRIEND_NAME
    assert by_key["referrals"]["as_the_friend"][0]["email_given"] == EMAIL
    assert [r["score"] for r in by_key["surveys"]["responses"]] == [3, 10, 6]
    assert by_key["cases"][0]["subject"] == "Zebulon's car"
    assert by_key["cases"][0]["goodwill"][0]["gesture"] == "Valet for Zebulon"
    assert [e["answer"] for e in by_key["experience_events"]] == ["accepted"]
    assert by_key["integrity"]["recontacts"][0]["note"] == "Zebulon said the dealer asked for a 10"
    assert len(by_key["verbatim_analysis"]) == 3
    assert json.loads(json.dumps(document, cls=DjangoJSONEncoder))["sections"][0]["key"] == "profile"
