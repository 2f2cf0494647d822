"""The demo verbatims are the training ground for theme, sentiment and gaming detection: these tests pin down the
properties those features will rely on (ground truth that matches the text, realistic spread, stable output).

Pure Python, no database: runs with ``pytest insidetrack/demo/tests/test_phrases.py -p no:django``.
"""

from __future__ import annotations

import difflib
import itertools
import random
import re
from collections import Counter

import pytest

from insidetrack.demo.phrases import (
    LANGUAGES,
    THEMES,
    TOUCHPOINTS,
    Verbatim,
    compose_coached_verbatim,
    compose_emerging_verbatim,
    compose_incentive_verbatim,
    compose_templated_verbatim,
    compose_verbatim,
)
from insidetrack.demo.phrases.compose import typo
from insidetrack.demo.phrases.emerging import COMPLAINTS, FOLLOW_UPS

SENTIMENTS = {"negative", "neutral", "positive", "mixed"}
BANDS = ((0, 3), (4, 6), (7, 8), (9, 10))

# What a customer can plausibly comment on after each touchpoint; written out here independently of the package
# so that a bank edit which leaks, say, workmanship into a track day is caught.
ALLOWED_THEMES = {
    "enquiry": {"communication", "waiting_time", "staff_attitude", "digital_app", "sales_process", "price_value"},
    "test_drive": {"test_drive", "staff_attitude", "vehicle_quality", "sales_process", "communication"},
    "deposit": {
        "sales_process",
        "price_value",
        "communication",
        "staff_attitude",
        "waiting_time",
        "finance_paperwork",
    },
    "experience_event": {"events", "staff_attitude", "facilities", "vehicle_quality", "communication"},
    "finance_paperwork": {
        "finance_paperwork",
        "staff_attitude",
        "price_value",
        "waiting_time",
        "communication",
        "digital_app",
    },
    "handover": {
        "handover_experience",
        "staff_attitude",
        "vehicle_quality",
        "finance_paperwork",
        "waiting_time",
        "facilities",
        "communication",
    },
    "first_service": {
        "workmanship",
        "waiting_time",
        "communication",
        "staff_attitude",
        "courtesy_car",
        "price_value",
        "facilities",
        "digital_app",
    },
    "service_visit": {
        "workmanship",
        "waiting_time",
        "courtesy_car",
        "communication",
        "price_value",
        "staff_attitude",
        "facilities",
        "digital_app",
    },
    "ownership_checkin": {"communication", "vehicle_quality", "digital_app", "staff_attitude", "events"},
    "repurchase": {
        "price_value",
        "sales_process",
        "staff_attitude",
        "communication",
        "vehicle_quality",
        "finance_paperwork",
    },
}

INCENTIVE_WORDS = {
    "en": ("free", "voucher", "discount", "gift", "bonus"),
    "de": ("gratis", "kostenlos", "geschenk", "gutschein", "rabatt", "umsonst"),
    "fr": ("offert", "gratuit", "cadeau", "bon d'achat", "remise", "réduction"),
}
COACHED_WORDS = {
    "en": ("10", "score", "survey", "rate", "fail"),
    "de": ("10", "bewertung", "umfrage", "punkte"),
    "fr": ("10", "note", "questionnaire", "enquête", "demandé"),
}
FUNCTION_WORDS = {
    "en": {"the", "and", "was", "i", "to", "it", "my"},
    "de": {"und", "die", "der", "das", "ist", "war", "nicht", "ich", "mit", "den"},
    "fr": {"le", "la", "les", "et", "est", "pas", "de", "je", "un", "une", "à"},
}
COURTESY_WORDS = {
    "en": ("courtesy", "loan car"),
    "de": ("leihwagen", "ersatzwagen"),
    "fr": ("courtoisie", "voiture de prêt"),
}


def _organic(seed: int, n: int, **kwargs) -> list[Verbatim]:
    rng = random.Random(seed)
    return [compose_verbatim(rng, **kwargs) for _ in range(n)]


def _band_sample(seed: int, n: int, touchpoint: str, band: tuple[int, int], language: str) -> list[Verbatim]:
    rng = random.Random(seed)
    low, high = band
    return [
        compose_verbatim(rng, touchpoint=touchpoint, score=low + i % (high - low + 1), language=language)
        for i in range(n)
    ]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿäöüß]+", text.lower())


def test_public_constants_match_the_contract():
    assert THEMES == (
        "sales_process",
        "test_drive",
        "handover_experience",
        "finance_paperwork",
        "waiting_time",
        "courtesy_car",
        "communication",
        "price_value",
        "staff_attitude",
        "workmanship",
        "vehicle_quality",
        "facilities",
        "events",
        "digital_app",
    )
    assert TOUCHPOINTS == (
        "enquiry",
        "test_drive",
        "deposit",
        "experience_event",
        "finance_paperwork",
        "handover",
        "first_service",
        "service_visit",
        "ownership_checkin",
        "repurchase",
    )
    assert LANGUAGES == ("en", "de", "fr")


