"""Head office teaches the analysis: the taxonomy and its forms, the labelling queue, and the model page.

Every page is head office's: each role is tried on each page, and a refused POST must leave no trace.
"""

from __future__ import annotations

import importlib.util
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.journeys import services as journeys_services
from insidetrack.journeys.models import Theme
from insidetrack.surveys.tests.factories import ResponseFactory
from insidetrack.verbatims.models import TrainedModel, VerbatimLabel
from insidetrack.verbatims.tests.factories import analysis_for

ROLES = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"]
NOT_HEAD_OFFICE = [role for role in ROLES if role != "head_office"]
PAGES = [
    ("verbatims:taxonomy", {}),
    ("verbatims:theme_new", {}),
    ("verbatims:theme_edit", {"code": "waiting_time"}),
    ("verbatims:label", {}),
    ("verbatims:model", {}),
    ("verbatims:emerging", {}),
]


def assert_refused(response, role: str) -> None:
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403


def verbatim(world, text: str, *, dealer: str = "a", days_ago: float = 1, language: str = "en",
             touchpoint: str | None = None, **analysis):
    """A response at one of the world's dealers with this text, and its analysis (see ``analysis_for``)."""
    kwargs = {}
    if touchpoint:
        from insidetrack.journeys.models import Touchpoint

        kwargs["touchpoint"] = Touchpoint.objects.get(journey__brand=world.brand, code=touchpoint)
    response = ResponseFactory(invitation__event__customer=world.customers[dealer], verbatim=text, language=language,
                               submitted_at=timezone.now() - timedelta(days=days_ago), **kwargs)
    analysis_for(response, language=language, **analysis)
    return response


def taxonomy_rows(page: str) -> dict[str, list[str]]:
    """The taxonomy table's rows by theme code (the code is the first cell's last word)."""
    return {row[0].split()[-1]: row for row in tables_of(page)["taxonomy"][1:]}


def summary_like_the_classifiers(*, cross_validated: bool = True) -> dict:
    """A model summary with the keys ``nlp/classifier.py`` writes (figures made up)."""
    themes_cv = {"folds": 5, "examples": 300, "micro_f1": 0.77, "macro_f1": 0.726,
                 "per_theme": {"waiting_time": {"threshold": 0.41, "f1": 0.812},
                               "staff_attitude": {"threshold": 0.37, "f1": 0.64}}}
    sentiment_cv = {"folds": 5, "examples": 900, "accuracy": 0.8, "macro_f1": 0.75,
                    "f1": {"negative": 0.82, "neutral": 0.55, "positive": 0.88}}
    return {
        "examples": 1200, "theme_examples": {"waiting_time": 40, "staff_attitude": 22, "events": 0},
        "themes_not_learned": {"events": "no examples"},
        "themes": {"learned": ["staff_attitude", "waiting_time"],
                   "cross_validated": themes_cv if cross_validated else None},
        "sentiment": {"classes": ["negative", "neutral", "positive"],
                      "cross_validated": sentiment_cv if cross_validated else None},
    }


def theme_post(**changes) -> dict:
    data = {"code": "infotainment_screen", "name": "Infotainment screen", "name_de": "Infotainment-Bildschirm",
            "name_fr": "Écran multimédia", "touchpoint_codes": ["service_visit", "first_service"]}
    data.update(changes)
    return data


# --------------------------------------------------------------------------------------------------------------------
# Who may open what


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_head_offices_alone(world, role):
    client = client_for(world, role)
    for url_name, kwargs in PAGES:  # one world per role: the pages share it
        response = client.get(reverse(url_name, kwargs=kwargs))
        if role == "head_office":
            assert response.status_code == 200, url_name
        else:
            assert_refused(response, role)


@pytest.mark.parametrize("role", NOT_HEAD_OFFICE)
def test_refused_posts_write_nothing(world, role, django_capture_on_commit_callbacks):
    response = verbatim(world, "The screen froze twice.", themes=["vehicle_quality"], fit=0.2)
    client = client_for(world, role)
    labels_before = VerbatimLabel.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refused = [
            client.post(reverse("verbatims:theme_new"), theme_post()),
            client.post(reverse("verbatims:theme_edit", kwargs={"code": "waiting_time"}),
                        theme_post(code="waiting_time", name="Renamed", is_active="")),
            client.post(reverse("verbatims:label"), {"response": response.pk, "themes": ["waiting_time"],
                                                     "sentiment": "negative"}),
            client.post(reverse("verbatims:model")),
        ]
    for answer in refused:
        assert_refused(answer, role)
    assert callbacks == []
    assert not Theme.objects.filter(code="infotainment_screen").exists()
    waiting = Theme.objects.get(brand=world.brand, code="waiting_time")
    assert (waiting.name, waiting.is_active) == ("Waiting time", True)
    assert VerbatimLabel.objects.count() == labels_before
    assert TrainedModel.objects.count() == 0


