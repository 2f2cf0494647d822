"""Issues owners raised about their cars, for a generated demo world: a handful across dealers in every state.

Runs after the world is written, through the same services an owner and a dealer use (so each issue has its case,
deadlines, events, messages and e-mails as in real life). The demo owner (owner@insidetrack.demo: the customer
``users.demo_owner`` picks) has one issue the dealer answered (with a photo) and one the dealer says is put right,
waiting for the owner's "Is it put right?".
The others: one just in, one urgent, one being looked at, one verified by its owner and one the owner reopened.

Deterministic: customers are picked in key order with a seeded ``random.Random``; photos are drawn, tiny and fixed.
"""

from __future__ import annotations

import datetime as dt
import random
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from insidetrack.accounts.models import Membership
from insidetrack.accounts.selectors import actor_from_membership
from insidetrack.cases import services, services_owner
from insidetrack.cases.models import Case, CaseMessage, CasePhoto, CaseSource
from insidetrack.core import clock
from insidetrack.core.actor import Actor
from insidetrack.core.roles import Role
from insidetrack.customers.models import Customer, Vehicle
from insidetrack.network.models import Brand

from .users import demo_dealer, demo_owner

DEMO_OWNER = "owner@insidetrack.demo"

# What each owner writes, in their language: (issue, follow-up words); and the dealer's replies.
ISSUES = {
    "en": [("A rattle from the passenger door at low speed, worst on cobbles.", "Still there after the visit."),
           ("The infotainment screen freezes when I connect my phone.", ""),
           ("Stone chip on the windscreen, about 5 mm, near the driver's side.", ""),
           ("The brake pedal feels soft and the car pulls to the left.", ""),
           ("Tyre pressure warning keeps coming back after I pump the tyres.", ""),
           ("Water on the rear footwell carpet after rain.", "")],
    "de": [("Klappern aus der Beifahrertür bei langsamer Fahrt, besonders auf Kopfsteinpflaster.",
            "Nach dem Termin ist es immer noch da."),
           ("Der Bildschirm friert ein, wenn ich mein Handy verbinde.", ""),
           ("Steinschlag in der Windschutzscheibe, etwa 5 mm, auf der Fahrerseite.", ""),
           ("Das Bremspedal fühlt sich weich an und das Auto zieht nach links.", ""),
           ("Die Reifendruckwarnung kommt nach dem Aufpumpen immer wieder.", ""),
           ("Nach Regen ist der Teppich hinten nass.", "")],
    "fr": [("Un bruit dans la portière passager à basse vitesse, surtout sur les pavés.",
            "Le bruit est toujours là après le rendez-vous."),
           ("L'écran se fige quand je connecte mon téléphone.", ""),
           ("Impact sur le pare-brise, environ 5 mm, côté conducteur.", ""),
           ("La pédale de frein est molle et la voiture tire à gauche.", ""),
           ("L'alerte de pression des pneus revient après le gonflage.", ""),
           ("De l'eau sur le tapis arrière après la pluie.", "")],
}
REPLIES = {
    "en": ("Thank you for the photo. Could you bring the car in on Thursday at 9? We will have a courtesy car ready.",
           "All done: we replaced the door seal and test-drove it on cobbles."),
    "de": ("Danke für das Foto. Können Sie am Donnerstag um 9 Uhr vorbeikommen? Ein Ersatzwagen steht bereit.",
           "Erledigt: Wir haben die Türdichtung ersetzt und auf Kopfsteinpflaster probegefahren."),
    "fr": ("Merci pour la photo. Pouvez-vous passer jeudi à 9 h ? Un véhicule de courtoisie vous attendra.",
           "C'est fait : nous avons remplacé le joint de portière et fait un essai sur pavés."),
}
OWNER_ANSWER = {"en": "Thursday works, thank you.", "de": "Donnerstag passt, danke.",
                "fr": "Jeudi me convient, merci."}