def test_same_rng_state_gives_same_output():
    def run(seed: int) -> list[Verbatim]:
        rng = random.Random(seed)
        out = []
        for i in range(300):
            touchpoint, language = TOUCHPOINTS[i % 10], LANGUAGES[i % 3]
            kwargs = {
                "touchpoint": touchpoint,
                "score": i % 11,
                "language": language,
                "model": "GT",
                "staff_name": "Ann Lee",
            }
            out.append(compose_verbatim(rng, **kwargs))
            out.append(compose_incentive_verbatim(rng, **kwargs))
            out.append(compose_coached_verbatim(rng, **kwargs))
            out.append(compose_templated_verbatim(rng, dealer_seed=i % 7, language=language))
        return out

    assert run(11) == run(11)
    assert run(11) != run(12)


def test_only_the_passed_rng_is_used():
    random.seed(1)
    first = _organic(5, 50, touchpoint="handover", score=9, language="en")
    random.seed(2)
    assert _organic(5, 50, touchpoint="handover", score=9, language="en") == first


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("touchpoint", TOUCHPOINTS)
def test_every_combination_returns_well_formed_verbatims(touchpoint, language):
    for score in range(11):
        sample = _organic(score, 80, touchpoint=touchpoint, score=score, language=language, model="GT")
        non_empty = [v for v in sample if v.text.strip()]
        assert len(non_empty) >= 0.85 * len(sample), (touchpoint, language, score)
        for v in sample:
            assert v.kind == "organic"
            assert v.sentiment in SENTIMENTS
            assert len(v.themes) <= 3
            assert len(set(v.themes)) == len(v.themes)
            assert set(v.themes) <= set(THEMES)
            assert "{" not in v.text and "}" not in v.text, v.text
            if not v.text:
                assert v.themes == ()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("band", BANDS)
def test_variety_per_touchpoint_band_and_language(band, language):
    for touchpoint in TOUCHPOINTS:
        texts = {v.text for v in _band_sample(3, 2000, touchpoint, band, language)}
        assert len(texts) >= 1200, (touchpoint, band, language, len(texts))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("touchpoint", TOUCHPOINTS)
def test_themes_fit_the_touchpoint(touchpoint, language):
    sample = _band_sample(8, 600, touchpoint, (0, 10), language)
    seen: Counter[str] = Counter()
    for v in sample:
        assert set(v.themes) <= ALLOWED_THEMES[touchpoint], (v.themes, v.text)
        seen.update(v.themes)
    with_themes = [v for v in sample if v.themes]
    assert len(with_themes) >= 0.75 * len(sample)
    if touchpoint == "experience_event":
        assert "workmanship" not in seen
        core = sum(bool({"events", "staff_attitude", "facilities"} & set(v.themes)) for v in with_themes)
        assert core >= 0.85 * len(with_themes)
    # the touchpoint's signature theme dominates
    signature = {"test_drive": "test_drive", "experience_event": "events", "handover": "handover_experience"}
    if touchpoint in signature:
        assert seen.most_common(1)[0][0] == signature[touchpoint]


@pytest.mark.parametrize("language", LANGUAGES)
def test_courtesy_car_theme_matches_the_words_used(language):
    sample = _band_sample(21, 3000, "service_visit", (0, 10), language)
    agree = sum(
        ("courtesy_car" in v.themes) == any(w in v.text.lower() for w in COURTESY_WORDS[language]) for v in sample
    )
    assert agree >= 0.97 * len(sample)
    assert sum("courtesy_car" in v.themes for v in sample) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_sentiment_tracks_score(language):
    shares = {}
    for band in BANDS:
        counts: Counter[str] = Counter()
        for touchpoint in TOUCHPOINTS:
            counts.update(v.sentiment for v in _band_sample(4, 300, touchpoint, band, language))
        total = sum(counts.values())
        shares[band] = {s: counts[s] / total for s in SENTIMENTS}
    assert shares[(0, 3)]["negative"] > 0.8
    assert shares[(9, 10)]["positive"] > 0.8
    assert shares[(4, 6)]["negative"] + shares[(4, 6)]["mixed"] > 0.6
    assert shares[(7, 8)]["mixed"] + shares[(7, 8)]["positive"] > 0.6
    # realism: some answers are off-tone, but only a few
    assert 0.01 < shares[(9, 10)]["mixed"] < 0.12
    assert 0.01 < shares[(4, 6)]["positive"] < 0.12


