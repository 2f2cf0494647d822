"""The owner's issue pages and the photo view, over every role; the dealer's reply from the case page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from insidetrack.cases import services_owner
from insidetrack.cases.models import Case, CaseMessage, CasePhoto
from insidetrack.cases.tests.test_owner_issues import jpeg
from insidetrack.core.tests.pages import client_for

ROLES = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner", "anonymous"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def issue(world) -> Case:
    vehicle = world.customers["a"].vehicles.get()
    return services_owner.issue_raise(actor=world.actors["owner"], vehicle_pk=vehicle.pk,
                                      what="Door seal whistles at speed", urgency="can_wait",
                                      photos=[jpeg("seal.jpg")])


def test_the_owner_raises_an_issue_from_the_form_and_lands_on_it(world):
    client = client_for(world, "owner")
    vehicle = world.customers["a"].vehicles.get()
    form = client.get(reverse("portal:issue_new"))
    assert form.status_code == 200
    assert f'value="{vehicle.pk}"' in form.content.decode()
    response = client.post(reverse("portal:issue_new"), {
        "what": "Rattle from the boot", "vehicle": str(vehicle.pk), "urgency": "soon",
        "photos": [jpeg("boot.jpg"), jpeg("boot2.jpg")]})
    case = Case.objects.get(source="owner")
    assert response.status_code == 302 and response["Location"] == reverse("portal:issue_detail", args=[case.pk])
    assert CasePhoto.objects.filter(case=case).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Rattle from the boot" in page and "Received" in page
    listing = client.get(reverse("portal:issue_list")).content.decode()
    assert "Rattle from the boot" in listing and "Received" in listing


def test_a_bad_photo_keeps_what_was_typed_and_names_the_file(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world, "owner")
    vehicle = world.customers["a"].vehicles.get()
    response = client.post(reverse("portal:issue_new"), {
        "what": "Rattle from the boot", "vehicle": str(vehicle.pk), "urgency": "soon",
        "photos": [SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")]})
    assert response.status_code == 422
    page = response.content.decode()
    assert "notes.txt is not a photo we can read" in page and "Rattle from the boot" in page
    assert Case.objects.filter(source="owner").count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_opens_the_issue_pages(world, issue, role):
    client = client_for(world, role)
    pages = [reverse("portal:issue_list"), reverse("portal:issue_new"), reverse("portal:issue_detail", args=[issue.pk])]
    expected = {"owner": 200, "anonymous": 302}.get(role, 403)
    assert [client.get(url).status_code for url in pages] == [expected] * 3


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
def test_nobody_else_writes_on_the_owners_issue(world, issue, role):
    client = client_for(world, role)
    vehicle = world.customers["a"].vehicles.get()
    posts = [client.post(reverse("portal:issue_message", args=[issue.pk]), {"text": "Hello"}),
             client.post(reverse("portal:issue_confirm", args=[issue.pk]), {"put_right": "no", "words": "No"}),
             client.post(reverse("portal:issue_new"), {"what": "x", "vehicle": str(vehicle.pk), "urgency": "soon"})]
    assert [p.status_code for p in posts] == [302 if role == "anonymous" else 403] * 3
    assert (CaseMessage.objects.count(), Case.objects.filter(source="owner").count()) == (0, 1)
    issue.refresh_from_db()
    assert issue.status == "new"


def test_another_owner_does_not_find_the_issue(world, issue):
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.tests.factories import UserFactory
    from insidetrack.core.roles import Role

    stranger = UserFactory(email="stranger@example.com")
    Membership.objects.create(user=stranger, role=Role.OWNER, brand=world.brand, customer=world.customers["b"])
    client = client_for(world, "anonymous")
    client.force_login(stranger)
    photo = issue.photos.get()
    assert client.get(reverse("portal:issue_detail", args=[issue.pk])).status_code == 404
    assert client.post(reverse("portal:issue_message", args=[issue.pk]), {"text": "Hi"}).status_code == 404
    assert client.get(reverse("cases:photo", args=[issue.pk, photo.pk])).status_code == 404
    assert "Door seal" not in client.get(reverse("portal:issue_list")).content.decode()
    assert CaseMessage.objects.count() == 0


@pytest.mark.parametrize(("role", "status"), [
    ("owner", 200), ("head_office", 200), ("region_manager", 200), ("dealer_principal", 200), ("dealer_staff", 200),
    ("other_dealer", 404), ("anonymous", 302)])
def test_a_photo_is_served_only_to_those_who_may_see_the_case(world, issue, role, status):
    photo = issue.photos.get()
    response = client_for(world, role).get(reverse("cases:photo", args=[issue.pk, photo.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_a_photo_is_only_found_under_its_own_case(world, issue):
    other = Case.objects.exclude(pk=issue.pk).filter(dealer=world.dealer_a).first()
    photo = issue.photos.get()
    assert client_for(world, "owner").get(reverse("cases:photo", args=[other.pk, photo.pk])).status_code == 404


def test_the_dealer_replies_from_the_case_page_and_the_owner_reads_it(world, issue):
    dealer = client_for(world, "dealer_staff")
    page = dealer.get(reverse("cases:detail", args=[issue.pk])).content.decode()
    assert "Messages with the owner" in page and reverse("cases:photo", args=[issue.pk, issue.photos.get().pk]) in page
    assert "Door seal whistles at speed" in page and "Raised by the owner" in page
    response = dealer.post(reverse("cases:detail", args=[issue.pk]), {"action": "message",
                                                                        "text": "We have a new seal in stock."})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "contacted"
    empty = dealer.post(reverse("cases:detail", args=[issue.pk]), {"action": "message", "text": ""})
    assert empty.status_code == 422 and CaseMessage.objects.count() == 1
    owner = client_for(world, "owner")
    detail = owner.get(reverse("portal:issue_detail", args=[issue.pk])).content.decode()
    assert "We have a new seal in stock." in detail and "Being looked at" in detail
    assert CaseMessage.objects.get().read_at is not None


def test_the_owner_answers_put_right_on_the_page(world, issue):
    principal = world.actors["dealer_principal"]
    from insidetrack.cases import services

    now = dt.datetime.now(dt.UTC)
    services.case_set_root_cause(case_pk=issue.pk, actor=principal,
                                 theme_code=services.root_causes_for(issue)[0].code, now=now)
    services.case_record_resolution(case_pk=issue.pk, actor=principal, text="New seal fitted.", now=now)
    services.case_log_call(case_pk=issue.pk, actor=principal, outcome="reached", now=now)
    services.case_transition(case_pk=issue.pk, actor=principal, to_status="resolved", now=now)
    owner = client_for(world, "owner")
    page = owner.get(reverse("portal:issue_detail", args=[issue.pk])).content.decode()
    assert "Is it put right?" in page and "New seal fitted." in page
    missing = owner.post(reverse("portal:issue_confirm", args=[issue.pk]), {"put_right": "yes", "words": "Great"})
    assert missing.status_code == 422
    assert "Please choose how well we put it right, from 0 to 10." in missing.content.decode()
    issue.refresh_from_db()
    assert issue.status == "resolved"
    done = owner.post(reverse("portal:issue_confirm", args=[issue.pk]), {"put_right": "yes", "score": "10",
                                                                         "words": "Great"})
    assert done.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.follow_up_score) == ("verified", 10)
    assert "Is it put right?" not in owner.get(reverse("portal:issue_detail", args=[issue.pk])).content.decode()


def test_the_cases_api_lists_the_thread_and_photos_for_staff(world, issue):
    services_owner.message_from_owner(actor=world.actors["owner"], case_pk=issue.pk, text="Any news?")
    body = client_for(world, "dealer_principal").get(f"/api/v1/cases/{issue.pk}").json()
    assert [(m["from_owner"], m["text"]) for m in body["messages"]] == [(True, "Any news?")]
    assert [p["url"] for p in body["photos"]] == [reverse("cases:photo", args=[issue.pk, issue.photos.get().pk])]
    assert client_for(world, "other_dealer").get(f"/api/v1/cases/{issue.pk}").status_code == 404


def test_the_issue_list_reads_in_the_same_number_of_queries_however_many_issues(world, issue,
                                                                                  django_assert_num_queries):
    client = client_for(world, "owner")
    client.get(reverse("portal:issue_list"))
    vehicle = world.customers["a"].vehicles.get()
    with django_assert_num_queries(4) as first:  # session, user, membership, the issues with their counts
        assert client.get(reverse("portal:issue_list")).status_code == 200
    for index in range(3):
        case = services_owner.issue_raise(actor=world.actors["owner"], vehicle_pk=vehicle.pk, what=f"Issue {index}",
                                          urgency="soon")
        services_owner.message_from_dealer(actor=world.actors["dealer_staff"], case_pk=case.pk, text="On it")
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("portal:issue_list")).content.decode()
    assert page.count("1 new reply") == 3
