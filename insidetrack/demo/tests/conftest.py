"""One small demo world per test module: generating it is the expensive part, reading it is cheap.

The world is written inside a transaction that is rolled back when the module ends, so other test modules see an
empty database; each test still runs in its own savepoint (``django_db``) and may change the world freely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from insidetrack.demo.generator import DemoSignIn, GenerationReport, create_demo_users, generate
from insidetrack.journeys.services import brand_setup

DEMO_SEED = 7
DEMO_SCALE = 0.05
DEMO_END = dt.date(2026, 6, 1)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class DemoWorld:
    report: GenerationReport
    sign_ins: list[DemoSignIn]


@pytest.fixture(scope="module")
def demo_world(request: pytest.FixtureRequest, django_db_setup: None,
               django_db_blocker: DjangoDbBlocker) -> Iterator[DemoWorld]:
    """The demo world as ``insidetrack demo`` writes it; a module that checks the survey world's own invariants sets
    ``OWNER_WORLD = False`` to leave out the owner world's later steps (owner issues, the connected car's cases,
    personal-data erasures)."""
    owner_world = getattr(request.module, "OWNER_WORLD", True)
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        report = generate(seed=DEMO_SEED, scale=DEMO_SCALE, end=DEMO_END, owner_world=owner_world)
        sign_ins = create_demo_users(brand_setup())
        yield DemoWorld(report=report, sign_ins=sign_ins)
        transaction.set_rollback(True)