@pytest.mark.parametrize("language", LANGUAGES)
def test_lengths_and_noise_look_like_real_answers(language):
    sample = [v for v in _band_sample(6, 4000, "service_visit", (0, 10), language) if v.text]
    n = len(sample)
    very_short = sum(len(v.text.split()) <= 4 for v in sample) / n
    long = sum(len(re.findall(r"[.!?](\s|$)", v.text)) >= 3 for v in sample) / n
    lowercase = sum(v.text == v.text.lower() and len(v.text) > 30 for v in sample) / n
    exclaim = sum("!" in v.text for v in sample) / n
    shouted = sum(any(w.isupper() and len(w) >= 4 and w.isalpha() for w in v.text.split()) for v in sample) / n
    assert 0.10 < very_short < 0.30
    assert 0.06 < long < 0.25
    assert 0.03 < lowercase < 0.2
    assert exclaim > 0.05
    assert 0.005 < shouted < 0.1


def test_typo_is_deterministic_and_small():
    text = "The service advisor explained everything clearly"
    a = typo(text, random.Random(1).random)
    assert a == typo(text, random.Random(1).random)
    assert a != text
    changed = [(x, y) for x, y in zip(text.split(), a.split(), strict=True) if x != y]
    assert len(changed) == 1
    assert changed[0][0][0] == changed[0][1][0]
    assert abs(len(changed[0][0]) - len(changed[0][1])) <= 1
    assert typo("ok", random.Random(1).random) == "ok"


@pytest.mark.parametrize("language", LANGUAGES)
def test_model_and_staff_first_name_appear_sometimes(language):
    sample = _organic(
        9, 3000, touchpoint="handover", score=10, language=language, model="Astra GT", staff_name="Kim Novak"
    )
    assert sum("Astra GT" in v.text for v in sample) > 30
    assert sum("Kim" in v.text for v in sample) > 30
    assert not any("Novak" in v.text for v in sample)
    assert all("staff_attitude" in v.themes for v in sample if "Kim" in v.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_incentive_texts_mention_the_incentive(language):
    rng = random.Random(13)
    for i in range(400):
        v = compose_incentive_verbatim(rng, touchpoint=TOUCHPOINTS[i % 10], score=10 - i % 3, language=language)
        assert v.kind == "incentive"
        assert v.sentiment in SENTIMENTS
        assert set(v.themes) <= ALLOWED_THEMES[TOUCHPOINTS[i % 10]]
        assert any(w in v.text.lower() for w in INCENTIVE_WORDS[language]), v.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_coached_texts_mention_the_score_request(language):
    rng = random.Random(17)
    for i in range(400):
        v = compose_coached_verbatim(rng, touchpoint=TOUCHPOINTS[i % 10], score=10 - i % 2, language=language)
        assert v.kind == "coached"
        assert v.sentiment in SENTIMENTS
        lowered = v.text.lower()
        assert "10" in lowered and any(w in lowered for w in COACHED_WORDS[language]), v.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_templated_texts_repeat_within_a_dealer_and_differ_between_dealers(language):
    sets = {}
    for seed in range(40):
        rng = random.Random(seed)
        sample = [compose_templated_verbatim(rng, dealer_seed=seed, language=language) for _ in range(200)]
        assert all(v.kind == "templated" and v.sentiment == "positive" for v in sample)
        assert len({v.themes for v in sample}) == 1
        texts = sorted({v.text for v in sample})
        assert 3 <= len(texts) <= 5
        for a, b in itertools.permutations(texts, 2):
            assert difflib.SequenceMatcher(None, a, b).ratio() > 0.8, (a, b)
        sets[seed] = texts
    # another rng state draws from the same fixed set
    other = {compose_templated_verbatim(random.Random(99), dealer_seed=5, language=language).text for _ in range(1)}
    assert other <= set(sets[5])
    assert sets[1] != sets[2]
    distinct_sets = {tuple(texts) for texts in sets.values()}
    assert len(distinct_sets) >= 38
    cross = [difflib.SequenceMatcher(None, sets[a][0], sets[b][0]).ratio() for a, b in itertools.combinations(sets, 2)]
    assert sum(cross) / len(cross) < 0.6


def test_languages_look_right():
    samples = {
        language: " ".join(v.text for v in _band_sample(30, 1500, TOUCHPOINTS[i % 10], (0, 10), language))
        for i, language in enumerate(LANGUAGES)
    }
    for language, text in samples.items():
        counts = Counter(_words(text))
        own = sum(counts[w] for w in FUNCTION_WORDS[language])
        for other in LANGUAGES:
            if other != language:
                foreign = sum(counts[w] for w in FUNCTION_WORDS[other] - FUNCTION_WORDS[language])
                assert own > 5 * foreign, (language, other, own, foreign)
    assert "autohaus" in samples["de"].lower() or "werkstatt" in samples["de"].lower()
    assert Counter(_words(samples["de"]))["the"] < 5
    assert Counter(_words(samples["fr"]))["the"] < 5


def test_native_vocabulary_is_used():
    def joined(touchpoint: str, language: str) -> str:
        return " ".join(v.text.lower() for v in _band_sample(2, 1500, touchpoint, (0, 10), language))

    de_service, fr_service = joined("service_visit", "de"), joined("service_visit", "fr")
    de_handover, fr_handover = joined("handover", "de"), joined("handover", "fr")
    assert "werkstatt" in de_service and "leihwagen" in de_service
    assert "übergabe" in de_handover
    assert "probefahrt" in joined("test_drive", "de")
    assert "atelier" in fr_service and "véhicule de courtoisie" in fr_service
    assert "livraison" in fr_handover and "concession" in fr_handover
    assert "essai" in joined("test_drive", "fr")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"touchpoint": "oil_change", "score": 5, "language": "en"}, "touchpoint"),
        ({"touchpoint": "handover", "score": 5, "language": "es"}, "language"),
        ({"touchpoint": "handover", "score": 11, "language": "en"}, "score"),
        ({"touchpoint": "handover", "score": -1, "language": "de"}, "score"),
    ],
)
def test_invalid_arguments_are_rejected(kwargs, message):
    for compose in (compose_verbatim, compose_incentive_verbatim, compose_coached_verbatim):
        with pytest.raises(ValueError, match=message):
            compose(random.Random(0), **kwargs)
    with pytest.raises(ValueError, match="language"):
        compose_templated_verbatim(random.Random(0), dealer_seed=1, language="it")