def _photo(rng: random.Random, name: str) -> SimpleUploadedFile:
    """A small drawn picture (a panel with a scratch), so the demo shows a photo without shipping one."""
    image = Image.new("RGB", (480, 320), (rng.randint(150, 200), rng.randint(160, 200), rng.randint(170, 210)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 60, 440, 260), outline=(60, 60, 70), width=6)
    draw.line((120, 120, 330, 210), fill=(235, 235, 235), width=5)
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _owner_actor(customer: Customer) -> Actor:
    membership = Membership.objects.filter(customer=customer, role=Role.OWNER, is_active=True).first()
    if membership is not None:
        return actor_from_membership(membership)
    return Actor(role=Role.OWNER, brand_id=customer.brand_id, customer_id=customer.pk)


def _dealer_actor(customer: Customer, *, manager: bool) -> Actor:
    roles = [Role.DEALER_PRINCIPAL] if manager else [Role.DEALER_STAFF, Role.DEALER_PRINCIPAL]
    membership = (Membership.objects.filter(dealer_id=customer.dealer_id, role__in=roles, is_active=True)
                  .order_by("role", "pk").first())
    if membership is not None:
        return actor_from_membership(membership)
    return Actor(role=Role.DEALER_PRINCIPAL if manager else Role.DEALER_STAFF, brand_id=customer.brand_id,
                 region_id=customer.dealer.region_id, dealer_id=customer.dealer_id)


#: Service advisors who sign the generated replies at dealers with no staff account (the demo's sign-ins exist only at
#: the demo dealer): owners read a person's name, not the dealer's twice.
ADVISORS = ("Hannah Brooks", "Lukas Brandt", "Camille Roux", "Oliver Grant", "Julia Hoffmann", "Thomas Girard")


def _sign_replies(cases: list[Case], rng: random.Random) -> None:
    """Give each dealer's replies that have no account behind them one advisor's name ("Hannah Brooks · Aurelia
    Leeds")."""
    by_dealer: dict[int, str] = {}
    for case in cases:
        name = by_dealer.setdefault(case.dealer_id, rng.choice(ADVISORS))
        CaseMessage.objects.filter(case=case, from_owner=False, author_name="").update(author_name=name)


def _resolve(case: Case, customer: Customer, *, at: dt.datetime, text: str) -> None:
    principal = _dealer_actor(customer, manager=True)
    case.refresh_from_db()
    services.case_set_root_cause(case_pk=case.pk, actor=principal,
                                 theme_code=services.root_causes_for(case)[0].code, now=at)
    services.case_record_resolution(case_pk=case.pk, actor=principal, text=text, now=at)
    if case.status in ("new", "reopened"):
        services.case_transition(case_pk=case.pk, actor=principal, to_status="contacted", now=at)
    services.case_transition(case_pk=case.pk, actor=principal, to_status="resolved", now=at)


def _customers(rng: random.Random) -> list[Customer]:
    """The demo owner first, then one customer with a car at each of five other dealers."""
    chosen: list[Customer] = []
    demo = Customer.objects.filter(memberships__user__email=DEMO_OWNER).select_related("dealer").first()
    if demo is None:
        # The demo sign-ins are made after the world: the customer ``users.demo_owner`` picks is the one the owner's
        # sign-in is attached to then.
        brand = Brand.objects.filter(dealers__isnull=False).order_by("pk").first()
        try:
            demo = demo_owner(demo_dealer(brand)) if brand is not None else None
        except LookupError:
            demo = None
    if demo is not None and Vehicle.objects.filter(current_owner=demo).exists():
        chosen.append(demo)
    dealers = sorted({pk for pk in Customer.objects.filter(vehicles__isnull=False).exclude(
        pk__in=[c.pk for c in chosen]).values_list("dealer_id", flat=True).distinct() if pk})
    rng.shuffle(dealers)
    for dealer_pk in dealers:
        if demo is not None and dealer_pk == demo.dealer_id:
            continue
        customer = (Customer.objects.filter(dealer_id=dealer_pk, vehicles__isnull=False, email__gt="")
                    .select_related("dealer").order_by("pk").first())
        if customer is not None:
            chosen.append(customer)
        if len(chosen) >= 6:
            break
    return chosen


