"""Emerging clusters: a planted new problem among varied comments is found, labelled and ranked; noise is not."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from insidetrack.verbatims.nlp import emerging
from insidetrack.verbatims.nlp.emerging import Cluster, find_emerging_clusters

# Fragments for varied, unrelated dealer comments: each comment picks a subject, a judgement and sometimes a
# circumstance in one of three languages, so that comments share a word here and there but no topic dominates.
_SUBJECTS = {
    "en": ["the salesman", "the service advisor", "the receptionist", "the workshop", "the parts department",
           "the finance manager", "the showroom", "the coffee", "the loan car", "the car wash", "the appointment",
           "the invoice", "the handover", "the test drive", "the paintwork", "the new tyres", "the brake job",
           "the parking", "the website", "the phone line", "the warranty claim", "the trade-in offer",
           "the delivery date", "the oil change", "the valet"],
    "de": ["der Verkäufer", "die Werkstatt", "der Kaffee", "das Ersatzfahrzeug", "die Rechnung", "die Übergabe",
           "die Probefahrt", "der Serviceberater", "die Terminvergabe", "der Reifenwechsel", "die Bremsen",
           "der Parkplatz", "die Wartezeit", "das Angebot für meinen Gebrauchten", "die Finanzierung",
           "die Fahrzeugwäsche", "der Kundendienst", "die Inspektion", "das Autohaus", "die Lieferzeit"],
    "fr": ["le vendeur", "l'atelier", "le café", "le véhicule de prêt", "la facture", "la livraison",
           "l'essai routier", "le conseiller", "la prise de rendez-vous", "le changement de pneus", "les freins",
           "le parking", "l'attente", "la reprise de mon ancienne voiture", "le financement", "le lavage",
           "la révision", "la concession"],
}
_JUDGEMENTS = {
    "en": ["was rather slow", "took far too long", "was friendly enough", "cost more than expected",
           "felt rushed", "was not explained properly", "needs improvement", "was excellent",
           "was a bit disappointing", "could be better organised", "was spot on", "was a real hassle",
           "exceeded my expectations", "was confusing", "was handled professionally"],
    "de": ["war ziemlich langsam", "hat viel zu lange gedauert", "war freundlich", "war teurer als gedacht",
           "wirkte gehetzt", "wurde nicht richtig erklärt", "ist verbesserungswürdig", "war hervorragend",
           "war etwas enttäuschend", "könnte besser organisiert sein", "war top", "war umständlich"],
    "fr": ["était assez lent", "a pris beaucoup trop de temps", "était sympathique", "a coûté plus que prévu",
           "était bâclé", "n'a pas été bien expliqué", "doit être amélioré", "était excellent",
           "était un peu décevant", "pourrait être mieux organisé", "était parfait", "était compliqué"],
}
_CIRCUMSTANCES = {
    "en": ["last Tuesday", "when I picked up the car", "at the Munich branch", "after the annual inspection",
           "this time", "compared to my last visit", "on a Saturday morning", "for the second time"],
    "de": ["letzten Dienstag", "bei der Abholung", "in der Filiale", "nach der Inspektion", "diesmal",
           "im Vergleich zum letzten Besuch", "am Samstagvormittag"],
    "fr": ["mardi dernier", "lors de la récupération", "à la succursale", "après l'entretien annuel", "cette fois",
           "par rapport à ma dernière visite"],
}

# The planted problem, in varied wording: what customers might write when a software release blanks the screen.
_SCREEN_EN = ["The infotainment screen goes black {when}", "Infotainment display went completely black {when}",
              "{When_cap} the central screen stays black", "Screen of the infotainment system turns black {when}",
              "My infotainment screen just goes dark {when}, sat nav gone",
              "Black screen on the infotainment display again {when}",
              "The display of the infotainment keeps going black",
              "infotainment screen black {when}, had to restart the car"]
_SCREEN_DE = ["Der Bildschirm vom Infotainment bleibt schwarz {wann}", "Infotainment Display bleibt {wann} schwarz",
              "{Wann_cap} bleibt der Bildschirm schwarz", "Bildschirm des Infotainmentsystems wird {wann} schwarz",
              "Das Display vom Infotainment ist {wann} schwarz", "Schwarzer Bildschirm im Infotainment {wann}"]
_WHEN = ["after the software update", "on the motorway", "every time I start the car", "after ten minutes",
         "since the last service", "while driving"]
_WANN = ["nach dem Softwareupdate", "auf der Autobahn", "nach jedem Start", "nach zehn Minuten",
         "seit der letzten Inspektion", "während der Fahrt"]


# A constant problem, there before and still there.
_COFFEE = ["The coffee machine in the lounge was broken {again}", "Coffee machine out of order {again}",
           "Kaffeemaschine im Wartebereich {wieder} kaputt", "No coffee, the machine was broken {again}",
           "Die Kaffeemaschine war {wieder} defekt", "Coffee machine in the waiting area not working {again}"]
_AGAIN = ["again", "as usual", "once more", "like last time"]
_WIEDER = ["wieder", "schon wieder", "wie immer", "erneut"]


def dealer_comments(count: int, rng: random.Random) -> list[str]:
    comments = []
    for _ in range(count):
        language = rng.choice(["en", "en", "de", "fr"])
        text = f"{rng.choice(_SUBJECTS[language])} {rng.choice(_JUDGEMENTS[language])}"
        if rng.random() < 0.5:
            text += f" {rng.choice(_CIRCUMSTANCES[language])}"
        comments.append(text[0].upper() + text[1:] + rng.choice([".", "!", ""]))
    return comments


def screen_complaints(count: int, rng: random.Random) -> list[str]:
    complaints: list[str] = []
    while len(complaints) < count:
        if rng.random() < 0.6:
            when = rng.choice(_WHEN)
            text = rng.choice(_SCREEN_EN).format(when=when, When_cap=when[0].upper() + when[1:])
        else:
            wann = rng.choice(_WANN)
            text = rng.choice(_SCREEN_DE).format(wann=wann, Wann_cap=wann[0].upper() + wann[1:])
        if text not in complaints:
            complaints.append(text)
    return complaints


def coffee_complaints(count: int, rng: random.Random) -> list[str]:
    return [rng.choice(_COFFEE).format(again=rng.choice(_AGAIN), wieder=rng.choice(_WIEDER)) for _ in range(count)]


def unique_texts(count: int, rng: random.Random) -> list[str]:
    """Texts of made-up words that no other text uses: nothing in them is shared, so nothing may be grouped."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    seen: set[str] = set()
    texts = []
    for _ in range(count):
        words = []
        while len(words) < 6:
            word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        texts.append(" ".join(words))
    return texts


