from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces every app leans on: actor, scoping, errors, clock, task enqueueing."""

    name = "insidetrack.core"
    label = "core"
