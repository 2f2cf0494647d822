"""The scan as head office lives it: a dealer answering its own surveys on a tablet is alerted, its honest
neighbours are not, and a second night's scan neither duplicates nor reopens what head office decided."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from django.core.management import call_command

from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.customers.tests.factories import CustomerFactory
from insidetrack.integrity import scanning, services
from insidetrack.integrity.models import Alert, AlertEvent, IntegrityScan, RiskAssessment
from insidetrack.network.tests.factories import DealerFactory
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db

HONEST_WORDS = ["Friendly staff and a clean car", "Waited a bit long for the paperwork",
                "Great handover, everything explained", "The coffee was cold but the team was lovely",
                "Car was ready on time", "Had to chase them for the number plates"]


@pytest.fixture
def network(world):
    """Eight dealers in one market with 45 handover answers each this quarter; dealer 0 fills in its own."""
    rng = random.Random(3)
    now = clock.now()
    quarter_start = dt.datetime(now.year, (now.month - 1) // 3 * 3 + 1, 1, tzinfo=dt.UTC)
    span = max((now - quarter_start).total_seconds() - 3600, 3600)
    dealers = [DealerFactory(region=world.region1, country="GB", code=f"GB-{i:02d}") for i in range(8)]
    for index, dealer in enumerate(dealers):
        for _ in range(45):
            customer = CustomerFactory(dealer=dealer, brand=world.brand)
            submitted = quarter_start + dt.timedelta(seconds=rng.uniform(0, span))
            if index == 0:  # the tablet: a 10, thirty seconds after the invitation, one device, the same words
                ResponseFactory(invitation__event__customer=customer, score=10, submitted_at=submitted,
                                invited_at=submitted - dt.timedelta(seconds=30), device_fingerprint="d" * 64,
                                network_fingerprint="n" * 64, verbatim="Perfect in every way, thank you!")
            else:
                ResponseFactory(invitation__event__customer=customer, score=rng.choice([5, 7, 8, 8, 9, 9, 10, 10]),
                                submitted_at=submitted,
                                invited_at=submitted - dt.timedelta(hours=rng.uniform(2, 72)),
                                device_fingerprint=f"{rng.getrandbits(128):064x}",
                                network_fingerprint=f"{rng.getrandbits(128):064x}",
                                verbatim=rng.choice(HONEST_WORDS))
    return dealers


def test_the_tablet_dealer_is_alerted_and_its_neighbours_are_not(world, network):
    summary = scanning.integrity_scan(brand_id=world.brand.pk)
    alerts = list(Alert.objects.all())
    assert [alert.dealer_id for alert in alerts] == [network[0].pk]
    alert = alerts[0]
    assert {s["code"] for s in alert.signals_at_opening} >= {"fast_answers", "shared_device"}
    assert AlertEvent.objects.filter(alert=alert, kind="opened").count() == 1
    assessment = RiskAssessment.objects.get(dealer=network[0], period=alert.period)
    assert assessment.is_alert and assessment.responses == 45 and assessment.evidence["examples"]
    honest = RiskAssessment.objects.filter(dealer__in=network[1:], period=alert.period)
    assert honest.count() == 7 and not honest.filter(is_alert=True).exists()
    assert summary.scan.alerts_opened == 1 and summary.scan.dealer_periods >= 8


def test_a_second_scan_neither_duplicates_nor_reopens_a_decision(world, network):
    scanning.integrity_scan(brand_id=world.brand.pk)
    alert = Alert.objects.get()
    services.alert_decide(alert_pk=alert.pk, actor=world.actors["head_office"], status="dismissed",
                          reason="Checked: a showroom event where customers answered on their own phones.")
    scanning.integrity_scan(brand_id=world.brand.pk)
    assert Alert.objects.count() == 1
    alert.refresh_from_db()
    assert alert.status == "dismissed"
    assert IntegrityScan.objects.count() == 2


def test_the_sweep_scans_once_a_day(world):
    now = clock.now()
    assert scanning.integrity_sweep(now=now) == 1
    assert scanning.integrity_sweep(now=now + dt.timedelta(hours=23)) == 0
    assert scanning.integrity_sweep(now=now + dt.timedelta(hours=25)) == 1


def test_the_scan_command_prints_every_dealer_quarter_as_json(world, network):
    out = io.StringIO()
    call_command("integrity", "scan", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    flagged = [row for row in rows if row["alert"]]
    assert [row["dealer"] for row in flagged] == ["GB-00"]
    assert {row["dealer"] for row in rows} >= {d.code for d in network}
    assert all(set(row) >= {"dealer", "period", "responses", "risk", "alert", "pattern", "signals"} for row in rows)


def test_the_scan_command_names_an_unknown_brand(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="no brand named 'Nope'"):
        call_command("integrity", "scan", "--brand", "Nope")


def test_only_the_system_or_head_office_sees_scans(world):
    scanning.integrity_scan(brand_id=world.brand.pk)
    assert IntegrityScan.objects.visible_to(Actor.system()).count() == 1
    assert IntegrityScan.objects.visible_to(world.actors["dealer_principal"]).count() == 0