@pytest.mark.parametrize("role", NOT_HEAD_OFFICE)
def test_services_refuse_everyone_but_head_office(world, role):
    actor = world.actors[role]
    with pytest.raises(PermissionDenied):
        journeys_services.theme_create(actor=actor, **theme_post())
    with pytest.raises(PermissionDenied):
        journeys_services.theme_update(actor=actor, **theme_post(code="waiting_time"), is_active=False)
    assert not Theme.objects.filter(code="infotainment_screen").exists()
    assert Theme.objects.get(brand=world.brand, code="waiting_time").is_active


# --------------------------------------------------------------------------------------------------------------------
# The taxonomy


def test_taxonomy_lists_names_touchpoints_examples_recent_verbatims_and_f1(world, django_assert_max_num_queries):
    label = VerbatimLabel.objects.filter(brand=world.brand).first()
    label.themes.set(Theme.objects.filter(brand=world.brand, code__in=["waiting_time", "staff_attitude"]))
    verbatim(world, "Waited two hours.", themes=["waiting_time"])
    verbatim(world, "Waited again.", themes=["waiting_time"], dealer="c")
    verbatim(world, "Waited last spring.", themes=["waiting_time"], days_ago=120)  # outside the 90 days
    TrainedModel.objects.create(brand=world.brand, created_at=timezone.now(), payload=b"", is_active=True,
                                summary=summary_like_the_classifiers())
    Theme.objects.filter(brand=world.brand, code="events").update(is_active=False)

    client = client_for(world, "head_office")
    with django_assert_max_num_queries(8):
        page = client.get(reverse("verbatims:taxonomy"))
    rows = taxonomy_rows(page.content.decode())
    assert rows["waiting_time"] == ["Waiting time waiting_time", "Wartezeit", "Temps d'attente",
                                    "Deposit, Handover, First service, Service visit", "yes", "1", "2", "0.81",
                                    "Edit · Label"]
    assert rows["staff_attitude"][3:8] == ["all", "yes", "1", "0", "0.64"]
    assert rows["events"][4:8] == ["no", "0", "0", "not learnt"]
    assert rows["courtesy_car"][7] == "—"  # the model predates the theme: nothing to say
    assert len(rows) == 14
    assert reverse("verbatims:theme_edit", kwargs={"code": "waiting_time"}) in page.content.decode()


def test_head_office_adds_a_theme_and_is_told_how_the_model_learns_it(world):
    client = client_for(world, "head_office")
    response = client.post(reverse("verbatims:theme_new"), theme_post())
    assert response.status_code == 302 and response["Location"] == reverse("verbatims:taxonomy")
    theme = Theme.objects.get(brand=world.brand, code="infotainment_screen")
    assert (theme.name, theme.name_de, theme.name_fr, theme.is_active) == (
        "Infotainment screen", "Infotainment-Bildschirm", "Écran multimédia", True)
    assert sorted(t.code for t in theme.touchpoints.all()) == ["first_service", "service_visit"]
    page = client.get(response["Location"]).content.decode()
    assert "Theme “Infotainment screen” added. The analysis learns to find it once some verbatims are labelled " \
           "with it and the model is retrained." in page
    assert taxonomy_rows(page)["infotainment_screen"][:8] == [
        "Infotainment screen infotainment_screen", "Infotainment-Bildschirm", "Écran multimédia",
        "First service, Service visit", "yes", "0", "0", "—"]


