"""The analysis as a brand lives it: every new verbatim analysed after commit, in three languages, taught by labels."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from insidetrack.cases.models import Case
from insidetrack.core.actor import Actor
from insidetrack.core.errors import NotFound, PermissionDenied, ValidationFailed
from insidetrack.surveys.models import Response
from insidetrack.surveys.tests.factories import ResponseFactory
from insidetrack.verbatims import services
from insidetrack.verbatims.models import TrainedModel, VerbatimAnalysis, VerbatimLabel

pytestmark = pytest.mark.django_db

# Clear texts in each language, with the theme and tone a person reads in them.
CLEAR = [
    ("en", "I waited two hours past the promised time to get my car back from the service.", "waiting_time",
     "negative"),
    ("de", "Ich musste über zwei Stunden warten, bis ich mein Auto nach dem Service zurückbekam. Sehr ärgerlich.",
     "waiting_time", "negative"),
    ("fr", "J'ai attendu plus de deux heures pour récupérer ma voiture après la révision, c'est inadmissible.",
     "waiting_time", "negative"),
    ("en", "The salesman was friendly, patient and explained every option without any pressure. Lovely people.",
     "staff_attitude", "positive"),
    ("de", "Der Verkäufer war sehr freundlich und geduldig und hat alles ohne Druck erklärt. Tolles Team!",
     "staff_attitude", "positive"),
    ("fr", "Le vendeur était très aimable et patient, il a tout expliqué sans aucune pression. Équipe formidable !",
     "staff_attitude", "positive"),
]


def _response(world, text: str, language: str, score: int = 5, key: str = "a") -> Response:
    return ResponseFactory(invitation__event__customer=world.customers[key], verbatim=text, language=language,
                           score=score)


def test_clear_verbatims_in_three_languages_get_their_language_theme_and_tone(world):
    responses = [(_response(world, text, language), language, theme, tone) for language, text, theme, tone in CLEAR]

    services.verbatims_analyse(response_pks=[r.pk for r, *_ in responses])

    for response, language, theme, tone in responses:
        analysis = VerbatimAnalysis.objects.get(response=response)
        assert analysis.language == language, response.verbatim
        assert analysis.sentiment == tone, response.verbatim
        assert theme in {t.code for t in analysis.themes.all()}, response.verbatim
    # The first analysis trained the brand's model from the shipped examples, and every analysis names it.
    model = TrainedModel.objects.get(brand=world.brand, is_active=True)
    assert model.seed_examples > 800 and model.labelled_examples == 3  # the world labels its three answers
    assert set(VerbatimAnalysis.objects.filter(response__in=[r for r, *_ in responses])
               .values_list("trained_model_id", flat=True)) == {model.pk}


def test_a_completed_survey_is_analysed_after_commit_and_flags_reach_the_case(
        world, django_capture_on_commit_callbacks):
    from insidetrack.surveys.signals import response_completed

    response = _response(world, "The brakes failed on the motorway two days after the service. I have called my "
                                "lawyer.", "en", score=0)
    from insidetrack.cases.services import cases_open_for_responses

    with django_capture_on_commit_callbacks(execute=True):
        cases_open_for_responses(response_pks=[response.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response_completed.send(sender=Response, response_pk=response.pk, purpose="survey")

    analysis = VerbatimAnalysis.objects.get(response=response)
    assert analysis.is_safety and not analysis.is_incentive
    assert analysis.sentiment == "negative"
    case = Case.objects.get(response=response)
    assert case.urgent_at is not None


def test_incentive_language_is_flagged_with_its_words(world):
    response = _response(world, "They gave me a free service for a 10, so here is your 10.", "en", score=10)

    services.verbatims_analyse(response_pks=[response.pk])

    analysis = VerbatimAnalysis.objects.get(response=response)
    assert analysis.is_incentive
    assert analysis.flag_phrases["incentive"]


def test_analysing_twice_changes_nothing(world):
    response = _response(world, *CLEAR[0][1:2], CLEAR[0][0])
    services.verbatims_analyse(response_pks=[response.pk])
    first = list(VerbatimAnalysis.objects.filter(response=response).values("sentiment", "language", "theme_fit"))
    themes = sorted(VerbatimAnalysis.objects.get(response=response).themes.values_list("code", flat=True))

    services.verbatims_analyse(response_pks=[response.pk])

    assert list(VerbatimAnalysis.objects.filter(response=response).values("sentiment", "language",
                                                                           "theme_fit")) == first
    assert sorted(VerbatimAnalysis.objects.get(response=response).themes.values_list("code", flat=True)) == themes


def test_relabelling_keeps_the_history_and_retraining_learns_the_label(world):
    head_office = world.actors["head_office"]
    # A word the shipped examples never saw, used for a new problem: the model cannot know it is about the app.
    texts = ["The Zorblat keeps crashing whenever I open it.", "Zorblat crashed twice on the way home.",
             "Since the update the Zorblat freezes and crashes.", "My Zorblat will not log in any more.",
             "Zorblat shows an error every morning.", "The Zorblat lost all my saved settings.",
             "Zorblat is useless, it crashes constantly.", "Please fix the Zorblat, it crashed again.",
             "The Zorblat never finds the car.", "Why does the Zorblat crash when I lock the doors?",
             "Zorblat keeps restarting itself.", "The Zorblat crashed during the handover demo."]
    responses = [_response(world, text, "en", score=4) for text in texts]
    services.verbatims_analyse(response_pks=[r.pk for r in responses])
    probe = _response(world, "The Zorblat crashed again this morning.", "en", score=4)
    services.verbatims_analyse(response_pks=[probe.pk])
    assert "digital_app" not in {t.code for t in VerbatimAnalysis.objects.get(response=probe).themes.all()}

    first = services.verbatim_label(actor=head_office, response_pk=responses[0].pk, theme_codes=["waiting_time"],
                                    sentiment="neutral")
    for response in responses:
        services.verbatim_label(actor=head_office, response_pk=response.pk, theme_codes=["digital_app"],
                                sentiment="negative")
    labels = VerbatimLabel.objects.filter(response=responses[0]).order_by("labelled_at", "pk")
    assert [(label.sentiment, label.is_current) for label in labels] == [("neutral", False), ("negative", True)]
    assert labels[0].pk == first.pk and labels[0].labelled_by == world.users["head_office"]

    trained = services.model_train(brand_id=world.brand.pk, actor=head_office)
    services.verbatims_analyse(response_pks=[probe.pk])

    assert trained.labelled_examples == 12 + 3  # the world's three responses carry a label too
    assert trained.trained_by == world.users["head_office"]
    assert "digital_app" in {t.code for t in VerbatimAnalysis.objects.get(response=probe).themes.all()}
    assert TrainedModel.objects.filter(brand=world.brand, is_active=True).get() == trained


def test_the_sweep_retrains_once_labelling_has_gone_quiet(world):
    from datetime import timedelta

    from insidetrack.core import clock

    head_office = world.actors["head_office"]
    response = _response(world, "The app would not connect to the car.", "en")
    services.verbatims_analyse(response_pks=[response.pk])
    before = TrainedModel.objects.get(brand=world.brand, is_active=True)
    services.verbatim_label(actor=head_office, response_pk=response.pk, theme_codes=["digital_app"],
                            sentiment="negative", now=before.created_at + timedelta(seconds=1))

    assert services.models_retrain_if_taught(now=before.created_at + timedelta(minutes=2)) == []
    assert services.models_retrain_if_taught(now=clock.now() + timedelta(minutes=6)) == [world.brand.pk]
    assert TrainedModel.objects.get(brand=world.brand, is_active=True).pk != before.pk
    assert services.models_retrain_if_taught(now=clock.now() + timedelta(minutes=7)) == []


@pytest.mark.parametrize("role", ["region_manager", "dealer_principal", "dealer_staff", "owner", "anonymous"])
def test_only_head_office_labels_and_trains(world, role):
    response = _response(world, "Fine.", "en")
    with pytest.raises(PermissionDenied):
        services.verbatim_label(actor=world.actors[role], response_pk=response.pk, theme_codes=[],
                                sentiment="neutral")
    with pytest.raises(PermissionDenied):
        services.model_train(brand_id=world.brand.pk, actor=world.actors[role])
    assert not VerbatimLabel.objects.filter(response=response).exists()
    assert not TrainedModel.objects.exists()


def test_a_label_with_an_unknown_theme_or_tone_is_refused_and_nothing_is_written(world):
    head_office = world.actors["head_office"]
    response = _response(world, "Fine.", "en")
    with pytest.raises(ValidationFailed, match="no_such_theme"):
        services.verbatim_label(actor=head_office, response_pk=response.pk, theme_codes=["no_such_theme"],
                                sentiment="neutral")
    with pytest.raises(ValidationFailed):
        services.verbatim_label(actor=head_office, response_pk=response.pk, theme_codes=[], sentiment="angry")
    with pytest.raises(NotFound):
        services.verbatim_label(actor=head_office, response_pk=10**9, theme_codes=[], sentiment="neutral")
    assert not VerbatimLabel.objects.filter(response=response).exists()


def test_the_analyse_command_reports_what_it_did(world, capsys):
    _response(world, CLEAR[1][1], "de")

    call_command("verbatims", "analyse")

    assert VerbatimAnalysis.objects.count() == Response.objects.exclude(verbatim="").count()
    assert "verbatims in" in capsys.readouterr().out


def test_the_train_command_uses_the_brand_named(world, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no brand named 'Nope'"):
        call_command("verbatims", "train", "--brand", "Nope")
    call_command("verbatims", "train", "--brand", world.brand.name, "--no-scores")
    assert TrainedModel.objects.get(brand=world.brand).score_examples == 0
    assert Actor.system().is_system
