"""The emerging-themes page: a new problem shows up as a cluster with its quotes, whether or not a theme fits it."""

from __future__ import annotations

import random
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from insidetrack.core.tests.pages import client_for
from insidetrack.journeys.models import Theme
from insidetrack.surveys.tests.factories import ResponseFactory
from insidetrack.verbatims import selectors_taxonomy
from insidetrack.verbatims.models import VerbatimAnalysis
from insidetrack.verbatims.nlp import emerging
from insidetrack.verbatims.tests.factories import analysis_for

PROBLEM = [
    "The infotainment screen went black after the software update.",
    "After the update the infotainment screen stays black.",
    "Infotainment screen black since the software update at the service.",
    "My infotainment screen turns black every morning since the update.",
    "Screen of the infotainment system is black after the update, no radio.",
    "Since the software update the infotainment screen is completely black.",
    "The software update left the infotainment screen black and dead.",
    "Infotainment screen black again, the update did not fix it.",
    "Black infotainment screen after they installed the update.",
    "The update made my infotainment screen go black while driving.",
    "Infotainment screen went black twice this week after the update.",
    "No navigation: the infotainment screen is black since the update.",
    "After the software update my infotainment screen keeps going black.",
    "The infotainment screen is black, probably the new software update.",
    "Infotainment screen black after update, dealer could not help.",
]
# Unrelated texts: seven words each from a large pool, so that no two say the same thing.
_POOL = """apple anchor basket blanket candle canyon daisy dolphin eagle ember falcon fabric garden ginger harbor hammer
island ivory jacket jungle kettle kernel ladder lantern meadow marble needle nectar orchard oyster pepper pillow quarry
quilt ribbon river saddle shadow tablet thunder umbrella valley velvet walnut willow yellow zebra bronze copper silver
golden violet crimson scarlet amber azure cobalt indigo maroon olive peach plum rose ruby sapphire teal turquoise
whisper giggle murmur shout chatter sing dance wander stroll gallop sprint tumble juggle knit paint sketch carve sculpt
polish scrub sweep mop dust rinse soak fold iron stitch weave braid twist bend stretch climb crawl leap hop skip
bakery library museum theater stadium airport station bridge tunnel tower castle cottage cabin palace temple chapel
tiger lion panther leopard cheetah wolf fox badger otter beaver squirrel rabbit hedgehog mole raccoon skunk moose
biscuit muffin pancake waffle noodle dumpling sausage pickle cheddar yogurt custard pudding toffee caramel fudge
guitar violin trumpet flute drum piano cello harp banjo accordion tambourine xylophone clarinet oboe bassoon"""
WORDS = _POOL.split()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _world_fits_its_themes(world):
    """The world's own three verbatims fit a theme and are positive, so each test decides alone what is a candidate."""
    VerbatimAnalysis.objects.update(theme_fit=0.9, sentiment="positive")


def noise(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, 7)).capitalize() + "." for _ in range(count)]


def plant(world, text: str, *, days_ago: float, dealer: str = "b", fit: float = 0.1, themes=(),
          sentiment: str = "negative"):
    response = ResponseFactory(invitation__event__customer=world.customers[dealer], verbatim=text,
                               submitted_at=timezone.now() - timedelta(days=days_ago))
    return analysis_for(response, themes=themes, fit=fit, sentiment=sentiment)


def cluster_blocks(page: str) -> list[str]:
    return re.findall(r'<article class="card cluster" id="cluster-\d+">(.*?)</article>', page, re.DOTALL)


@pytest.fixture
def planted(world):
    """15 complaints about a new problem (dealers A and C) among 60 unrelated low-fit texts in the last four weeks,
    30 unrelated ones in the quarter before, and well-fitting texts that must be left out."""
    problem = [plant(world, text, days_ago=1 + i / 2, dealer="a" if i % 2 == 0 else "c").pk
               for i, text in enumerate(PROBLEM)]
    for i, text in enumerate(noise(60, seed=1)):
        plant(world, text, days_ago=1 + i * 0.4)
    for i, text in enumerate(noise(30, seed=2)):
        plant(world, text, days_ago=30 + i * 2)
    for i, text in enumerate(PROBLEM[:6]):  # the same words, but a theme fits them and they are not negative
        plant(world, "Well fitting: " + text, days_ago=2 + i, fit=0.9, themes=["vehicle_quality"],
              sentiment="neutral")
    return problem


