"""The owner's issues: raising one with photos, the thread with the dealer, and the owner's "is it put right?"."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from insidetrack.cases import selectors_owner, services, services_owner
from insidetrack.cases.models import Case, CaseEvent, CaseMessage, CasePhoto
from insidetrack.cases.personal_data_owner import erase_vehicle_issues, export_vehicle_issues
from insidetrack.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from insidetrack.surveys.models import Invitation, Purpose, Response

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
GPS_IFD = 0x8825


def jpeg(name: str = "dashboard.jpg", *, size: tuple[int, int] = (64, 48), with_gps: bool = True) -> SimpleUploadedFile:
    """A real JPEG carrying a camera make and a GPS position in its EXIF, as a phone's photo does."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if with_gps:
        gps = exif.get_ifd(GPS_IFD)
        gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 12.0), "W", (0.0, 7.0, 40.0)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def owner(world):
    return world.actors["owner"]


@pytest.fixture
def vehicle(world):
    return world.customers["a"].vehicles.get()


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def raise_issue(owner, vehicle, **kwargs) -> Case:
    values = {"what": "Warning light on the dashboard\nIt comes on after ten minutes.", "urgency": "soon",
              "photos": [], "now": NOW}
    values.update(kwargs)
    return services_owner.issue_raise(actor=owner, vehicle_pk=vehicle.pk, **values)


# --------------------------------------------------------------------------------------------------------------------
# Raising


def test_an_issue_with_photos_is_a_case_for_the_owners_dealer_with_the_photos_stripped_of_location(
        world, owner, vehicle, media):
    case = raise_issue(owner, vehicle, photos=[jpeg("dash.jpg"), jpeg("light.jpg", size=(3000, 1500))])
    assert (case.source, case.kind, case.status, case.dealer_id, case.customer_id, case.vehicle_id) == (
        "owner", "recovery", "new", world.dealer_a.pk, world.customers["a"].pk, vehicle.pk)
    assert case.subject == "Warning light on the dashboard"
    assert case.respond_by == NOW + dt.timedelta(hours=24)
    assert case.urgent_at is None
    created = CaseEvent.objects.get(case=case, kind="created")
    assert created.detail == "Warning light on the dashboard\nIt comes on after ten minutes."
    assert created.data == {"urgency": "soon", "photos": 2}
    photos = list(CasePhoto.objects.filter(case=case).order_by("pk"))
    assert [(p.original_name, p.content_type, p.width, p.height) for p in photos] == [
        ("dash.jpg", "image/jpeg", 64, 48), ("light.jpg", "image/jpeg", 2048, 1024)]
    files = stored_files(media)
    assert len(files) == 2
    for path in files:
        with Image.open(path) as stored:
            assert dict(stored.getexif()) == {}
            assert stored.getexif().get_ifd(GPS_IFD) == {}
    assert all(str(p).startswith(str(media / "issues" / str(case.pk))) for p in files)


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 not a photo", content_type="image/jpeg"),
     "receipt.pdf is not a photo we can read: please send a JPEG, PNG or WebP image."),
    (SimpleUploadedFile("broken.jpg", jpeg().read()[:200], content_type="image/jpeg"),
     "broken.jpg is not a photo we can read: please send a JPEG, PNG or WebP image."),
])
def test_a_bad_photo_names_the_file_and_writes_nothing(world, owner, vehicle, media, upload, message):
    cases, events = Case.objects.count(), CaseEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, vehicle, photos=[jpeg("good.jpg"), upload])
    assert (str(error.value.message), error.value.field) == (message, "photos")
    assert (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count()) == (cases, events, 0)
    assert stored_files(media) == []


def test_too_many_or_too_large_photos_are_refused_by_the_settings(world, owner, vehicle, settings, media):
    settings.INSIDETRACK_ISSUE_PHOTOS_MAX = 2
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, vehicle, photos=[jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")])
    assert str(error.value.message) == "Please send at most 2 photos."
    settings.INSIDETRACK_ISSUE_PHOTO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("huge.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, vehicle, photos=[big])
    assert str(error.value.message) == "huge.jpg is too large: a photo may be at most 1 MB."
    assert (Case.objects.filter(source="owner").count(), CasePhoto.objects.count(), stored_files(media)) == (0, 0, [])


def test_only_the_owners_own_vehicle_can_be_chosen(world, owner):
    others = world.customers["b"].vehicles.get()
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, others)
    assert (error.value.field, str(error.value.message)) == ("vehicle", "Please choose one of your vehicles.")
    assert Case.objects.filter(source="owner").count() == 0


@pytest.mark.parametrize("role", ["head_office", "region_manager", "dealer_principal", "dealer_staff", "anonymous"])
def test_only_an_owner_raises_an_issue(world, vehicle, role):
    with pytest.raises(PermissionDenied):
        raise_issue(world.actors[role], vehicle)
    assert Case.objects.filter(source="owner").count() == 0


def test_what_happened_and_the_urgency_are_required(world, owner, vehicle):
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, vehicle, what="   ")
    assert error.value.field == "what"
    with pytest.raises(ValidationFailed) as error:
        raise_issue(owner, vehicle, urgency="yesterday")
    assert error.value.field == "urgency"
    assert Case.objects.filter(source="owner").count() == 0


