"""The composition engine shared by all languages.

Texts are assembled from independent choices (opener, 1-3 theme clauses, connectors, closer, story line, style
noise) instead of one template per score, so that the demo world has the long tail of phrasings that theme and
sentiment classifiers will meet in production, while every choice is recorded as ground truth.

Only ``rng.random()`` of the caller's generator is used (indexing by ``int(r * len)``): it is several times
cheaper than ``rng.choice`` and keeps 100,000 texts well under two seconds, and a given generator state always
yields the same text.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from . import de, emerging, en, fr
from .base import LANGUAGES, THEMES, TOUCHPOINT_GROUP, TOUCHPOINT_THEMES, TOUCHPOINTS, Bank, Verbatim

BANKS: Mapping[str, Bank] = {"en": en.BANK, "de": de.BANK, "fr": fr.BANK}

# Rates chosen to look like real survey exports: a few skipped boxes, many one-word answers, some essays.
BLANK_RATE = 0.04
SHORT_RATE = 0.15
LONG_RATE = 0.10
LOWER_RATE = 0.10
NO_FINAL_PUNCT_RATE = 0.12
TYPO_RATE = 0.08
CAPS_RATE = 0.10  # of negative texts: one shouted word

# score band -> cumulative (probability, tone, off_tone). About 5% of answers do not match their score.
_TONE_TABLE: tuple[tuple[tuple[float, str, bool], ...], ...] = (
    ((0.95, "negative", False), (0.98, "neutral", True), (1.0, "mixed", True)),
    ((0.45, "negative", False), (0.80, "mixed", False), (0.95, "neutral", False), (1.0, "positive", True)),
    ((0.50, "mixed", False), (0.85, "positive", False), (0.95, "neutral", False), (1.0, "negative", True)),
    ((0.95, "positive", False), (1.0, "mixed", True)),
)
_BAND_OF_SCORE = (0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3)

_SENTENCE_END = (". ", "! ")
_VOWELS = frozenset("aeiouyhàâäéèêëîïôöûüœ")
_POLARITY_OF_TONE = {"positive": "p", "negative": "n", "neutral": "z"}
_THEME_ORDER = {theme: i for i, theme in enumerate(THEMES)}
_LANGUAGE_SALT = {"en": 0x5EED_0E11, "de": 0x5EED_0DE0, "fr": 0x5EED_0F70}

Rand = Callable[[], float]


def _pick(seq, rand: Rand):
    return seq[int(rand() * len(seq))]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


@dataclass(frozen=True, slots=True)
class _Plan:
    """Everything resolved for one (language, touchpoint), so composing does no lookups along fallback chains."""

    bank: Bank
    touchpoint: str
    pool: tuple[str, ...]
    positive: Mapping[str, tuple[str, ...]]
    negative: Mapping[str, tuple[str, ...]]
    neutral: Mapping[str, tuple[str, ...]]
    short: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]
    stories: tuple[str, ...]
    contrast_after_positive: tuple[str, ...]


def _resolve(mapping: Mapping, touchpoint: str, what: str):
    for key in (touchpoint, TOUCHPOINT_GROUP[touchpoint], "*"):
        if key in mapping:
            return mapping[key]
    raise LookupError(f"phrase bank has no {what} for touchpoint {touchpoint!r}")


def _build_plan(bank: Bank, touchpoint: str) -> _Plan:
    weights = TOUCHPOINT_THEMES[touchpoint]
    pool = tuple(theme for theme, weight in weights.items() for _ in range(weight))
    positive, negative, neutral = {}, {}, {}
    for theme in weights:
        if theme not in THEMES:
            raise LookupError(f"unknown theme {theme!r}")
        pos, neg = _resolve(bank.clauses[theme], touchpoint, f"{theme} clauses")
        nouns = _resolve(bank.nouns[theme], touchpoint, f"{theme} nouns")
        if not pos or not neg or not nouns:
            raise LookupError(f"empty {theme} bank for {touchpoint!r}")
        positive[theme], negative[theme] = pos, neg
        neutral[theme] = tuple(t.replace("{n}", n) for t in bank.neutral_templates for n in nouns)
    short: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    for tone, entries in bank.short.items():
        merged = list(entries)
        for key in (touchpoint, TOUCHPOINT_GROUP[touchpoint]):
            merged.extend(bank.short_by_context.get(key, {}).get(tone, ()))
        for _text, themes in merged:
            if not set(themes) <= set(weights):
                raise LookupError(f"short answer themes {themes} do not fit {touchpoint!r}")
        short[tone] = tuple(merged)
    return _Plan(
        bank=bank,
        touchpoint=touchpoint,
        pool=pool,
        positive=positive,
        negative=negative,
        neutral=neutral,
        short=short,
        stories=_resolve(bank.stories, touchpoint, "stories"),
        contrast_after_positive=bank.join_contrast + bank.join_then_negative,
    )


_PLANS: Mapping[tuple[str, str], _Plan] = {
    (language, touchpoint): _build_plan(BANKS[language], touchpoint)
    for language in LANGUAGES
    for touchpoint in TOUCHPOINTS
}


def _plan(language: str, touchpoint: str) -> _Plan:
    try:
        return _PLANS[(language, touchpoint)]
    except KeyError:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}") from None
        raise ValueError(f"unknown touchpoint {touchpoint!r}; expected one of {TOUCHPOINTS}") from None


def _check_score(score: int) -> None:
    if not isinstance(score, int) or not 0 <= score <= 10:
        raise ValueError(f"score must be an integer from 0 to 10, got {score!r}")


def _pick_tone(rand: Rand, score: int) -> tuple[str, bool]:
    r = rand()
    for threshold, tone, off_tone in _TONE_TABLE[_BAND_OF_SCORE[score]]:
        if r < threshold:
            return tone, off_tone
    return tone, off_tone  # r is below 1.0, kept for type checkers


def typo(text: str, rand: Rand) -> str:
    """Damage one word the way thumbs on a phone do (swap, drop or double a letter), reproducibly.

    Only words of four letters or more are touched, and never their first letter, which is how real typos look
    and keeps short answers and keywords mostly recognisable.
    """
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if not candidates:
        return text
    i = _pick(candidates, rand)
    word = words[i]
    j = 1 + int(rand() * (len(word) - 2))
    op = rand()
    if op < 0.45:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif op < 0.8:
        word = word[:j] + word[j + 1 :]
    else:
        word = word[: j + 1] + word[j:]
    words[i] = word
    return " ".join(words)


def _shout(text: str, rand: Rand) -> str:
    words = text.split(" ")
    candidates = [i for i, word in enumerate(words) if len(word) >= 4 and word.isalpha()]
    if candidates:
        i = _pick(candidates, rand)
        words[i] = words[i].upper()
    return " ".join(words)


def _style(text: str, tone: str, rand: Rand, lower_rate: float, typo_rate: float) -> str:
    if rand() < lower_rate:
        text = text.lower()
    if rand() < NO_FINAL_PUNCT_RATE:
        text = text.rstrip(".! ")
    if rand() < typo_rate:
        text = typo(text, rand)
        if rand() < 0.35:
            text = typo(text, rand)
    if tone == "negative" and rand() < CAPS_RATE:
        text = _shout(text, rand)
    return text


def _sample_themes(pool: tuple[str, ...], k: int, rand: Rand) -> list[str]:
    chosen: list[str] = []
    size = len(pool)
    for _ in range(12 * k):
        theme = pool[int(rand() * size)]
        if theme not in chosen:
            chosen.append(theme)
            if len(chosen) == k:
                break
    return chosen


def _join(clauses: list[str], seps: tuple[str, ...], rand: Rand) -> str:
    text = clauses[0]
    previous = ""
    for clause in clauses[1:]:
        sep = _pick(seps, rand)
        if sep == previous:  # "and X and Y" reads like a template
            sep = _pick(seps, rand)
        text += sep + (_cap(clause) if sep.endswith(_SENTENCE_END) else clause)
        previous = sep
    return text


def _substitute(text: str, bank: Bank, model: str, first_name: str, score: int, rand: Rand) -> str:
    if "{" not in text:
        return text
    use_model = bool(model) and rand() < 0.6
    before_vowel = use_model and model[0].lower() in _VOWELS
    for placeholder, (plain, with_model, with_model_elided) in bank.car_forms.items():
        if placeholder in text:
            value = (
                (with_model_elided if before_vowel else with_model).replace("{model}", model) if use_model else plain
            )
            # placeholders can open a sentence, which was capitalised before the value was known
            if text.startswith(placeholder):
                text = _cap(value) + text[len(placeholder) :]
            for stop in _SENTENCE_END:
                text = text.replace(stop + placeholder, stop + _cap(value))
            text = text.replace(placeholder, value)
    return text.replace("{name}", first_name).replace("{score}", str(score))


def _body(plan: _Plan, tone: str, k: int, first_name: str, rand: Rand) -> tuple[str, list[str]]:
    bank = plan.bank
    themes = _sample_themes(plan.pool, k, rand)
    if tone == "mixed" and len(themes) == 1:
        theme = themes[0]
        if rand() < 0.5:
            clause = _pick(plan.positive[theme], rand)
            return clause + _pick(bank.join_contrast, rand) + _pick(bank.reservations, rand), themes
        clause = _pick(plan.negative[theme], rand)
        first = _pick(bank.soft_positives, rand)
        sep = _pick(plan.contrast_after_positive, rand)
        return first + sep + (_cap(clause) if sep.endswith(_SENTENCE_END) else clause), themes

    if tone == "mixed":
        polarity = ["p", "n"] + ["p" if rand() < 0.5 else "n" for _ in themes[2:]]
    else:
        polarity = [_POLARITY_OF_TONE[tone]] * len(themes)

    good: list[str] = []
    bad: list[str] = []
    for theme, pol in zip(themes, polarity, strict=True):
        if pol == "z":
            good.append(_pick(plan.neutral[theme], rand))
            continue
        if first_name and theme == "staff_attitude" and rand() < 0.5:
            clause = _pick(bank.name_clauses[0] if pol == "p" else bank.name_clauses[1], rand)
        else:
            clause = _pick(plan.positive[theme] if pol == "p" else plan.negative[theme], rand)
        (good if pol == "p" else bad).append(clause)

    if not bad:
        return _join(good, bank.join_same, rand), themes
    if not good:
        return _join(bad, bank.join_same, rand), themes
    if rand() < 0.7:
        sep = _pick(plan.contrast_after_positive, rand)
        first, second = _join(good, bank.join_same, rand), _join(bad, bank.join_same, rand)
    else:
        sep = _pick(bank.join_contrast, rand)
        first, second = _join(bad, bank.join_same, rand), _join(good, bank.join_same, rand)
    return first + sep + (_cap(second) if sep.endswith(_SENTENCE_END) else second), themes


def _organic(
    plan: _Plan,
    rand: Rand,
    tone: str,
    off_tone: bool,
    score: int,
    model: str,
    first_name: str,
    allow_blank: bool,
) -> tuple[str, tuple[str, ...]]:
    """Return (text, themes) in the given tone; the caller owns the tone so it can also be the ground truth."""
    bank = plan.bank
    if allow_blank and rand() < BLANK_RATE:
        return "", ()
    r = rand()
    if r < SHORT_RATE:
        text, themes = _pick(plan.short[tone], rand)
        if tone == "positive" and rand() < 0.15:
            text = text.rstrip(".!") + "!!"
        return _style(text, tone, rand, 0.2, 0.04), themes

    is_long = r > 1.0 - LONG_RATE
    if is_long:
        k = 2 if rand() < 0.6 else 3
    elif tone == "neutral":
        k = 1 if rand() < 0.75 else 2
    else:
        r = rand()
        k = 1 if r < (0.25 if tone == "mixed" else 0.55) else 2 if r < 0.9 else 3
    body, themes = _body(plan, tone, k, first_name, rand)

    r = rand()
    if tone == "positive" and r < 0.24:
        body += "!!" if r < 0.04 else "!"
    elif tone == "negative" and r < 0.1:
        body += "!!!" if r < 0.02 else "!"
    else:
        body += "."
    parts = []
    score_line_ok = not off_tone and not (score == 10 and tone in ("mixed", "negative"))
    if is_long:
        # a small story: scene, what happened, verdict - at least three sentences
        has_opener = rand() < 0.5
        if has_opener:
            parts.append(_pick(bank.openers[tone], rand))
        parts.append(_pick(plan.stories, rand))
        parts.append(_cap(body))
        if rand() < (0.6 if has_opener else 1.0):
            parts.append(_pick(bank.closers[tone], rand))
        if score_line_ok and rand() < 0.1:
            parts.append(_pick(bank.score_closers[tone], rand))
    else:
        # most answers are one or two sentences: at most one frame around the body
        r = rand()
        if r < 0.22:
            parts.append(_pick(bank.openers[tone], rand))
            parts.append(_cap(body))
        elif rand() < 0.2:
            lead_in = _pick(bank.lead_ins[tone], rand)
            starts_sentence = lead_in.endswith(". ") or (bank.capitalise_after_colon and lead_in.endswith(": "))
            parts.append(lead_in + (_cap(body) if starts_sentence else body))
        else:
            parts.append(_cap(body))
        if 0.22 <= r < 0.40:
            parts.append(_pick(bank.closers[tone], rand))
        elif 0.40 <= r < 0.46 and score_line_ok:
            parts.append(_pick(bank.score_closers[tone], rand))
    text = _substitute(" ".join(parts), bank, model, first_name, score, rand)
    ordered = tuple(sorted(themes, key=_THEME_ORDER.__getitem__))
    return _style(text, tone, rand, LOWER_RATE, TYPO_RATE), ordered


def _first_name(staff_name: str) -> str:
    parts = staff_name.split()
    return parts[0] if parts else ""


def _ensure_stop(text: str) -> str:
    return text if text.endswith((".", "!", "?", ")")) else text + "."


def compose_verbatim(
    rng: random.Random,
    *,
    touchpoint: str,
    score: int,
    language: str,
    model: str = "",
    staff_name: str = "",
) -> Verbatim:
    """Compose what a genuine customer writes after ``touchpoint`` having given ``score`` (0-10).

    The score sets the tone (with ~5% deliberately off-tone answers, labelled with the tone of the text), the
    touchpoint decides what can be talked about, and about 4% of answers are left blank like real skipped boxes
    (blank answers are labelled neutral with no themes).
    """
    plan = _plan(language, touchpoint)
    _check_score(score)
    rand = rng.random
    tone, off_tone = _pick_tone(rand, score)
    text, themes = _organic(plan, rand, tone, off_tone, score, model, _first_name(staff_name), allow_blank=True)
    if not text:
        return Verbatim(text="", themes=(), sentiment="neutral", kind="organic")
    return Verbatim(text=text, themes=themes, sentiment=tone, kind="organic")


def compose_incentive_verbatim(
    rng: random.Random,
    *,
    touchpoint: str,
    score: int,
    language: str,
    model: str = "",
    staff_name: str = "",
) -> Verbatim:
    """Compose an answer that gives away a bribed score ("free floor mats for a top score").

    The organic part is produced exactly like a genuine answer so that gaming detection has to find the
    incentive mention rather than a stylistic tell; the mention itself carries no theme and no tone.
    """
    plan = _plan(language, touchpoint)
    _check_score(score)
    rand = rng.random
    tone, off_tone = _pick_tone(rand, score)
    text, themes = _organic(plan, rand, tone, off_tone, score, model, _first_name(staff_name), allow_blank=False)
    mention = _pick(plan.bank.incentive, rand)
    if rand() < 0.1:
        mention = mention.lower()
    text = _ensure_stop(text) + " " + mention if rand() < 0.75 else mention + " " + text
    return Verbatim(text=text, themes=themes, sentiment=tone, kind="incentive")


def compose_coached_verbatim(
    rng: random.Random,
    *,
    touchpoint: str,
    score: int,
    language: str,
    model: str = "",
    staff_name: str = "",
) -> Verbatim:
    """Compose an answer revealing score begging ("anything below 10 counts as a fail").

    Some customers write only the remark; an annoyed remark after a positive text makes the whole text mixed.
    """
    plan = _plan(language, touchpoint)
    _check_score(score)
    rand = rng.random
    tone, off_tone = _pick_tone(rand, score)
    mention, mention_tone = _pick(plan.bank.coached, rand)
    if rand() < 0.1:
        return Verbatim(text=mention, themes=(), sentiment=mention_tone, kind="coached")
    text, themes = _organic(plan, rand, tone, off_tone, score, model, _first_name(staff_name), allow_blank=False)
    text = _ensure_stop(text) + " " + mention if rand() < 0.75 else mention + " " + text
    if mention_tone == "negative":
        tone = {"positive": "mixed", "neutral": "negative"}.get(tone, tone)
    return Verbatim(text=text, themes=themes, sentiment=tone, kind="coached")


def compose_emerging_verbatim(rng: random.Random, *, language: str, model: str = "") -> Verbatim:
    """Compose a complaint about the planted emerging problem (see ``phrases.emerging``).

    The same noise as genuine answers (frames, lower case, typos) so that nothing but the words sets these texts
    apart. Ground truth: no theme of the taxonomy, negative, organic (a real customer, not a gamed answer).
    """
    if language not in BANKS:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    bank = BANKS[language]
    rand = rng.random
    body = _pick(emerging.COMPLAINTS[language], rand)
    r = rand()
    if r < 0.2:
        text = _pick(bank.openers["negative"], rand) + " " + _cap(body)
    elif r < 0.35:
        lead_in = _pick(bank.lead_ins["negative"], rand)
        starts_sentence = lead_in.endswith(". ") or (bank.capitalise_after_colon and lead_in.endswith(": "))
        text = lead_in + (_cap(body) if starts_sentence else body)
    else:
        text = _cap(body)
    text += "!" if rand() < 0.12 else "."
    if rand() < 0.55:
        text += " " + _pick(emerging.FOLLOW_UPS[language], rand)
    if rand() < 0.2:
        text += " " + _pick(bank.closers["negative"], rand)
    text = _substitute(text, bank, model, "", 0, rand)
    return Verbatim(text=_style(text, "negative", rand, LOWER_RATE, TYPO_RATE), themes=(), sentiment="negative",
                    kind="organic")


def _splitmix64(x: int) -> int:
    x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return x ^ (x >> 31)


# Variants must stay near-duplicates of each other (that is the tell being simulated), including the pair where one
# changed a word and the other the punctuation, so candidates too far from an accepted variant are skipped.
_MIN_TEMPLATE_SIMILARITY = 0.84


def _similarity(a: str, b: str) -> float:
    # SequenceMatcher.ratio() depends on argument order; whoever compares the variants may use either order
    return min(SequenceMatcher(None, a, b).ratio(), SequenceMatcher(None, b, a).ratio())


@lru_cache(maxsize=4096)
def _dealer_templates(dealer_seed: int, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # derived from the seed alone (no rng) so that every call, whatever the rng state, agrees on the dealer's set
    bank = BANKS[language]
    h = _splitmix64((dealer_seed * 0x100000001B3) ^ _LANGUAGE_SALT[language])
    head, alternatives, head_themes = bank.templated_heads[h % len(bank.templated_heads)]
    tail, tail_themes = bank.templated_tails[(h >> 8) % len(bank.templated_tails)]
    name = bank.first_names[(h >> 16) % len(bank.first_names)]
    count = 3 + (h >> 24) % 3
    word0 = (h >> 32) % len(alternatives)
    end0 = (h >> 40) % len(bank.templated_endings)
    endings = bank.templated_endings
    # punctuation-only changes first, one word change interleaved, so at least the punctuation variants fit
    steps = [(0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (2, 0), (0, 4), (1, 1)]
    variants: list[str] = []
    for word_step, end_step in steps:
        text = (
            head.replace("{w}", alternatives[(word0 + word_step) % len(alternatives)])
            + tail.replace("{name}", name)
            + endings[(end0 + end_step) % len(endings)]
        )
        if text not in variants and all(_similarity(text, other) >= _MIN_TEMPLATE_SIMILARITY for other in variants):
            variants.append(text)
            if len(variants) == count:
                break
    themes = tuple(theme for theme in THEMES if theme in head_themes or theme in tail_themes)
    return tuple(variants), themes


def compose_templated_verbatim(rng: random.Random, *, dealer_seed: int, language: str) -> Verbatim:
    """Compose what a dealer employee types when filling in surveys on the showroom tablet.

    Each ``dealer_seed`` owns a fixed set of 3-5 near-identical glowing texts (same sentence, one word or the
    punctuation changed), which is exactly the repetition that templated-response detection must spot.
    """
    if language not in BANKS:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    variants, themes = _dealer_templates(dealer_seed, language)
    return Verbatim(text=_pick(variants, rng.random), themes=themes, sentiment="positive", kind="templated")