def test_a_theme_made_from_a_cluster_is_prefilled_and_leads_to_labelling(world):
    client = client_for(world, "head_office")
    next_url = reverse("verbatims:label") + "?response=5&response=6"
    form = client.get(reverse("verbatims:theme_new"), {"code": "screen_black", "name": "Screen, black",
                                                       "next": next_url}).content.decode()
    assert 'value="screen_black"' in form and 'value="Screen, black"' in form
    response = client.post(reverse("verbatims:theme_new"), theme_post(code="screen_black", name="Screen, black",
                                                                     next=next_url))
    assert response.status_code == 302 and response["Location"] == next_url
    # Elsewhere is not followed.
    response = client.post(reverse("verbatims:theme_new"), theme_post(code="other", next="https://evil.example/"))
    assert response["Location"] == reverse("verbatims:taxonomy")


@pytest.mark.parametrize("changes,status,field,message", [
    ({"code": "waiting_time"}, 409, "code", "A theme with the code “waiting_time” exists already."),
    ({"code": "Bad Code!"}, 422, "code", "Use lower-case letters, digits and “_” or “-” between words"),
    ({"code": "1st_theme"}, 422, "code", "Use lower-case letters, digits and “_” or “-” between words"),
    ({"code": ""}, 422, "code", "Give the theme a code."),
    ({"name": "   "}, 422, "name", "Give the theme an English name."),
    ({"touchpoint_codes": ["nowhere"]}, 422, "touchpoint_codes", "Select a valid choice."),
])
def test_a_refused_theme_says_why_next_to_the_field_and_saves_nothing(world, changes, status, field, message):
    themes_before = Theme.objects.count()
    response = client_for(world, "head_office").post(reverse("verbatims:theme_new"), theme_post(**changes))
    assert response.status_code == status
    page = response.content.decode()
    block = re.search(rf'<div class="field" id="field-{field}">(.*?)</div>\s*(<div class="field"|<p><button)',
                      page, re.DOTALL).group(1)
    assert message in block.replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x27;", "'")
    assert Theme.objects.count() == themes_before


@pytest.mark.parametrize("changes,error,field", [
    ({"code": "waiting_time"}, Conflict, "code"),
    ({"code": "Waiting Time"}, ValidationFailed, "code"),
    ({"code": "x" * 41}, ValidationFailed, "code"),
    ({"name": ""}, ValidationFailed, "name"),
    ({"name_de": "x" * 121}, ValidationFailed, "name_de"),
    ({"touchpoint_codes": ["handover", "nowhere"]}, ValidationFailed, "touchpoint_codes"),
])
def test_theme_create_names_the_field_it_refuses(world, changes, error, field):
    with pytest.raises(error) as raised:
        journeys_services.theme_create(actor=world.actors["head_office"], **theme_post(**changes))
    assert raised.value.field == field
    assert not Theme.objects.filter(name="Infotainment screen").exists()


def test_theme_update_renames_deactivates_and_reactivates_keeping_the_code(world):
    client = client_for(world, "head_office")
    url = reverse("verbatims:theme_edit", kwargs={"code": "waiting_time"})
    form = client.get(url).content.decode()
    assert 'value="Wartezeit"' in form and "disabled" in re.search(r'<input[^>]*name="code"[^>]*>', form).group(0)
    response = client.post(url, {"code": "hijacked", "name": "Waiting", "name_de": "Warten", "name_fr": "",
                                 "touchpoint_codes": ["handover"]})  # is_active unticked
    assert response.status_code == 302
    theme = Theme.objects.get(brand=world.brand, code="waiting_time")
    assert (theme.name, theme.name_de, theme.name_fr, theme.is_active) == ("Waiting", "Warten", "", False)
    assert [t.code for t in theme.touchpoints.all()] == ["handover"]
    assert not Theme.objects.filter(code="hijacked").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Theme “Waiting” deactivated." in page
    assert taxonomy_rows(page)["waiting_time"][4] == "no"

    client.post(url, {"name": "Waiting", "touchpoint_codes": [], "is_active": "on"})
    theme.refresh_from_db()
    assert theme.is_active and list(theme.touchpoints.all()) == []


def test_theme_update_refuses_a_missing_name_and_an_unknown_theme(world):
    client = client_for(world, "head_office")
    response = client.post(reverse("verbatims:theme_edit", kwargs={"code": "waiting_time"}), {"name": ""})
    assert response.status_code == 422 and "Give the theme an English name." in response.content.decode()
    assert Theme.objects.get(brand=world.brand, code="waiting_time").name == "Waiting time"
    assert client.get(reverse("verbatims:theme_edit", kwargs={"code": "no_such_theme"})).status_code == 404
    with pytest.raises(NotFound):
        journeys_services.theme_update(actor=world.actors["head_office"], **theme_post(code="no_such_theme"),
                                       is_active=True)


