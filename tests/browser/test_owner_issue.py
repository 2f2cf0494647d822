"""Issue 9's done-when: an owner signs in with the e-mailed link (on a phone), raises an issue with a photo, the dealer
answers it from the case page (a second browser), and the owner follows the e-mailed link to the issue and reads the
reply."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.cache import cache
from PIL import Image
from playwright.sync_api import expect

from insidetrack.accounts.tests.factories import PASSWORD
from insidetrack.cases.models import Case, CasePhoto
from insidetrack.customers.tests.factories import CustomerFactory, OwnershipFactory, VehicleFactory

from .conftest import screenshot

pytestmark = pytest.mark.browser
REPLY = "Thank you for the photo. Please bring the car in on Thursday at 9; a courtesy car will be ready."


def _photo_file(tmp_path) -> str:
    """A phone photo: a JPEG with a GPS position in its EXIF (which must not be stored)."""
    image = Image.new("RGB", (800, 600), (170, 180, 195))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 12.0)})
    buffer = BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    path = tmp_path / "scratch-on-the-door.jpg"
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_an_owner_signs_in_by_link_raises_an_issue_with_a_photo_and_reads_the_dealers_reply(
        world, live_server, browser, mailoutbox, settings, tmp_path):
    cache.clear()  # the sign-in rate-limit counters of earlier tests
    settings.MEDIA_ROOT = str(tmp_path / "media")
    customer = CustomerFactory(dealer=world.dealer_a, brand=world.brand, first_name="Priya", last_name="Shah",
                               email="priya.shah@example.co.uk", language="en")
    OwnershipFactory(vehicle=VehicleFactory(current_owner=customer, model="Aurelia Volta", model_year=2025,
                                            vin="WAUZZZVOLTA000077", registration="PR25 SHA"))

    # The owner, on a phone: the e-mailed sign-in link.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True)
    owner = phone.new_page()
    owner.set_default_timeout(15_000)
    owner.goto(f"{live_server.url}/sign-in/")
    owner.get_by_label("Where should we send the link?").fill("priya.shah@example.co.uk")
    owner.get_by_role("button", name="E-mail me a sign-in link").tap()
    expect(owner.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    (sign_in_mail,) = mailoutbox
    link = re.search(r"https?://\S+(/sign-in/link/\S+?/)", sign_in_mail.body).group(1)
    owner.goto(f"{live_server.url}{link}")
    owner.get_by_role("button", name="Sign in", exact=True).tap()
    owner.wait_for_url(f"{live_server.url}/my/")

    # Raises an issue with a photo, from the menu.
    owner.get_by_role("link", name="My issues").first.tap()
    owner.wait_for_url(f"{live_server.url}/my/issues/")
    # On a phone the menu is one sideways-scrolling row with the current page scrolled into view, so the page
    # itself starts near the top (wrapped, the owner's nine entries took four rows).
    menu = owner.get_by_role("navigation", name="Main")
    assert menu.bounding_box()["height"] < 60
    expect(menu.get_by_role("link", name="My issues")).to_be_in_viewport()
    assert owner.get_by_role("heading", name="My issues", level=1).bounding_box()["y"] < 200
    owner.get_by_role("link", name="Report an issue").tap()
    owner.get_by_label("What happened?").fill("Deep scratch on the driver's door after a car park.\n"
                                              "It is about 20 cm long.")
    expect(owner.get_by_label("Which vehicle?")).to_have_value(str(customer.vehicles.get().pk))
    owner.get_by_label("It can wait for my next service").check()
    owner.get_by_label("Photos (optional)").set_input_files(_photo_file(tmp_path))
    screenshot(owner, "owner-issue-form")
    owner.get_by_role("button", name="Send to my dealer").tap()
    expect(owner.get_by_text("Thank you. Dealer A has your issue and will answer you soon.")).to_be_visible()
    expect(owner.locator("#issue-stage")).to_have_text("Received")
    expect(owner.get_by_role("img", name="Your photo scratch-on-the-door.jpg")).to_be_visible()
    screenshot(owner, "owner-issue-raised")

    case = Case.objects.get(customer=customer)
    assert (case.source, case.dealer_id, case.status, case.subject) == (
        "owner", world.dealer_a.pk, "new", "Deep scratch on the driver's door after a car park.")
    photo = CasePhoto.objects.get(case=case)
    assert (photo.original_name, photo.width, photo.height) == ("scratch-on-the-door.jpg", 800, 600)
    with Image.open(photo.file.path) as stored:
        assert stored.getexif().get_ifd(0x8825) == {}

    # The dealer, in another browser: the case in the inbox, the photo, and the reply.
    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    dealer = desk.new_page()
    dealer.set_default_timeout(15_000)
    dealer.goto(f"{live_server.url}/sign-in/")
    staff_form = dealer.locator("#password-sign-in")
    staff_form.get_by_label("E-mail").fill(world.users["dealer_staff"].email)
    staff_form.get_by_label("Password", exact=True).fill(PASSWORD)
    staff_form.get_by_role("button", name="Sign in").click()
    dealer.wait_for_url(re.compile(f"^{re.escape(live_server.url)}/(?!sign-in)"))
    dealer.goto(f"{live_server.url}/cases/")
    row = dealer.locator(f"#case-{case.pk}")
    expect(row).to_contain_text("Raised by the owner")
    expect(row).to_contain_text("Deep scratch on the driver's door after a car park.")
    row.locator(".action a").click()
    dealer.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    expect(dealer.get_by_role("heading", name="Messages with the owner")).to_be_visible()
    expect(dealer.get_by_text("Raised by the owner").first).to_be_visible()
    dealer_photo = dealer.get_by_role("img", name="Photo from the owner: scratch-on-the-door.jpg")
    expect(dealer_photo).to_be_visible()
    assert dealer_photo.evaluate(
        "img => img.complete && img.naturalWidth ? img.naturalWidth"
        " : new Promise(done => { img.onload = () => done(img.naturalWidth); img.onerror = () => done(-1); })"
    ) == 800
    dealer.get_by_label("Message to the owner").fill(REPLY)
    dealer.get_by_role("button", name="Send to the owner").click()
    expect(dealer.get_by_text("Message sent to the owner.")).to_be_visible()
    expect(dealer.locator("#case-status")).to_have_text("Contacted")
    screenshot(dealer, "owner-issue-dealer-replied")
    desk.close()

    # The owner's e-mail links to the issue, which shows the reply.
    reply_mail = mailoutbox[-1]
    assert reply_mail.to == ["priya.shah@example.co.uk"]
    assert reply_mail.subject == "Dealer A replied about your issue"
    issue_link = re.search(r"https?://\S+(/my/issues/\d+/)", reply_mail.body).group(1)
    owner.goto(f"{live_server.url}{issue_link}")
    expect(owner.get_by_text(REPLY)).to_be_visible()
    expect(owner.locator("#issue-stage")).to_have_text("Being looked at")
    screenshot(owner, "owner-issue-reply-read")
    phone.close()
