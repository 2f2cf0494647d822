"""The demo's owner-raised issues: the demo owner's two (one answered, one waiting for "Is it put right?"), others
across dealers in other states, made once."""

from __future__ import annotations

import pytest

from insidetrack.cases.models import Case, CaseMessage, CasePhoto
from insidetrack.demo.generator.owner_issues import DEMO_OWNER, owner_issues_generate


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
def test_the_demo_owner_has_an_answered_issue_and_one_to_confirm_and_others_have_theirs(world):
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.tests.factories import UserFactory
    from insidetrack.core.roles import Role

    demo = UserFactory(email=DEMO_OWNER, username=DEMO_OWNER)
    Membership.objects.create(user=demo, role=Role.OWNER, brand=world.brand, customer=world.customers["b"])
    counts = owner_issues_generate(seed=7)
    mine = list(Case.objects.filter(source="owner", customer=world.customers["b"]).order_by("opened_at"))
    assert [case.status for case in mine] == ["resolved", "contacted"]
    answered = mine[1]
    assert [(m.from_owner, m.text[:24]) for m in CaseMessage.objects.filter(case=answered)] == [
        (False, "Thank you for the photo."), (True, "Thursday works, thank yo")]
    assert CasePhoto.objects.filter(case=answered).count() == 1
    others = Case.objects.filter(source="owner").exclude(customer=world.customers["b"])
    assert sorted(case.status for case in others) == ["new", "new"]
    assert sorted(bool(case.urgent_at) for case in others) == [False, True]
    assert counts == {"owner_issues": 4, "owner_issue_messages": CaseMessage.objects.count(),
                      "owner_issue_photos": 2}
    assert owner_issues_generate(seed=7) == {"owner_issues": 0, "owner_issue_messages": 0, "owner_issue_photos": 0}


@pytest.mark.django_db
def test_replies_written_before_the_sign_ins_exist_are_signed_by_an_advisor(world, client):
    """At dealers with no staff account (all but the demo's own) the replies have no account behind them, yet the
    owner reads who answered ("Hannah Brooks · Dealer A"), not the dealer's name twice."""
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.tests.factories import UserFactory
    from insidetrack.core.roles import Role
    from insidetrack.demo.generator.owner_issues import ADVISORS

    Membership.objects.filter(role__in=[Role.DEALER_STAFF, Role.DEALER_PRINCIPAL]).delete()
    demo = UserFactory(email=DEMO_OWNER, username=DEMO_OWNER)
    Membership.objects.create(user=demo, role=Role.OWNER, brand=world.brand, customer=world.customers["b"])
    owner_issues_generate(seed=7)
    replies = CaseMessage.objects.filter(from_owner=False)
    assert replies.exists()
    assert set(replies.values_list("author_name", flat=True)) <= set(ADVISORS)

    client.force_login(demo)
    answered = Case.objects.filter(source="owner", customer=world.customers["b"], status="contacted").get()
    page = client.get(f"/my/issues/{answered.pk}/").content.decode()
    name = replies.filter(case=answered).first().author_name
    dealer = answered.dealer.name
    assert f"{name} · {dealer}" in page and f"{dealer} · {dealer}" not in page
