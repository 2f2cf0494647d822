"""Synthetic survey verbatims for the demo world, in English, German and French, each with its ground truth.

Theme classification, sentiment and gaming detection are developed against this data, so every text says what
it is about (``themes``), how it sounds (``sentiment``, of the text rather than the score) and whether it is a
genuine answer or a gamed one (``kind``). ``compose_emerging_verbatim`` writes the complaints about the problem
the demo world plants in its last weeks (``emerging.PROBLEM``). Composition is driven only by the caller's
``random.Random``.
"""

from .base import LANGUAGES, THEMES, TOUCHPOINTS, Verbatim
from .compose import (
    compose_coached_verbatim,
    compose_emerging_verbatim,
    compose_incentive_verbatim,
    compose_templated_verbatim,
    compose_verbatim,
)

__all__ = [
    "LANGUAGES",
    "THEMES",
    "TOUCHPOINTS",
    "Verbatim",
    "compose_coached_verbatim",
    "compose_emerging_verbatim",
    "compose_incentive_verbatim",
    "compose_templated_verbatim",
    "compose_verbatim",
]