def planted(seed: int = 7) -> tuple[list[str], set[int]]:
    """200 varied comments with 15 screen complaints shuffled in; returns the texts and the complaints' indices."""
    rng = random.Random(seed)
    texts = [(text, False) for text in dealer_comments(200, rng)] + [(t, True) for t in screen_complaints(15, rng)]
    rng.shuffle(texts)
    return [text for text, _ in texts], {i for i, (_, is_screen) in enumerate(texts) if is_screen}


def without_product_words(texts: list[str], screen: set[int]) -> list[str]:
    """The complaints without "Infotainment"/"Display": English and German ones then share no word."""
    return [" ".join(re.sub(r"(?i)\b(?:infotainment\w*|display)\b", " ", t).split()) if i in screen else t
            for i, t in enumerate(texts)]


# A stand-in for multilingual sentence embeddings: some words of either language mean the same thing, every other
# word of four letters or more lands on one of 48 dimensions of its own, short function words mean nothing.
_CONCEPTS = {"screen": 0, "bildschirm": 0, "black": 1, "schwarz": 1, "schwarzer": 1, "dark": 1, "stays": 2,
             "bleibt": 2, "goes": 2, "wird": 2, "turns": 2, "driving": 3, "fahrt": 3, "motorway": 4, "autobahn": 4,
             "while": 5, "während": 5, "after": 6, "nach": 6, "since": 7, "seit": 7, "every": 8, "jedem": 8,
             "start": 9, "minutes": 10, "minuten": 10, "update": 11, "softwareupdate": 11, "service": 12,
             "inspektion": 12, "again": 13, "ständig": 13}


def toy_embed(texts: Sequence[str]) -> np.ndarray:
    vectors = np.zeros((len(texts), 64))
    for row, text in enumerate(texts):
        for word in re.findall(r"[^\W\d_]+", text.lower()):
            if word in _CONCEPTS:
                vectors[row, _CONCEPTS[word]] += 1.0
            elif len(word) >= 4:
                vectors[row, 16 + zlib.crc32(word.encode()) % 48] += 1.0
    return vectors