def test_a_car_that_is_not_safe_to_use_flags_the_case_urgent_and_tells_dealer_and_head_office_at_once(
        world, owner, vehicle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = raise_issue(owner, vehicle, urgency="unsafe", what="Brakes grind and the pedal goes soft")
    assert (case.urgent_at, case.urgent_reason) == (NOW, "The owner says the car cannot be used safely.")
    assert CaseEvent.objects.filter(case=case, kind="urgent").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["dealer_principal@example.com", "dealer_staff@example.com",
                                                    "head_office@example.com"]
    assert all("Brakes grind and the pedal goes soft" in m.body for m in mail.outbox)


def test_a_soon_issue_waits_in_the_inbox_without_an_e_mail(world, owner, vehicle, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        raise_issue(owner, vehicle)
    assert mail.outbox == []


# --------------------------------------------------------------------------------------------------------------------
# Messages


def test_the_owners_message_tells_the_dealer_and_does_not_stop_the_clock(
        world, owner, vehicle, django_capture_on_commit_callbacks):
    case = raise_issue(owner, vehicle)
    with django_capture_on_commit_callbacks(execute=True):
        message = services_owner.message_from_owner(actor=owner, case_pk=case.pk, text="It happened again today.",
                                                    now=NOW + dt.timedelta(hours=1))
    assert (message.from_owner, message.text, message.author_id) == (True, "It happened again today.",
                                                                      world.users["owner"].pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["dealer_principal@example.com", "dealer_staff@example.com"]
    assert "It happened again today." in mail.outbox[0].body
    assert f"/cases/{case.pk}/#messages" in mail.outbox[0].body
    case.refresh_from_db()
    assert (case.status, case.first_contact_at) == ("new", None)


def test_the_dealers_first_reply_stops_the_respond_by_clock_and_e_mails_the_owner_in_their_language(
        world, owner, vehicle, django_capture_on_commit_callbacks):
    customer = world.customers["a"]
    customer.language = "de"
    customer.save(update_fields=["language"])
    case = raise_issue(owner, vehicle)
    staff = world.actors["dealer_staff"]
    replied_at = NOW + dt.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text="Please bring it in on Thursday.",
                                           now=replied_at)
    case.refresh_from_db()
    assert (case.status, case.first_contact_at, case.contacted_at) == ("contacted", replied_at, replied_at)
    move = CaseEvent.objects.get(case=case, kind="status")
    assert (move.from_status, move.to_status, move.actor_id, move.data) == (
        "new", "contacted", world.users["dealer_staff"].pk, {"by": "message"})
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert mail.outbox[0].extra_headers["Content-Language"] == "de"
    assert f"/my/issues/{case.pk}/" in mail.outbox[0].body
    assert "Please bring it in on Thursday." in mail.outbox[0].body
    # Past the promise: contacted in time, so nothing is escalated.
    result = services.cases_sweep(now=NOW + dt.timedelta(hours=30))
    assert case.pk not in result.escalated_to_region
    # A second reply writes no second move.
    services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text="See you then.", now=replied_at)
    assert CaseEvent.objects.filter(case=case, kind="status").count() == 1


@pytest.mark.parametrize("role", ["other_dealer", "owner", "anonymous"])
def test_only_the_dealers_people_reply_and_a_refusal_writes_nothing(world, owner, vehicle, role):
    case = raise_issue(owner, vehicle)
    with pytest.raises((NotFound, PermissionDenied)):
        services_owner.message_from_dealer(actor=world.actors[role], case_pk=case.pk, text="Hello", now=NOW)
    assert CaseMessage.objects.count() == 0
    case.refresh_from_db()
    assert case.status == "new"


def test_a_survey_case_has_no_thread_with_the_owner(world):
    survey_case = Case.objects.filter(dealer=world.dealer_a, source="survey").first()
    with pytest.raises(Conflict) as error:
        services_owner.message_from_dealer(actor=world.actors["dealer_staff"], case_pk=survey_case.pk, text="Hi",
                                           now=NOW)
    assert error.value.code == "no_thread"
    assert CaseMessage.objects.count() == 0


def test_another_owner_cannot_write_on_an_issue_that_is_not_theirs(world, owner, vehicle):
    from insidetrack.core.actor import Actor

    case = raise_issue(owner, vehicle)
    stranger = Actor(user_id=None, role=owner.role, customer_id=world.customers["b"].pk)
    with pytest.raises(NotFound):
        services_owner.message_from_owner(actor=stranger, case_pk=case.pk, text="Hi", now=NOW)
    assert CaseMessage.objects.count() == 0


def test_the_owner_sees_stages_in_their_words_and_never_internal_notes(world, owner, vehicle):
    case = raise_issue(owner, vehicle)
    staff = world.actors["dealer_staff"]
    services.case_add_note(case_pk=case.pk, actor=staff, text="Customer sounds annoyed; offer a loan car",
                           now=NOW + dt.timedelta(minutes=5))
    services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text="We will call you.",
                                       now=NOW + dt.timedelta(minutes=10))
    services.case_transition(case_pk=case.pk, actor=staff, to_status="in_progress",
                             now=NOW + dt.timedelta(minutes=20))
    history = selectors_owner.owner_history(actor=owner, case=case)
    assert [(entry.at, str(entry.label)) for entry in history] == [
        (NOW, "Received"), (NOW + dt.timedelta(minutes=10), "Being looked at")]
    detail = selectors_owner.owner_issue(actor=owner, pk=case.pk)
    assert [m.text for m in detail.messages.all()] == ["We will call you."]
    assert services_owner.messages_mark_read(actor=owner, case=case, now=NOW + dt.timedelta(hours=1)) == 1
    assert services_owner.messages_mark_read(actor=owner, case=case, now=NOW + dt.timedelta(hours=2)) == 0