# --------------------------------------------------------------------------------------------------------------------
# Labelling


def test_the_queue_offers_the_least_certain_unlabelled_verbatims_first(world, django_assert_max_num_queries):
    sure = verbatim(world, "Waited three hours for an oil change.", themes=["waiting_time"], fit=0.9)
    unsure = verbatim(world, "The screen goes black when I start the car.", themes=["vehicle_quality"], fit=0.1,
                      sentiment="negative")
    middling = verbatim(world, "Nice coffee but cold room.", themes=["facilities"], fit=0.4, sentiment="neutral")
    client = client_for(world, "head_office")
    with django_assert_max_num_queries(13):
        page = client.get(reverse("verbatims:label")).content.decode()
    order = [int(pk) for pk in re.findall(r'<article class="card label-item[^"]*" id="verbatim-(\d+)"', page)]
    # The world's three verbatims are labelled already, so they are not offered.
    assert order == [unsure.pk, middling.pk, sure.pk]
    card = page[page.index(f'id="verbatim-{unsure.pk}"'):page.index(f'id="verbatim-{middling.pk}"')]
    assert "The screen goes black when I start the car." in card
    assert "EN · Handover · Dealer A" in card
    checked = re.findall(r'<input type="(checkbox|radio)" name="(\w+)" value="(\w+)" checked>', card)
    assert checked == [("checkbox", "themes", "vehicle_quality"), ("radio", "sentiment", "negative")]
    assert card.count('name="themes"') == 14


def test_the_queue_filters_by_theme_language_touchpoint_words_and_named_responses(world):
    english = verbatim(world, "The app logs me out.", themes=["digital_app"], fit=0.2)
    german = verbatim(world, "Die App meldet mich ab.", themes=["digital_app"], fit=0.3, language="de")
    service = verbatim(world, "Loan car was dirty.", themes=["courtesy_car"], fit=0.1, touchpoint="service_visit")
    client = client_for(world, "head_office")

    def offered(**query) -> list[int]:
        page = client.get(reverse("verbatims:label"), query).content.decode()
        return [int(pk) for pk in re.findall(r'id="verbatim-(\d+)"', page)]

    assert offered(theme="digital_app") == [english.pk, german.pk]
    assert offered(language="de") == [german.pk]
    assert offered(touchpoint="service_visit") == [service.pk]
    assert offered(q="LOGS me") == [english.pk]
    assert offered(q="nothing like this") == []
    labelled = world.customers["a"].responses.order_by("pk").first()
    assert offered(response=[labelled.pk, german.pk]) == [labelled.pk, german.pk]


def test_head_office_labels_a_verbatim_with_who_and_when(world):
    response = verbatim(world, "Nobody called me back about the recall.", themes=["workmanship"], fit=0.1)
    client = client_for(world, "head_office")
    url = reverse("verbatims:label") + "?language=en"
    before = timezone.now()
    answer = client.post(url, {"response": response.pk, "themes": ["communication", "vehicle_quality"],
                               "sentiment": "negative"})
    assert answer.status_code == 302 and answer["Location"] == url
    label = VerbatimLabel.objects.get(response=response)
    assert label.is_current and label.sentiment == "negative"
    assert sorted(t.code for t in label.themes.all()) == ["communication", "vehicle_quality"]
    assert label.labelled_by == world.users["head_office"]
    assert label.labelled_by_name == world.users["head_office"].get_full_name()
    assert before <= label.labelled_at <= timezone.now()

    page = client.get(answer["Location"]).content.decode()
    assert "Label saved." in page
    assert f'id="verbatim-{response.pk}"' not in page  # it left the queue
    history = tables_of(page)["label-history"]
    assert history[1][1:] == [label.labelled_by_name, "Nobody called me back about the recall.",
                              "Communication and updates, Vehicle quality and defects", "Negative", "current"]
    assert re.search(r"<strong>4</strong> verbatims labelled", page)