def test_a_planted_new_problem_shows_as_a_new_cluster_with_its_quotes(world, planted):
    page = client_for(world, "head_office").get(reverse("verbatims:emerging")).content.decode()
    assert "75 negative or unthemed verbatims in this period (30 in the period before)." in page
    (block,) = cluster_blocks(page)  # the unrelated texts form no cluster
    title = unescape(re.search(r"<h2>(.*?)</h2>", block).group(1))
    assert {"infotainment", "screen", "black", "update"} <= set(re.findall(r"\w+", title.lower()))
    assert '<span class="badge new">new</span>' in block
    assert "15 verbatims" in block
    assert "Dealer A (8), Dealer C (7)" in block
    assert "Handover (15)" in block
    assert "Fits no theme well" in block
    quotes = [unescape(q) for q in re.findall(r'<blockquote class="verbatim quote" lang="en">(.*?)<footer', block)]
    assert len(quotes) == 3 and set(quotes) <= set(PROBLEM)

    links = dict((unescape(text), unescape(href)) for href, text in re.findall(r'<a (?:class="button" )?href="([^"]+)">'
                                                                              r"([^<]+)</a>", block))
    label = urlsplit(links["Label these verbatims"])
    assert label.path == reverse("verbatims:label")
    assert sorted(int(pk) for pk in parse_qs(label.query)["response"]) == sorted(planted)
    create = urlsplit(links["Create a theme from this cluster"])
    assert create.path == reverse("verbatims:theme_new")
    prefill = parse_qs(create.query)
    assert prefill["next"] == [links["Label these verbatims"]]
    assert prefill["name"][0].lower().startswith(title.split(", ")[0].lower())
    code = prefill["code"][0]
    assert re.fullmatch(r"[a-z]+(_[a-z]+)+", code) and set(code.split("_")) <= set(re.findall(r"\w+", title.lower()))


def test_the_cluster_link_opens_the_labelling_page_on_its_verbatims(world, planted):
    client = client_for(world, "head_office")
    page = client.get(reverse("verbatims:emerging")).content.decode()
    href = unescape(re.search(r'<a href="([^"]+)">Label these verbatims</a>', page).group(1))
    queue = client.get(href).content.decode()
    assert sorted(int(pk) for pk in re.findall(r'id="verbatim-(\d+)"', queue)) == sorted(planted)
    form = client.get(unescape(re.search(r'<a class="button" href="([^"]+)">Create a theme', page).group(1)))
    assert form.status_code == 200 and 'name="next"' in form.content.decode()


def test_a_problem_that_was_there_before_is_ongoing(world):
    for i, text in enumerate(PROBLEM):
        plant(world, text, days_ago=1 + i)
        plant(world, text.replace("the ", "my "), days_ago=40 + i * 3)
    for i, text in enumerate(noise(30, seed=3)):
        plant(world, text, days_ago=1 + i * 0.8)
    page = client_for(world, "head_office").get(reverse("verbatims:emerging")).content.decode()
    (block,) = cluster_blocks(page)
    assert '<span class="badge ongoing">ongoing</span>' in block
    assert "times as frequent" not in block


CAMERA = [
    "The reversing camera shows a black picture since the software update.",
    "Since the update my reversing camera only shows black.",
    "Reversing camera black after the software update at the service.",
    "After the software update the reversing camera picture is black.",
    "My reversing camera has been black ever since the update.",
    "The update broke the reversing camera, the screen stays black.",
    "Black reversing camera picture after the last software update.",
    "Reversing camera stays black since they did the update, dangerous.",
]


