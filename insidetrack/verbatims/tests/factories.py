"""Test helpers for the text analysis: give a response the analysis a model would have written, without a model.

Page and API tests want exact figures from rows they chose, not whatever a trained model happens to conclude, so
they write the analysis directly. The helper replaces any analysis the response already had (the ``world`` fixture
gives every response one), as re-analysing does.
"""

from __future__ import annotations

from collections.abc import Iterable

from insidetrack.journeys.models import Theme
from insidetrack.surveys.models import Response
from insidetrack.verbatims.models import VerbatimAnalysis, VerbatimTheme


def analysis_for(response: Response, *, sentiment: str = "negative", themes: Iterable[str] = ("waiting_time",),
                 fit: float = 0.8, incentive: Iterable[str] = (), safety: Iterable[str] = (),
                 language: str | None = None, sentiment_score: float | None = None,
                 probability: float = 0.9) -> VerbatimAnalysis:
    """The analysis of ``response``: this sentiment, these theme codes (of the response's brand), these flag phrases.

    ``language`` defaults to the response's; ``sentiment_score`` to -0.6/0/0.6 by sentiment. Themes that the brand
    does not have raise ``Theme.DoesNotExist`` so a typo in a test fails loudly. On PostgreSQL the search document is
    filled as the analysis service fills it.
    """
    codes = list(dict.fromkeys(themes))
    theme_rows = {t.code: t for t in Theme.objects.filter(brand_id=response.brand_id, code__in=codes)}
    missing = [code for code in codes if code not in theme_rows]
    if missing:
        raise Theme.DoesNotExist(f"no theme {missing} for brand {response.brand_id}")
    if sentiment_score is None:
        sentiment_score = {"negative": -0.6, "positive": 0.6}.get(sentiment, 0.0)
    incentive, safety = list(incentive), list(safety)
    VerbatimAnalysis.objects.filter(response_id=response.pk).delete()
    analysis = VerbatimAnalysis.objects.create(
        response=response, brand_id=response.brand_id, dealer_id=response.dealer_id,
        touchpoint_id=response.touchpoint_id, submitted_at=response.submitted_at,
        language=language or response.language, sentiment=sentiment, sentiment_score=sentiment_score,
        theme_fit=fit, is_incentive=bool(incentive), is_safety=bool(safety),
        flag_phrases={"incentive": incentive, "safety": safety}, analysed_at=response.submitted_at)
    VerbatimTheme.objects.bulk_create(VerbatimTheme(analysis=analysis, theme=theme_rows[code], probability=probability)
                                      for code in codes)
    from insidetrack.verbatims.services import _update_search_documents

    _update_search_documents([response.pk])
    return analysis


# The period the planted verbatims fall in, and the previous period of the same length (three months each), far from
# the ``world`` fixture's own answers (submitted "now"), so figures over it are exactly those of the planted rows.
PERIOD = {"from": "2025-01", "to": "2025-03"}
PREVIOUS_PERIOD = {"from": "2024-10", "to": "2024-12"}

# key: (customer of dealer, touchpoint, submitted at (UTC), language, score, text, sentiment, themes, flags, purpose)
_PLANTED = {
    "a_wait": ("a", "handover", (2025, 2, 10), "en", 4, "The car was not ready and I waited two hours for the handover",
               "negative", ("waiting_time", "communication"), {}, "survey"),
    "a_good": ("a", "handover", (2025, 3, 5), "en", 10, "Lovely handover, everything explained",
               "positive", ("handover_experience",), {}, "survey"),
    "b_wait": ("b", "service_visit", (2025, 1, 20), "de", 2,
               "Ich habe zwei Stunden gewartet und die Bremsen quietschen immer noch",
               "negative", ("waiting_time", "workmanship"), {"safety": ("Bremsen quietschen",)}, "survey"),
    "c_brakes": ("c", "service_visit", (2025, 2, 15), "en", 3,
                 "The brakes squeal since the service, it feels dangerous", "negative", ("workmanship",),
                 {"safety": ("dangerous",)}, "survey"),
    "c_coached": ("c", "handover", (2025, 2, 16), "fr", 10, "Le vendeur m'a promis un bon d'achat pour une note de 10",
                  "neutral", ("sales_process",), {"incentive": ("promis un bon d'achat",)}, "survey"),
    "a_quick": ("a", "handover", (2024, 11, 10), "en", 9, "Quick, no waiting at all",
                "positive", ("waiting_time",), {}, "survey"),
    "b_fine": ("b", "handover", (2024, 12, 1), "en", 8, "Handover was fine",
               "neutral", ("handover_experience",), {}, "survey"),
    # A case's follow-up answer: about the recovery, not the touchpoint, so never in theme figures or the lists.
    "a_follow_up": ("a", "handover", (2025, 2, 11), "en", 6, "Sorted now, but the waiting was long",
                    "negative", ("waiting_time",), {}, "follow_up"),
}


def plant_verbatims(world) -> dict[str, Response]:
    """Eight analysed verbatims over the ``world``'s dealers (see ``_PLANTED``), keyed by name.

    In ``PERIOD``, head office sees five journey verbatims: 3 negative, 1 neutral, 1 positive; waiting time and
    workmanship 2 each, communication, handover experience and sales process 1 each; two safety flags (B and C) and
    one incentive flag (C). ``PREVIOUS_PERIOD`` holds two (waiting time, positive; handover experience, neutral).
    """
    import datetime as dt

    from insidetrack.journeys.models import Touchpoint
    from insidetrack.surveys.tests.factories import ResponseFactory

    touchpoints = {t.code: t for t in Touchpoint.objects.filter(journey__brand=world.brand, journey__is_default=True)}
    planted = {}
    for key, (customer, touchpoint, day, language, score, text, sentiment, themes, flags, purpose) in (
            _PLANTED.items()):
        at = dt.datetime(*day, 10, 0, tzinfo=dt.UTC)
        response = ResponseFactory(invitation__event__customer=world.customers[customer],
                                   invitation__event__touchpoint=touchpoints[touchpoint], score=score, verbatim=text,
                                   language=language, purpose=purpose, submitted_at=at)
        analysis_for(response, sentiment=sentiment, themes=themes, incentive=flags.get("incentive", ()),
                     safety=flags.get("safety", ()))
        planted[key] = response
    return planted