def test_relabelling_retires_the_previous_label_and_keeps_it_in_the_history(world):
    response = verbatim(world, "Car was not clean at handover.", themes=["handover_experience"], fit=0.2)
    client = client_for(world, "head_office")
    client.post(reverse("verbatims:label"), {"response": response.pk, "themes": ["handover_experience"],
                                             "sentiment": "neutral"})
    named = reverse("verbatims:label") + f"?response={response.pk}"
    page = client.get(named).content.decode()
    assert "saving replaces that label" in page
    assert re.search(r'name="sentiment" value="neutral" checked', page)
    client.post(named, {"response": response.pk, "themes": ["handover_experience", "staff_attitude"],
                        "sentiment": "negative"})
    old, new = VerbatimLabel.objects.filter(response=response).order_by("pk")
    assert (old.is_current, old.sentiment, [t.code for t in old.themes.all()]) == (
        False, "neutral", ["handover_experience"])
    assert (new.is_current, new.sentiment) == (True, "negative")
    history = tables_of(client.get(named).content.decode())["label-history"]
    assert [(row[4], row[5]) for row in history[1:3]] == [("Negative", "current"), ("Neutral", "replaced")]


@pytest.mark.parametrize("themes,sentiment,message", [
    (["no_such_theme"], "negative", "Unknown or inactive theme: no_such_theme"),
    (["events", "waiting_time"], "negative", "Unknown or inactive theme: events"),  # deactivated below
    (["waiting_time"], "furious", "Choose negative, neutral or positive."),
    (["waiting_time"], "", "Choose negative, neutral or positive."),
])
def test_a_refused_label_is_explained_on_its_verbatim_and_nothing_is_saved(world, themes, sentiment, message):
    Theme.objects.filter(brand=world.brand, code="events").update(is_active=False)
    response = verbatim(world, "Waited ages.", themes=["waiting_time"], fit=0.9)
    verbatim(world, "Something else entirely.", themes=[], fit=0.05)
    labels_before = VerbatimLabel.objects.count()
    answer = client_for(world, "head_office").post(reverse("verbatims:label"), {
        "response": response.pk, "themes": themes, "sentiment": sentiment})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert re.search(r'<p class="error" role="alert" id="label-error">(.*?)</p>', page).group(1) == message
    # The refused verbatim comes first, with what was ticked, so it can be corrected.
    first = re.search(r'<article class="card label-item has-error" id="verbatim-(\d+)"', page)
    assert int(first.group(1)) == response.pk
    assert VerbatimLabel.objects.count() == labels_before


def test_a_label_for_a_verbatim_of_another_brand_is_not_found(world):
    from insidetrack.customers.tests.factories import CustomerFactory
    from insidetrack.network.tests.factories import DealerFactory, RegionFactory

    other = journeys_services.brand_setup(name="Other Motors")
    dealer = DealerFactory(region=RegionFactory(brand=other))
    foreign = ResponseFactory(invitation__event__customer=CustomerFactory(dealer=dealer, brand=other),
                              verbatim="Not yours to label.")
    analysis_for(foreign, themes=[])
    client = client_for(world, "head_office")
    labels_before = VerbatimLabel.objects.count()
    for pk in (foreign.pk, 999_999):
        answer = client.post(reverse("verbatims:label"), {"response": pk, "themes": [], "sentiment": "neutral"})
        assert answer.status_code == 404 and "verbatim not found" in answer.content.decode()
    assert VerbatimLabel.objects.count() == labels_before
    assert "Not yours to label." not in client.get(reverse("verbatims:label")).content.decode()


# --------------------------------------------------------------------------------------------------------------------
# The model page