def owner_issues_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Write the demo's owner-raised issues (once: a world that has some is left alone)."""
    if Case.objects.filter(source=CaseSource.OWNER).exists():
        return {"owner_issues": 0, "owner_issue_messages": 0, "owner_issue_photos": 0}
    rng = random.Random(f"insidetrack-demo-owner-issues:{seed}")
    now = clock.now() if end is None or end >= timezone.localdate() else timezone.make_aware(
        dt.datetime.combine(end, dt.time(17, 0)))
    customers = _customers(rng)
    made: list[Case] = []
    for index, customer in enumerate(customers):
        language = customer.language if customer.language in ISSUES else "en"
        texts, replies = ISSUES[language], REPLIES[language]
        vehicle = Vehicle.objects.filter(current_owner=customer).order_by("pk").first()
        owner = _owner_actor(customer)
        staff = _dealer_actor(customer, manager=False)

        def raise_one(position: int, *, hours_ago: float, urgency: str = "soon", photos: int = 0,
                      owner: Actor = owner, vehicle: Vehicle = vehicle, texts: list = texts,
                      index: int = index) -> Case:
            return services_owner.issue_raise(
                actor=owner, vehicle_pk=vehicle.pk, what=texts[position][0], urgency=urgency,
                photos=[_photo(rng, f"issue-{index}-{n}.jpg") for n in range(photos)],
                now=now - dt.timedelta(hours=hours_ago))

        if index == 0:
            # The demo owner: an answered issue with a photo, and one waiting for "Is it put right?".
            answered = raise_one(0, hours_ago=50, photos=1)
            services_owner.message_from_dealer(actor=staff, case_pk=answered.pk, text=replies[0],
                                               now=now - dt.timedelta(hours=46))
            services_owner.message_from_owner(actor=owner, case_pk=answered.pk, text=OWNER_ANSWER[language],
                                              now=now - dt.timedelta(hours=45))
            made.append(answered)
            waiting = raise_one(4, hours_ago=120, urgency="can_wait")
            services_owner.message_from_dealer(actor=staff, case_pk=waiting.pk, text=replies[0],
                                               now=now - dt.timedelta(hours=110))
            _resolve(waiting, customer, at=now - dt.timedelta(hours=20), text=replies[1])
            services_owner.message_from_dealer(actor=staff, case_pk=waiting.pk, text=replies[1],
                                               now=now - dt.timedelta(hours=20))
            made.append(waiting)
        elif index == 1:
            made.append(raise_one(1, hours_ago=2))  # just in: the 24-hour clock runs
        elif index == 2:
            made.append(raise_one(3, hours_ago=1, urgency="unsafe", photos=1))
        elif index == 3:
            case = raise_one(2, hours_ago=30, photos=1)
            services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text=replies[0],
                                               now=now - dt.timedelta(hours=26))
            services.case_transition(case_pk=case.pk, actor=staff, to_status="in_progress",
                                     now=now - dt.timedelta(hours=4))
            made.append(case)
        elif index == 4:
            case = raise_one(5, hours_ago=200)
            services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text=replies[0],
                                               now=now - dt.timedelta(hours=190))
            _resolve(case, customer, at=now - dt.timedelta(hours=100), text=replies[1])
            services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=True, score=9 + index % 2,
                                         now=now - dt.timedelta(hours=80))
            made.append(case)
        else:
            case = raise_one(0, hours_ago=160)
            services_owner.message_from_dealer(actor=staff, case_pk=case.pk, text=replies[0],
                                               now=now - dt.timedelta(hours=150))
            _resolve(case, customer, at=now - dt.timedelta(hours=60), text=replies[1])
            services_owner.issue_confirm(actor=owner, case_pk=case.pk, put_right=False, words=texts[0][1],
                                         now=now - dt.timedelta(hours=10))
            made.append(case)
    _sign_replies(made, rng)
    return {"owner_issues": len(made),
            "owner_issue_messages": CaseMessage.objects.filter(case__in=made).count(),
            "owner_issue_photos": CasePhoto.objects.filter(case__in=made).count()}
