"""Dates as each language writes them: the per-language formats (``insidetrack/formats``) and the appointment filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

SATURDAY = dt.datetime(2026, 12, 19, 9, 0, tzinfo=dt.UTC)
TEMPLATE = Template('{% load insidetrack %}{{ at|weekday_datetime }} | {{ at|date:"DATE_FORMAT" }} | '
                    '{{ at|date:"SHORT_DATETIME_FORMAT" }} | {{ at|date:"YEAR_MONTH_FORMAT" }} | '
                    '{{ at|weekday_datetime:"short" }} | {{ at|weekday_datetime:"date" }}')


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Saturday 19 December 2026, 10:00 | 19 December 2026 | Sat 19 Dec, 10:00 | Dec 2026 | "
           "Sat 19 Dec 2026, 10:00 | Sat 19 Dec 2026"),
    ("de", "Samstag, 19. Dezember 2026, 10:00 | 19. Dezember 2026 | Sa, 19. Dez., 10:00 | Dez. 2026 | "
           "Sa, 19. Dez. 2026, 10:00 | Sa, 19. Dez. 2026"),
])
def test_dates_read_as_the_language_writes_them_in_the_dealers_time_zone(language, expected):
    with translation.override(language), timezone.override("Europe/Berlin"):
        assert TEMPLATE.render(Context({"at": SATURDAY})) == expected


def test_french_months_are_lower_case_and_abbreviated_as_french_does():
    with translation.override("fr"), timezone.override("Europe/Paris"):
        rendered = TEMPLATE.render(Context({"at": SATURDAY}))
    assert "19 décembre 2026, 10:00" in rendered and "19 déc., 10:00" in rendered
    assert rendered.endswith("sam 19 déc. 2026, 10:00 | sam 19 déc. 2026")


def test_no_appointment_is_an_empty_string_and_a_plain_date_has_no_time_zone():
    template = Template('{% load insidetrack %}{{ at|weekday_datetime:"date" }}')
    assert template.render(Context({"at": None})) == ""
    with translation.override("en"):
        assert template.render(Context({"at": dt.date(2026, 12, 19)})) == "Sat 19 Dec 2026"


def test_an_unknown_variant_names_the_ones_there_are():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="long, short, date"):
        Template('{% load insidetrack %}{{ at|weekday_datetime:"medium" }}').render(Context({"at": SATURDAY}))