def test_the_model_page_lists_models_with_their_figures_and_new_labels(world, django_assert_max_num_queries):
    now = timezone.now()
    TrainedModel.objects.create(brand=world.brand, created_at=now - timedelta(days=10), payload=b"x",
                                is_active=False, seed_examples=400, labelled_examples=0, score_examples=0,
                                training_seconds=3.2, summary={})
    TrainedModel.objects.create(
        brand=world.brand, created_at=now - timedelta(days=2), trained_by=world.users["head_office"],
        trained_by_name="Hedda Office", payload=b"x", is_active=True, seed_examples=400, labelled_examples=12,
        score_examples=900, training_seconds=14.26, theme_codes=["events", "staff_attitude", "waiting_time"],
        summary=summary_like_the_classifiers())
    VerbatimLabel.objects.update(labelled_at=now - timedelta(days=30))
    for days in (1, 3):  # one label after the active model, one before it
        VerbatimLabel.objects.create(response=world.customers["b"].responses.first(), brand=world.brand,
                                     dealer=world.dealer_b, sentiment="neutral", is_current=False,
                                     labelled_at=now - timedelta(days=days))
    client = client_for(world, "head_office")
    with django_assert_max_num_queries(6):
        page = client.get(reverse("verbatims:model")).content.decode()
    models = tables_of(page)["models"]
    assert len(models) == 3
    assert models[1][1:] == ["Hedda Office", "400", "12", "900", "14.3 s", "0.73", "macro F1 0.75 · accuracy 0.80",
                             "active"]
    assert "macro F1 0.75 · accuracy 0.80 · F1 negative 0.82 · F1 neutral 0.55 · F1 positive 0.88" in page
    assert models[2][1:] == ["automatically", "400", "0", "0", "3.2 s", "—", "—", "replaced"]
    assert tables_of(page)["model-themes"][1:] == [["Events events", "0", "not learnt"],
                                                   ["Staff attitude staff_attitude", "22", "0.64"],
                                                   ["Waiting time waiting_time", "40", "0.81"]]
    assert "1 label made since this model was trained." in page
    assert "retrains by itself 5 minutes after the last label" in page


def test_the_model_page_copes_with_no_model_and_a_summary_without_figures(world):
    client = client_for(world, "head_office")
    page = client.get(reverse("verbatims:model")).content.decode()
    assert "No model has been trained yet." in page and "3 labels made so far." in page
    TrainedModel.objects.create(brand=world.brand, created_at=timezone.now(), payload=b"x", is_active=True,
                                summary=summary_like_the_classifiers(cross_validated=False))
    TrainedModel.objects.create(brand=world.brand, created_at=timezone.now() - timedelta(days=1), payload=b"x",
                                is_active=False, summary={"themes": "not a dict", "sentiment": [1, 2]})
    page = client.get(reverse("verbatims:model")).content.decode()
    assert [row[6:8] for row in tables_of(page)["models"][1:]] == [["—", "—"], ["—", "—"]]
    assert "not measured" in page


def _ml_available() -> bool:
    return all(importlib.util.find_spec(f"insidetrack.verbatims.nlp.{name}") is not None
               for name in ("classifier", "pipeline"))


SEED_ROWS = [
    ("Waited for hours, nobody told me anything.", "negative", "waiting_time|communication"),
    ("The wait was far too long for a simple service.", "negative", "waiting_time"),
    ("Another long wait at the service desk.", "negative", "waiting_time"),
    ("Quick service, no waiting at all.", "positive", "waiting_time"),
    ("The salesman was rude and dismissive.", "negative", "staff_attitude"),
    ("Friendly staff who took their time with us.", "positive", "staff_attitude"),
    ("Very polite and helpful team.", "positive", "staff_attitude"),
    ("They kept me informed by text all day.", "positive", "communication"),
    ("Nobody called back as promised.", "negative", "communication"),
    ("The car is fine.", "neutral", ""),
    ("Collected the car on Tuesday.", "neutral", ""),
]


@pytest.mark.skipif(not _ml_available(), reason="the classifier and pipeline modules are not there yet")
def test_retrain_now_trains_a_new_active_model_by_the_person_who_asked(world, django_capture_on_commit_callbacks,
                                                                        monkeypatch, tmp_path):
    # A few shipped-style examples keep the real training fast and independent of the shipped set's size.
    from insidetrack.verbatims import services

    seed = tmp_path / "examples.csv"
    seed.write_text("text,language,sentiment,themes\n" + "".join(f'"{text}",en,{sentiment},{themes}\n'
                                                               for text, sentiment, themes in SEED_ROWS),
                    encoding="utf-8")
    monkeypatch.setattr(services, "SEED_PATH", seed)
    client = client_for(world, "head_office")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = client.post(reverse("verbatims:model"))
    assert answer.status_code == 302 and answer["Location"] == reverse("verbatims:model")
    assert len(callbacks) == 1
    model = TrainedModel.objects.get(brand=world.brand, is_active=True)
    assert model.trained_by == world.users["head_office"]
    assert (model.seed_examples, model.labelled_examples) == (len(SEED_ROWS), 3)
    page = client.get(answer["Location"]).content.decode()
    assert "Retraining started." in page
    history = tables_of(page)["models"]
    assert len(history) == 2 and history[1][1] == model.trained_by_name and history[1][-1] == "active"