# --------------------------------------------------------------------------------------------------------------------
# "Is it put right?"


def resolve(world, case: Case, at: dt.datetime) -> Case:
    principal = world.actors["dealer_principal"]
    services_owner.message_from_dealer(actor=principal, case_pk=case.pk, text="Fixed the sensor.", now=at)
    theme = services.root_causes_for(case)[0].code
    services.case_set_root_cause(case_pk=case.pk, actor=principal, theme_code=theme, now=at)
    services.case_record_resolution(case_pk=case.pk, actor=principal, text="Replaced the sensor.", now=at)
    return services.case_transition(case_pk=case.pk, actor=principal, to_status="resolved", now=at)


def test_yes_verifies_the_case_and_answers_its_follow_up_so_it_is_never_sent(
        world, owner, vehicle, django_capture_on_commit_callbacks):
    from insidetrack.cases import measures
    from insidetrack.surveys.services import invitations_send_due

    case = resolve(world, raise_issue(owner, vehicle), NOW + dt.timedelta(hours=2))
    invitation = case.follow_up_invitation
    assert invitation.status == "pending"
    confirmed_at = NOW + dt.timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        case = services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=True, score="9",
                                            words="Quick and friendly.", now=confirmed_at)
    case.refresh_from_db()
    assert (case.status, case.verified_at, case.follow_up_score, case.follow_up_answered_at) == (
        "verified", confirmed_at, 9, confirmed_at)
    response = Response.objects.get(purpose=Purpose.FOLLOW_UP)
    assert (response.invitation_id, response.score, response.verbatim, response.answers, response.source) == (
        invitation.pk, 9, "Quick and friendly.", {"put_right": True}, "portal")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.answered_at) == ("answered", confirmed_at)
    # Days later the invitations sweep has nothing to send: the owner is not asked twice.
    mail.outbox.clear()
    invitations_send_due(now=NOW + dt.timedelta(days=4))
    assert mail.outbox == []
    # It counts in the follow-up figures like an e-mailed follow-up.
    figures = measures.closed_loop_measures(actor=world.actors["head_office"], days=30, now=NOW + dt.timedelta(days=1))
    assert (figures.overall.recovery_rate.numerator, figures.overall.recovery_rate.denominator) == (1, 1)
    with pytest.raises(Conflict):
        services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=True, score="9", now=confirmed_at)
    assert Response.objects.filter(purpose=Purpose.FOLLOW_UP).count() == 1


def test_yes_with_a_detractors_score_reopens_it_as_an_e_mailed_follow_up_would(world, owner, vehicle, client):
    """Put right, but handled so badly the owner gives it a 4: the case is not recovered; the dealer calls again."""
    from insidetrack.accounts.models import User

    case = resolve(world, raise_issue(owner, vehicle), NOW + dt.timedelta(hours=2))
    client.force_login(User.objects.get(pk=owner.user_id))
    response = client.post(f"/my/issues/{case.pk}/put-right/", {"put_right": "yes", "score": "4",
                                                               "words": "Fixed, after three visits."}, follow=True)
    case.refresh_from_db()
    assert (case.status, case.follow_up_score, case.reopen_count) == ("reopened", 4, 1)
    assert case.events.filter(kind="follow_up_answered").get().data["outcome"] == "reopened"
    assert "gave 4 out of 10 for how it was handled" in case.events.filter(kind="status").last().detail
    assert Response.objects.get(purpose=Purpose.FOLLOW_UP).score == 4
    assert "your dealer will call you about it" in response.content.decode()