def test_a_new_problem_within_an_existing_theme_shows_as_new_with_its_theme(world):
    """A faulty part is "vehicle quality": the model fits it, and only its sudden wave is news."""
    vehicle_quality = Theme.objects.get(brand=world.brand, code="vehicle_quality")
    for i, text in enumerate(CAMERA):
        plant(world, text, days_ago=1 + i, fit=0.8, themes=[vehicle_quality.code])
    for i, text in enumerate(noise(20, seed=4)):
        plant(world, text, days_ago=1 + i, fit=0.8, themes=[vehicle_quality.code])
    for i, text in enumerate(noise(20, seed=5)):
        plant(world, text, days_ago=40 + i * 2, fit=0.8, themes=[vehicle_quality.code])
    page = client_for(world, "head_office").get(reverse("verbatims:emerging")).content.decode()
    (block,) = cluster_blocks(page)
    assert {"reversing", "camera", "black"} <= set(re.findall(r"\w+", unescape(block).lower()))
    assert '<span class="badge new">new</span>' in block
    assert f'<dd class="within">{vehicle_quality.name} (8)</dd>' in block


def test_everyday_complaints_within_a_theme_and_one_word_answers_are_left_out(world):
    """A constant stream of the same complaint is counted by the themes page; "ok" or "top" names nothing."""
    for i, text in enumerate(PROBLEM):
        plant(world, text, days_ago=1 + i, fit=0.8, themes=["vehicle_quality"])
        plant(world, text.replace("the ", "my "), days_ago=40 + i * 3, fit=0.8, themes=["vehicle_quality"])
    for i in range(12):
        plant(world, ["Top", "Top!", "top", "Ok", "ok.", "Top top"][i % 6], days_ago=1 + i, sentiment="neutral")
    page = client_for(world, "head_office").get(reverse("verbatims:emerging")).content.decode()
    assert cluster_blocks(page) == []
    assert 'id="no-clusters"' in page


def test_the_window_is_selectable_and_the_result_cached_until_something_is_reanalysed(world, monkeypatch):
    calls = []
    real = emerging.find_emerging_clusters

    def spy(texts, **kwargs):
        calls.append((list(texts), list(kwargs["background"]), kwargs["min_size"]))
        return real(texts, **kwargs)

    monkeypatch.setattr(emerging, "find_emerging_clusters", spy)
    recent = plant(world, "Recent low fit.", days_ago=3)
    plant(world, "Three weeks ago.", days_ago=20)
    plant(world, "Fits well.", days_ago=2, fit=0.9, themes=["waiting_time"], sentiment="positive")
    plant(world, "Two months ago.", days_ago=60)
    client = client_for(world, "head_office")

    assert client.get(reverse("verbatims:emerging")).status_code == 200
    texts, background, min_size = calls[-1]
    assert "Recent low fit." in texts and "Three weeks ago." in texts and "Fits well." not in texts
    assert "Two months ago." in background and min_size == 5
    client.get(reverse("verbatims:emerging"))
    assert len(calls) == 1  # cached

    client.get(reverse("verbatims:emerging"), {"days": 14})
    texts, background, _min = calls[-1]
    assert "Three weeks ago." not in texts and "Three weeks ago." in background
    page = client.get(reverse("verbatims:emerging"), {"days": 999}).content.decode()  # unknown: the default
    assert len(calls) == 2 and '<a href="?days=28" aria-current="page">' in page

    recent.analysed_at = timezone.now()
    recent.save(update_fields=["analysed_at"])  # a new model re-read it
    client.get(reverse("verbatims:emerging"))
    assert len(calls) == 3


def test_the_texts_are_capped_to_the_newest(world, monkeypatch):
    seen = []
    monkeypatch.setattr(selectors_taxonomy, "EMERGING_MAX_TEXTS", 3)
    monkeypatch.setattr(emerging, "find_emerging_clusters",
                        lambda texts, **kwargs: seen.append(list(texts)) or [])
    for day in range(1, 6):
        plant(world, f"Text of day {day}.", days_ago=day)
    page = client_for(world, "head_office").get(reverse("verbatims:emerging")).content.decode()
    assert seen[-1][:3] == ["Text of day 1.", "Text of day 2.", "Text of day 3."]
    assert "Only the newest 3 were grouped." in page
    assert 'id="no-clusters"' in page