def screen_cluster(clusters: list[Cluster], screen: set[int]) -> Cluster:
    return max(clusters, key=lambda c: len(screen & set(c.members)))


def test_planted_problem_is_one_tight_cluster_labelled_by_its_words() -> None:
    texts, screen = planted()
    clusters = find_emerging_clusters(texts)
    found = screen_cluster(clusters, screen)
    assert len(screen & set(found.members)) >= 12
    assert len(set(found.members) - screen) <= 2
    assert list(found.members) == sorted(found.members)
    assert {"screen", "bildschirm"} & {term.lower() for term in found.terms}
    assert len(found.representatives) == 3
    assert set(found.representatives) <= screen
    assert 0.3 < found.cohesion <= 1.0
    assert found.novelty == 0.0  # no background given


@pytest.mark.parametrize(("exact_limit", "linkage_limit"), [(50, 6000), (50, 150)])
def test_large_input_paths_find_the_same_problem(monkeypatch: pytest.MonkeyPatch, exact_limit: int,
                                                 linkage_limit: int) -> None:
    """Above the exact limit the pairs are estimated first; above the linkage limit a sample is clustered."""
    monkeypatch.setattr(emerging, "_EXACT_LIMIT", exact_limit)
    monkeypatch.setattr(emerging, "_LINKAGE_LIMIT", linkage_limit)
    texts, screen = planted()
    clusters = find_emerging_clusters(texts)
    found = screen_cluster(clusters, screen)
    assert len(screen & set(found.members)) >= 12
    assert len(set(found.members) - screen) <= 2
    assert find_emerging_clusters(texts) == clusters  # the sketch and the sample are seeded


def test_embeddings_join_languages_that_share_no_word() -> None:
    texts, screen = planted()
    texts = without_product_words(texts, screen)
    words_only = screen_cluster(find_emerging_clusters(texts, max_clusters=50), screen)
    assert len(screen & set(words_only.members)) < 12  # the German complaints apart, or left out
    found = screen_cluster(find_emerging_clusters(texts, embed=toy_embed), screen)
    assert len(screen & set(found.members)) >= 14
    assert len(set(found.members) - screen) <= 2
    assert {"screen", "Bildschirm"} <= set(found.terms)
    assert set(found.representatives) <= screen


def test_embeddings_keep_novelty_on_words(monkeypatch: pytest.MonkeyPatch) -> None:
    texts, screen = planted()
    old = dealer_comments(215, random.Random(99))
    found = screen_cluster(find_emerging_clusters(texts, background=old, embed=toy_embed, max_clusters=50), screen)
    assert found.novelty > 1.5
    seen: list[int] = []
    monkeypatch.setattr(emerging, "_EXACT_LIMIT", 50)  # the sketched path, embeddings included
    found = screen_cluster(find_emerging_clusters(texts, embed=lambda t: seen.append(len(t)) or toy_embed(t)), screen)
    assert len(screen & set(found.members)) >= 14
    assert seen == [len(texts)]  # the background is never embedded


def test_embeddings_of_the_wrong_shape_are_refused() -> None:
    texts, _ = planted()
    with pytest.raises(ValueError, match="shape"):
        find_emerging_clusters(texts, embed=lambda t: toy_embed(t)[:-1])


def test_representatives_are_typical_members_and_no_two_say_the_same() -> None:
    rng = random.Random(11)
    copies = ["Infotainment screen went black."] * 8
    texts = dealer_comments(150, rng) + copies + screen_complaints(10, rng)
    found = max(find_emerging_clusters(texts, examples=4), key=lambda c: sum("nfotainment" in texts[i]
                                                                                for i in c.members))
    reps = [texts[i] for i in found.representatives]
    assert len(reps) == 4
    assert set(found.representatives) <= set(found.members)
    assert len({rep.lower().rstrip(".!") for rep in reps}) == 4
    assert reps.count("Infotainment screen went black.") <= 1