# ---------------------------------------------------------------------------------------------- the emerging problem

CAMERA = {"en": "camera", "de": "kamera", "fr": "caméra"}


def test_emerging_phrases_exist_in_every_language_without_duplicates():
    assert set(COMPLAINTS) == set(FOLLOW_UPS) == set(LANGUAGES)
    every = []
    for language in LANGUAGES:
        complaints, follow_ups = COMPLAINTS[language], FOLLOW_UPS[language]
        assert len(complaints) >= 10 and len(follow_ups) >= 8, language
        assert len(set(complaints)) == len(complaints) and len(set(follow_ups)) == len(follow_ups), language
        # every complaint names the camera, in the language's own word, so the problem is the same one
        assert all(CAMERA[language] in text.lower() for text in complaints), language
        # bank conventions: complaints are fragments, follow-ups whole sentences
        assert all(text[0].islower() and text[-1] not in ".!" for text in complaints), language
        assert all(text[0].isupper() and text.endswith(".") for text in follow_ups), language
        every.extend(complaints + follow_ups)
    assert len(set(every)) == len(every)


@pytest.mark.parametrize("language", LANGUAGES)
def test_emerging_verbatims_are_negative_complaints_about_no_theme(language):
    rng = random.Random(11)
    sample = [compose_emerging_verbatim(rng, language=language, model="Strada") for _ in range(400)]
    assert all(v.themes == () and v.sentiment == "negative" and v.kind == "organic" for v in sample)
    texts = [v.text for v in sample]
    assert all(texts) and not any("{" in text for text in texts)
    assert len(set(texts)) > 250  # varied, not a handful of templates
    assert sum(CAMERA[language] in text.lower() for text in texts) > 0.9 * len(texts)  # a few typos hit the word
    assert any("Strada" in text for text in texts) and any(len(text) > 150 for text in texts)
    words = Counter(w for text in texts for w in _words(text))
    own = sum(words[w] for w in FUNCTION_WORDS[language])
    for other in LANGUAGES:
        if other != language:
            assert own > 5 * sum(words[w] for w in FUNCTION_WORDS[other] - FUNCTION_WORDS[language])


def test_emerging_verbatims_are_deterministic_and_the_problem_is_new_to_the_banks():
    first = [compose_emerging_verbatim(random.Random(5), language=lang).text for lang in LANGUAGES]
    again = [compose_emerging_verbatim(random.Random(5), language=lang).text for lang in LANGUAGES]
    assert first == again
    # the ordinary answers never talk about a camera: the problem fits none of the themes' wording
    for language in LANGUAGES:
        for touchpoint in ("service_visit", "ownership_checkin"):
            background = " ".join(v.text.lower() for v in _band_sample(3, 1500, touchpoint, (0, 10), language))
            assert CAMERA[language] not in background
    with pytest.raises(ValueError, match="language"):
        compose_emerging_verbatim(random.Random(0), language="it")