def test_yes_after_the_follow_up_was_e_mailed_closes_that_link(world, owner, vehicle):
    from insidetrack.surveys.capture import AlreadyAnswered, survey_state
    from insidetrack.surveys.services import invitations_send_due, survey_link

    customer = world.customers["a"]
    customer.email = "owner.a@example.org"
    customer.save(update_fields=["email"])
    case = resolve(world, raise_issue(owner, vehicle), NOW + dt.timedelta(hours=2))
    invitations_send_due(now=NOW + dt.timedelta(days=4))
    invitation = Invitation.objects.get(pk=case.follow_up_invitation_id)
    assert invitation.status == "sent"
    services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=True, score=10,
                                 now=NOW + dt.timedelta(days=4, hours=1))
    token = survey_link(invitation).rstrip("/").rsplit("/", 1)[-1]
    with pytest.raises(AlreadyAnswered):
        survey_state(token=token, now=NOW + dt.timedelta(days=4, hours=2))


def test_not_yet_reopens_the_case_with_the_owners_words_and_withdraws_the_follow_up(world, owner, vehicle):
    case = resolve(world, raise_issue(owner, vehicle), NOW + dt.timedelta(hours=2))
    invitation_pk = case.follow_up_invitation_id
    with pytest.raises(ValidationFailed) as error:
        services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=False, words="  ",
                                     now=NOW + dt.timedelta(hours=5))
    assert error.value.field == "words"
    reopened_at = NOW + dt.timedelta(hours=6)
    services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=False,
                                 words="The light came back this morning.", now=reopened_at)
    case.refresh_from_db()
    assert (case.status, case.reopen_count, case.reopened_at, case.follow_up_at) == ("reopened", 1, reopened_at,
                                                                                     None)
    assert case.respond_by == reopened_at + dt.timedelta(hours=24)
    move = CaseEvent.objects.filter(case=case, kind="status").latest("pk")
    assert (move.to_status, move.detail, move.actor_id) == ("reopened", "The light came back this morning.",
                                                            world.users["owner"].pk)
    assert Invitation.objects.get(pk=invitation_pk).status == "skipped"
    assert list(CaseMessage.objects.filter(case=case, from_owner=True).values_list("text", flat=True)) == [
        "The light came back this morning."]
    assert Response.objects.filter(purpose=Purpose.FOLLOW_UP).count() == 0
    history = selectors_owner.owner_history(actor=owner, case=case)
    assert (str(history[-1].label), history[-1].note) == ("Reopened: not put right yet",
                                                          "The light came back this morning.")


def test_the_question_waits_until_the_dealer_says_it_is_put_right(world, owner, vehicle):
    case = raise_issue(owner, vehicle)
    with pytest.raises(Conflict):
        services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=True, score=9, now=NOW)
    case.refresh_from_db()
    assert (case.status, Response.objects.filter(purpose=Purpose.FOLLOW_UP).count()) == ("new", 0)


# --------------------------------------------------------------------------------------------------------------------
# Personal data


def test_erasure_deletes_the_photos_and_blanks_the_messages_but_keeps_the_counts(world, owner, vehicle, media):
    case = raise_issue(owner, vehicle, photos=[jpeg("dash.jpg")])
    services_owner.message_from_owner(actor=owner, case_pk=case.pk, text="My number is 0123 456", now=NOW)
    services_owner.message_from_dealer(actor=world.actors["dealer_staff"], case_pk=case.pk, text="Calling 0123 456",
                                       now=NOW)
    exported = export_vehicle_issues(world.customers["a"].pk)
    assert [m["text"] for m in exported["messages"]] == ["My number is 0123 456", "Calling 0123 456"]
    assert [p["file_name"] for p in exported["photos"]] == ["dash.jpg"]
    erased_at = NOW + dt.timedelta(days=1)
    assert erase_vehicle_issues(world.customers["a"].pk, erased_at) == 3
    assert erase_vehicle_issues(world.customers["a"].pk, erased_at) == 0
    assert list(CaseMessage.objects.values_list("text", "author_name", "erased_at")) == [
        ("", "", erased_at), ("", "", erased_at)]
    photo = CasePhoto.objects.get()
    assert (photo.file.name, photo.original_name, photo.erased_at, photo.width) == ("", "", erased_at, 64)
    assert stored_files(media) == []
    with pytest.raises(NotFound):
        selectors_owner.photo_get(actor=owner, case_pk=case.pk, photo_pk=photo.pk)