def test_terms_are_readable_words_from_the_texts_without_stop_words() -> None:
    texts, _ = planted()
    clusters = find_emerging_clusters(texts)
    assert clusters
    for cluster in clusters:
        assert 1 <= len(cluster.terms) <= 6
        joined = " ".join(texts[i].lower() for i in cluster.members)
        for term in cluster.terms:
            assert term.lower() in joined
            assert all(len(word) >= 3 for word in term.split())
            assert not {"the", "was", "der", "die", "war", "le", "la", "était", "and", "und", "et"} & set(
                term.lower().split())


def test_terms_keep_the_spelling_customers_use() -> None:
    texts, screen = planted()
    terms = screen_cluster(find_emerging_clusters(texts), screen).terms
    assert "Bildschirm" in terms or "screen" in terms
    assert "bildschirm" not in terms and "Screen" not in terms


def test_novelty_is_lower_when_the_problem_was_already_there() -> None:
    texts, screen = planted()
    rng = random.Random(99)
    old_without = dealer_comments(215, rng)
    old_with = dealer_comments(200, rng) + screen_complaints(15, rng)
    new = screen_cluster(find_emerging_clusters(texts, background=old_without, max_clusters=50), screen)
    known = screen_cluster(find_emerging_clusters(texts, background=old_with, max_clusters=50), screen)
    assert new.members == known.members
    assert new.novelty > 1.5  # e^1.5: well over four times as frequent as before
    assert known.novelty < 0.3


def test_new_problem_ranks_above_a_larger_constant_one() -> None:
    rng = random.Random(3)
    texts = dealer_comments(160, rng) + coffee_complaints(25, rng) + screen_complaints(12, rng)
    background = dealer_comments(320, rng) + coffee_complaints(50, rng)

    def topic(cluster: Cluster) -> str:
        members = [texts[i].lower() for i in cluster.members]
        for name, marks in (("coffee", ("coffee", "kaffee")), ("screen", ("infotainment", "bildschirm", "screen"))):
            if sum(any(mark in text for mark in marks) for text in members) > len(members) / 2:
                return name
        return "other"

    by_size = [topic(c) for c in find_emerging_clusters(texts)]
    assert by_size[0] == "coffee"
    assert "screen" in by_size[2:]  # 12 texts, as many as some groups of ordinary comments
    by_novelty = find_emerging_clusters(texts, background=background)
    assert [topic(c) for c in by_novelty[:2]] == ["screen", "coffee"]
    assert by_novelty[1].novelty < 0.5 < 1.5 < by_novelty[0].novelty


def test_pure_noise_of_unique_texts_gives_no_clusters() -> None:
    noise = unique_texts(300, random.Random(1))
    assert find_emerging_clusters(noise) == []
    assert find_emerging_clusters(noise, min_size=2) == []


def test_min_size_and_max_clusters_limit_the_answer() -> None:
    texts, screen = planted()
    everything = find_emerging_clusters(texts, max_clusters=100)
    assert len(everything) > 3
    assert min(len(c.members) for c in everything) >= 5
    large = find_emerging_clusters(texts, min_size=16, max_clusters=100)
    assert all(len(c.members) >= 16 for c in large)
    assert all(len(screen & set(c.members)) < 12 for c in large)
    assert find_emerging_clusters(texts, max_clusters=2) == everything[:2]


def test_same_input_same_answer() -> None:
    texts, _ = planted()
    assert find_emerging_clusters(texts, random_state=0) == find_emerging_clusters(list(texts), random_state=0)


@pytest.mark.parametrize("texts", [[], [""] * 10, ["!!!", "123", "..."] * 4, ["ok"] * 3, ["the and der"] * 20])
def test_empty_or_contentless_input_gives_nothing(texts: list[str]) -> None:
    assert find_emerging_clusters(texts) == []


def test_a_problem_is_found_among_five_thousand_texts() -> None:
    """At the page's scale (the clustering samples above a few thousand texts); its speed is in bench/emerging.py."""
    rng = random.Random(5)
    texts = dealer_comments(4900, rng) + screen_complaints(60, rng)
    rng.shuffle(texts)
    clusters = find_emerging_clusters(texts, background=dealer_comments(1000, rng))
    screen = {i for i, text in enumerate(texts) if "nfotainment" in text or "schirm" in text}
    found = max(clusters, key=lambda c: len(screen & set(c.members)))
    assert len(screen & set(found.members)) >= 50
    assert found.novelty > 1.5
