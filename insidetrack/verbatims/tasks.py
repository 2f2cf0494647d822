"""Background work of the text analysis: analysing after commit, retraining on request, and the every-minute sweep."""

from __future__ import annotations

from celery import shared_task

from insidetrack.core.actor import Actor
from insidetrack.core.roles import Role
from insidetrack.core.tasks import register_sweep

from . import services


def verbatims_sweep() -> int:
    """The sweep as the scheduler and Celery beat call it: verbatims analysed plus models retrained."""
    return services.verbatims_sweep()


register_sweep(verbatims_sweep)


@shared_task(name="insidetrack.verbatims.tasks.analyse_responses")
def analyse_responses(response_pks: list[int]) -> int:
    """Analyse these verbatims (idempotent: the analysis is replaced whole)."""
    return services.verbatims_analyse(response_pks=response_pks)


@shared_task(name="insidetrack.verbatims.tasks.analyse_since")
def analyse_since(since_iso: str) -> int:
    """Analyse the verbatims an import brought in (they bypassed the per-response receiver)."""
    from datetime import datetime

    return services.verbatims_analyse_all(since=datetime.fromisoformat(since_iso), only_missing=True)


@shared_task(name="insidetrack.verbatims.tasks.retrain")
def retrain(brand_id: int, user_id: int | None = None) -> int:
    """Train the brand's model now (head office asked) and re-analyse every verbatim with it."""
    actor = Actor(user_id=user_id, role=Role.HEAD_OFFICE, brand_id=brand_id) if user_id else Actor.system()
    trained = services.model_train(brand_id=brand_id, actor=actor)
    services.verbatims_analyse_all(brand_id=brand_id)
    return trained.pk
