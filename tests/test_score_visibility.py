"""Scores hidden from dealers: every page, API endpoint and e-mail a dealer can reach, checked for a leaked score.

Head office's policy (``Brand.dealers_see_scores``, off by default): dealers see verbatims, the action to take and the
deadline, never a 0-10 score nor an NPS figure. These tests do not list the pages to check: they walk every URL
pattern of the project (so a page added tomorrow is checked without touching this file) and every GET operation of
the API's OpenAPI schema, signed in as dealer principal and as dealer staff.

A page leaks in one of two ways, and each is looked for:

* **Markers.** A score rendered the way this project renders scores: an element whose class says ``score``, ``nps``,
  ``promoter``, ``passive`` or ``detractor``; the word "NPS", "Net Promoter", promoters or detractors in the text; in
  JSON, a key named ``score``, ``nps``, ``follow_up_score``, ``promoters``, ``detractors`` or ``passives`` (or
  anything ending in ``_score`` / ``_nps``).
* **Dependence.** A score shown in any other way (a bare number, a percentage, a colour, a sort order). Each URL is
  fetched with every score in the database, responses' and follow-ups', set to 2 (a detractor), then set to 9 (a
  promoter), then to 2 again. A part of the page that changed between the first two fetches but not between the first
  and the third depends on the scores and nothing else: that is a leak, whatever it looks like.

A positive control runs the same checks with the policy switched on and must find scores on the feedback list, the
landing page, the customer profile and the responses API, so the checks are shown able to fail.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from insidetrack.core import clock
from insidetrack.core.scoping import ScopedModel

DEALER_ROLES = ["dealer_principal", "dealer_staff"]

# Not walked, each for a reason: the admin is head office's (dealers are not staff users), static files and the
# language switch carry no data, signing out and switching membership are POST-only actions, the survey pages under
# /s/ are the owner's own answers reached through a signed token, the e-mail provider's webhooks take no session, and
# the OpenAPI schema describes fields (a property called "score" is documentation, not a score).
# Public token pages ("s/": the survey, "journey/rsvp/": an event invitation's answer) are for customers, not dealers:
# they carry no figures and have their own tests. So is "sign-in/link/", an owner's one-time sign-in link.
SKIPPED_PREFIXES = ("admin/", "static/", "i18n/", "sign-out/", "s/", "journey/rsvp/", "anymail/",
                    "api/v1/openapi.json", "sign-in/link/")

# Parameters named after something other than a model (add one here only if the generic lookup below cannot find it).
PARAMETER_MODELS: dict[str, str] = {"region_code": "region", "dealer_code": "dealer", "code": "theme",
                                    "item_pk": "handoverchecklistitem", "provider_pk": "dataprovider"}
# A ``<pk>`` after a path segment that is not its model's name.
SEGMENT_MODELS: dict[str, str] = {"events": "experienceevent", "check-ins": "checkin"}

HIDDEN_SCORE, SHOWN_SCORE = 2, 9  # a detractor and a promoter: every NPS figure and band flips between the two

_JSON_SCORE_KEY = re.compile(r"^(score|nps|promoters|detractors|passives)$|_(score|nps)$", re.IGNORECASE)
_CLASS_ATTRIBUTE = re.compile(r"""class\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_SCORE_CLASSES = {"score", "nps", "promoter", "passive", "detractor"}
_SCORE_WORDS = re.compile(r"\bNPS\b|Net Promoter|\bpromoters?\b|\bdetractors?\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_TOKEN = re.compile(r"\w+|[^\w\s]")


# --------------------------------------------------------------------------------------------------------------------
# The URL walk


@dataclass(frozen=True)
class Route:
    """One URL pattern of the project, its path with ``<name>`` placeholders and each placeholder's path segments."""

    route: str
    name: str
    parameters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __str__(self) -> str:
        return self.route


def _placeholders(pattern) -> tuple[str, list[str]]:
    """The pattern as ``a/<name>/b`` text, for both ``path()`` and ``re_path()`` patterns."""
    if isinstance(pattern, RoutePattern):
        return str(pattern), []
    if isinstance(pattern, RegexPattern):
        text = str(pattern).lstrip("^").rstrip("$")
        groups = re.findall(r"\(\?P<(\w+)>[^)]*\)", text)
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        if re.search(r"[\\()\[\]*+?|]", text):
            return "", []  # an unnamed or optional part: no single URL to build
        return text, groups
    return "", []


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        text, _groups = _placeholders(entry.pattern)
        route = prefix + text
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += _walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            if not text and str(entry.pattern):
                raise AssertionError(f"Cannot build a URL for the pattern {prefix}{entry.pattern}: add it to "
                                     f"SKIPPED_PREFIXES with the reason, or give it named groups only")
            parameters = []
            segments = [s for s in re.split(r"/", route) if s]
            for index, segment in enumerate(segments):
                for parameter in re.findall(r"<(?:\w+:)?(\w+)>", segment):
                    parameters.append((parameter, tuple(segments[:index])))
            routes.append(Route(route=route, name=f"{namespace}{entry.name or ''}", parameters=tuple(parameters)))
    return routes


def project_routes() -> list[Route]:
    """Every URL pattern a signed-in dealer could open, deduplicated, in URL-conf order."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        seen.setdefault(route.route, route)
    return list(seen.values())


ROUTES = project_routes()


def _model_for(parameter: str, before: tuple[str, ...]):
    """The model a path parameter names: ``<pk>`` after ``cases/`` is a Case, ``<case_pk>`` a Case, ``<pk>`` after
    ``cases/<pk>/events/`` a CaseEvent."""
    def singular(word: str) -> str:
        word = word.replace("-", "").replace("_", "").lower()
        return word[:-1] if word.endswith("s") and not word.endswith("ss") else word

    literal = [s for s in before if "<" not in s]
    if parameter in PARAMETER_MODELS:
        names = [PARAMETER_MODELS[parameter]]
    elif parameter in ("pk", "id", "object_id") and literal and literal[-1] in SEGMENT_MODELS:
        names = [SEGMENT_MODELS[literal[-1]]]
    elif parameter in ("pk", "id", "object_id"):
        names = [singular(literal[-1])] if literal else []
        if len(literal) > 1:
            names.append(singular(literal[-2]) + singular(literal[-1]))
    else:
        stem = re.sub(r"_(pk|id)$", "", parameter)
        names = [singular(stem)] + ([singular(literal[-1]) + singular(stem)] if literal else [])
    by_name = {m._meta.model_name: m for m in apps.get_models() if m.__module__.startswith("insidetrack.")}
    for name in names:
        if name in by_name:
            return by_name[name]
    return None


def build_url(route: Route, world) -> str:
    """The route with each parameter replaced by the primary key of the newest row of its model dealer A can see
    (the planted rows are the newest), or, for a model nobody is scoped on, of the newest row."""
    actor = world.actors["dealer_principal"]
    url = route.route
    for parameter, before in route.parameters:
        model = _model_for(parameter, before)
        if model is None:
            raise AssertionError(f"Cannot fill <{parameter}> in /{route.route}: name its model in PARAMETER_MODELS")
        # Head-office-only models (integrity alerts) are invisible to dealer A: their newest row about dealer A.
        brand_only = issubclass(model, ScopedModel) and model.scope.dealer is None
        rows = (model.objects.visible_to(actor) if issubclass(model, ScopedModel) and not brand_only
                else model.objects.all())
        if model._meta.model_name == "dealer":
            rows = rows.filter(pk=world.dealer_a.pk)
        row = rows.order_by("-pk").first()
        if row is None:
            raise AssertionError(f"No {model._meta.model_name} visible to dealer A to fill <{parameter}> in "
                                 f"/{route.route}: plant one in the `planted` fixture")
        # A parameter named ``code`` or ``…_code`` takes the row's code (scorecards, themes), any other its primary key.
        value = row.code if parameter == "code" or parameter.endswith("_code") else row.pk
        url = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), url, count=1)
    return "/" + url


# --------------------------------------------------------------------------------------------------------------------
# What a leak looks like


def marker_leaks(content: bytes, content_type: str) -> list[str]:
    """Scores rendered the way scores are rendered here (see the module docstring)."""
    text = content.decode("utf-8", errors="replace")
    found: list[str] = []
    if "json" in content_type:
        def keys(value, path: str = "") -> None:
            if isinstance(value, dict):
                for key, inner in value.items():
                    if _JSON_SCORE_KEY.search(str(key)):
                        found.append(f"JSON key {path}{key}={json.dumps(inner)[:40]}")
                    keys(inner, f"{path}{key}.")
            elif isinstance(value, list):
                for inner in value:
                    keys(inner, f"{path}[].")

        try:
            keys(json.loads(text))
        except ValueError:
            found.append("unparseable JSON")
        return found
    for classes in _CLASS_ATTRIBUTE.findall(text):
        hits = _SCORE_CLASSES & set(classes.lower().split())
        if hits:
            found.append(f'element with class="{classes}"')
    visible = _TAG.sub(" ", re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.DOTALL | re.IGNORECASE))
    found += [f"text {match!r}" for match in _SCORE_WORDS.findall(visible)]
    return found


def _changed_spans(before: list[str], after: list[str]) -> list[tuple[int, int, str, str]]:
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return [(i1, i2, " ".join(before[i1:i2]), " ".join(after[j1:j2]))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def dependence_leaks(low: bytes, high: bytes, low_again: bytes) -> list[str]:
    """Parts of the page that changed with the scores (low → high) but not with time alone (low → low again).

    CSRF tokens, "2 minutes ago" and the like differ between any two fetches, so they differ between the two low
    fetches too and are not counted. A body the scores did not change at all shows nothing, and is not diffed: a
    binary download (the journey map's PNG) is hundreds of thousands of tokens, which difflib compares in minutes.
    """
    if low == high:
        return []

    def tokens(body: bytes) -> list[str]:
        return _TOKEN.findall(body.decode("utf-8", errors="replace"))

    first, second, third = tokens(low), tokens(high), tokens(low_again)
    noise = [(i1, i2) for i1, i2, _a, _b in _changed_spans(first, third)]
    leaks = []
    for i1, i2, was, became in _changed_spans(first, second):
        if not any(n1 <= max(i2, i1 + 1) - 1 and i1 <= max(n2, n1 + 1) - 1 for n1, n2 in noise):
            context = " ".join(first[max(0, i1 - 8):i1])
            leaks.append(f"…{context[-60:]} [{was[:40]!r} → {became[:40]!r}] when scores went "
                         f"{HIDDEN_SCORE} → {SHOWN_SCORE}")
    return leaks


@dataclass
class Finding:
    url: str
    status: int
    markers: list[str] = field(default_factory=list)
    dependence: list[str] = field(default_factory=list)

    @property
    def leaks(self) -> bool:
        return bool(self.markers or self.dependence)

    def __str__(self) -> str:
        return f"{self.url} ({self.status}): markers={self.markers[:5]} dependence={self.dependence[:3]}"


def set_scores(value: int) -> None:
    """Every score in the database: responses (journey and follow-up surveys) and the follow-up score on cases."""
    from insidetrack.cases.models import Case
    from insidetrack.surveys.models import Response

    Response.objects.update(score=value)
    Case.objects.exclude(follow_up_score=None).update(follow_up_score=value)


_PDF_VOLATILE = re.compile(rb"/(?:CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\]")


def binary_dependence(low: bytes, high: bytes, low_again: bytes) -> list[str]:
    """A PDF or an image cannot be read token by token (a diff of its bytes takes minutes and means nothing): it
    leaks if it changes with the scores while two fetches at the same scores are the same file (PDF dates and ids
    aside). A file that differs between two identical fetches cannot be judged, and that is reported too."""
    first, second, third = (_PDF_VOLATILE.sub(b"", body) for body in (low, high, low_again))
    if first != third:
        return ["the file differs between two fetches at the same scores: make it deterministic to judge it"]
    return [f"the file changed when scores went {HIDDEN_SCORE} → {SHOWN_SCORE}"] if first != second else []


def _fetch_three(client: Client, url: str, **headers: str) -> tuple[list[bytes], list[int], str]:
    bodies, statuses, content_type = [], [], ""
    for value in (HIDDEN_SCORE, SHOWN_SCORE, HIDDEN_SCORE):
        set_scores(value)
        answer = client.get(url, **headers)
        bodies.append(answer.content)
        statuses.append(answer.status_code)
        content_type = answer.get("Content-Type", "")
    return bodies, statuses, content_type


def inspect(client: Client, url: str, **headers: str) -> Finding:
    bodies, statuses, content_type = _fetch_three(client, url, **headers)
    assert statuses[0] < 500, f"{url} answered {statuses[0]}"
    if content_type.startswith(("image/", "application/pdf")):
        dependence = binary_dependence(*bodies)
        if dependence:
            # A download that prints the minute it was made ("Generated 07:41") differs when the minute turns
            # between the fetches (CI failed on it once); the minute cannot turn twice in a few seconds, so the file
            # is judged on a second round, and one that differs again is still reported.
            bodies, statuses, _ = _fetch_three(client, url, **headers)
            dependence = binary_dependence(*bodies)
        return Finding(url=url, status=statuses[0], dependence=dependence)
    return Finding(url=url, status=statuses[0],
                   markers=marker_leaks(bodies[0], content_type) + marker_leaks(bodies[1], content_type),
                   dependence=dependence_leaks(*bodies))


# --------------------------------------------------------------------------------------------------------------------
# Fixtures


PLANTED_VERBATIMS = ("Planted verbatim: the courtesy car smelled of smoke",
                     "Planted verbatim: nobody called me back about the invoice")


@pytest.fixture
def planted(world):
    """Dealer A gets two more responses with verbatims, their cases (one verified by a follow-up survey with its own
    response and score), all submitted two days ago so "when" reads the same on every fetch."""
    from insidetrack.cases.models import Case
    from insidetrack.cases.policies import CaseStatus
    from insidetrack.cases.services import cases_open_for_responses
    from insidetrack.surveys.models import Purpose, Response
    from insidetrack.surveys.tests.factories import ResponseFactory

    customer = world.customers["a"]
    two_days_ago = clock.now() - timedelta(days=2)
    responses = [ResponseFactory(invitation__event__customer=customer, score=score, verbatim=verbatim,
                                 submitted_at=two_days_ago)
                 for score, verbatim in zip((0, 6), PLANTED_VERBATIMS, strict=True)]
    cases = cases_open_for_responses(response_pks=[r.pk for r in responses])
    verified = cases[-1]
    follow_up = ResponseFactory(invitation__event__customer=customer, score=10, purpose=Purpose.FOLLOW_UP,
                                verbatim="Planted follow-up: sorted now", submitted_at=two_days_ago)
    Case.objects.filter(pk=verified.pk).update(status=CaseStatus.VERIFIED, follow_up_score=10,
                                               follow_up_answered_at=two_days_ago, resolved_at=two_days_ago,
                                               verified_at=two_days_ago, first_contact_at=two_days_ago,
                                               resolution="Invoice corrected")
    Response.objects.exclude(pk__in=[r.pk for r in responses] + [follow_up.pk]).update(submitted_at=two_days_ago)
    from insidetrack.integrity.models import Alert, Recontact, RecontactItem

    alert = Alert.objects.create(brand=world.brand, dealer=world.dealer_a, period="2026Q4",
                                 period_start=two_days_ago.date(), opened_at=two_days_ago, risk_at_opening=9.0)
    recontact = Recontact.objects.create(alert=alert, drawn_at=two_days_ago, size=1)
    RecontactItem.objects.create(recontact=recontact, response=responses[0])
    # Relationship rows (a handover plan with its checklist, a check-in) and an experience event with dealer A's
    # customer invited, so the pages that show them are walked too.
    import datetime as dt

    from insidetrack.customers.tests.factories import relationship_rows_for
    from insidetrack.journeys.models import EventInvitation, ExperienceEvent

    relationship_rows_for(customer, now=two_days_ago)
    event = ExperienceEvent.objects.create(brand=world.brand, dealer=world.dealer_a, title="Planted track day",
                                           starts_at=two_days_ago, ends_at=two_days_ago + dt.timedelta(hours=8),
                                           place="Circuit", capacity=10, created_at=two_days_ago)
    EventInvitation.objects.create(event=event, customer=customer, invited_at=two_days_ago)
    # The owner's issue thread and a photo on dealer A's case (the photo page answers 404 for a file not on disk).
    from insidetrack.cases.models import CaseMessage, CasePhoto

    CaseMessage.objects.create(case=cases[0], from_owner=True, text="Planted owner message", at=two_days_ago)
    CasePhoto.objects.create(case=cases[0], file=f"issues/{cases[0].pk}/planted.jpg", content_type="image/jpeg",
                             width=1, height=1, size=1, uploaded_at=two_days_ago)
    # A personal-data request of dealer A's customer (head office's page: dealers are refused it).
    from insidetrack.core.actor import Actor as SystemActor
    from insidetrack.privacy.services import privacy_request_create

    privacy_request_create(actor=SystemActor.system(), kind="export", customer_pk=customer.pk, now=two_days_ago)
    # The connected car's default rules and a data provider (head office's pages: dealers are refused them).
    from insidetrack.connected import services as connected_services

    connected_services.rules_seed_defaults(brand_id=world.brand.pk)
    connected_services.provider_create(actor=world.actors["head_office"], name="Planted provider", now=two_days_ago)
    return {"responses": responses, "cases": cases, "follow_up": follow_up}


def dealer_client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def policy(world, *, dealers_see_scores: bool) -> None:
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=dealers_see_scores)


# --------------------------------------------------------------------------------------------------------------------
# The walk, with the default policy


def test_the_walk_covers_the_pages_and_api_a_dealer_uses():
    """The walk is not empty by accident: the pages and endpoints known today are in it (new ones join by
    themselves)."""
    walked = {route.route for route in ROUTES}
    assert {"", "overview/", "overview/feedback/", "overview/dealers/", "overview/rates/", "customers/",
            "customers/<int:pk>/", "cases/", "cases/<int:pk>/", "journey/", "my/", "api/v1/responses",
            "api/v1/customers", "api/v1/customers/<pk>", "api/v1/analytics/response-rates", "api/v1/me"} <= walked
    assert not any(route.startswith(SKIPPED_PREFIXES) for route in walked)


@pytest.mark.parametrize("role", DEALER_ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_page_or_endpoint_shows_a_dealer_a_score(world, planted, role, route):
    url = build_url(route, world)
    client = dealer_client(world, role)
    # As a browser asks for the page, and as htmx asks for it (a view may answer htmx with a fragment of its own).
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        finding = inspect(client, url, **headers)
        assert not finding.leaks, f"{finding} {headers or ''}"


def test_every_get_operation_of_the_api_is_walked(world):
    """The OpenAPI schema and the URL conf agree: each GET operation is one of the walked routes."""
    schema = Client().get("/api/v1/openapi.json").json()
    walked = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + route.route) for route in ROUTES}
    operations = {path for path, methods in schema["paths"].items() if "get" in methods}
    assert "/api/v1/responses" in operations
    assert operations <= walked, operations - walked


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_api_filters_by_score_are_refused_to_dealers_naming_the_parameter(world, planted, role):
    """Filtering by score reveals scores as surely as showing them: every GET parameter about a score is a 403 with
    the parameter named, for each operation of the schema that has one."""
    client = dealer_client(world, role)
    schema = client.get("/api/v1/openapi.json").json()
    checked = []
    for path, methods in schema["paths"].items():
        for parameter in methods.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and re.search(r"score|nps", parameter["name"], re.IGNORECASE):
                url = re.sub(r"\{\w+\}", lambda _m: "0", path)
                answer = client.get(url, {parameter["name"]: 5})
                assert answer.status_code == 403, (url, parameter["name"], answer.status_code)
                assert answer.json()["field"] == parameter["name"]
                checked.append((path, parameter["name"]))
    assert ("/api/v1/responses", "max_score") in checked
    answer = client.get("/api/v1/responses", {"max_score": 6})
    assert answer.json() == {"code": "forbidden", "field": "max_score",
                             "detail": "Filtering by score is not available: your brand does not show scores to "
                                       "dealers."}


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_feedback_list_ignores_a_score_filter_in_the_address(world, planted, role):
    client = dealer_client(world, role)
    page = client.get("/overview/feedback/", {"max_score": 0}).content.decode()
    assert "3 responses" in page  # dealer A's own and the two planted (the follow-up belongs to its case)
    assert all(verbatim in page for verbatim in PLANTED_VERBATIMS)
    assert 'name="max_score"' not in page


# --------------------------------------------------------------------------------------------------------------------
# Positive control: with the policy on, the same checks find the scores


SCORED_PAGES = ("/overview/", "/overview/feedback/", "/api/v1/responses")


@pytest.mark.parametrize("role", DEALER_ROLES)
def test_with_the_policy_on_the_same_checks_find_the_scores(world, planted, role):
    policy(world, dealers_see_scores=True)
    client = dealer_client(world, role)
    customer_page = f"/customers/{world.customers['a'].pk}/"
    findings = {url: inspect(client, url) for url in (*SCORED_PAGES, customer_page)}
    for url, finding in findings.items():
        assert finding.status == 200, url
        # Each check alone catches the scores: the markers (known renderings) and the dependence (any rendering).
        assert finding.markers, f"markers missed the scores on {url}"
        assert finding.dependence, f"dependence missed the scores on {url}"
    assert any("JSON key items.[].score" in marker for marker in findings["/api/v1/responses"].markers)
    assert any("class=\"score" in marker for marker in findings["/overview/feedback/"].markers)
    walked = {build_url(route, world): route for route in ROUTES}
    leaking = {url for url in walked if inspect(client, url).leaks}
    assert set(SCORED_PAGES) | {customer_page} <= leaking


def test_head_office_and_regions_keep_their_scores_whatever_the_policy(world, planted):
    for role in ("head_office", "region_manager"):
        client = dealer_client(world, role)
        assert inspect(client, "/overview/feedback/").markers
        assert "score" in client.get("/api/v1/responses").json()["items"][0]


# --------------------------------------------------------------------------------------------------------------------
# E-mails


def _mail_texts(messages) -> list[tuple[str, bytes]]:
    texts = []
    for message in messages:
        texts.append((message.to[0], f"{message.subject}\n{message.body}".encode()))
        texts += [(message.to[0], content.encode()) for content, _mime in getattr(message, "alternatives", [])]
    return sorted(texts)


def test_closed_loop_notices_carry_no_score(world, planted, settings):
    """Reminders to the dealer, escalations to the region and head office: the same digest, never a score."""
    from insidetrack.cases.models import Case
    from insidetrack.cases.notices import send_notices

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    pks = list(Case.objects.filter(dealer=world.dealer_a).values_list("pk", flat=True))

    def sent(score: int) -> list[tuple[str, bytes]]:
        set_scores(score)
        mail.outbox = []
        send_notices(reminded=pks, to_region=pks, to_head_office=pks)
        return _mail_texts(mail.outbox)

    low, high, low_again = sent(HIDDEN_SCORE), sent(SHOWN_SCORE), sent(HIDDEN_SCORE)
    recipients = {to for to, _text in low}
    assert {"dealer_principal@example.com", "dealer_staff@example.com", "region_manager@example.com",
            "head_office@example.com"} <= recipients
    assert any(PLANTED_VERBATIMS[1].encode() in text for _to, text in low)  # the digest does quote the verbatim
    assert [to for to, _text in low] == [to for to, _text in high]
    for (to, first), (_to, second), (_to2, third) in zip(low, high, low_again, strict=True):
        assert marker_leaks(first, "text/html") == [], to
        assert dependence_leaks(first, second, third) == [], to


def test_invitation_email_carries_no_score(world, settings):
    """The invitation goes to the customer, but it is checked like the rest: no score, no NPS."""
    from insidetrack.surveys.models import InvitationStatus
    from insidetrack.surveys.services import invitations_send
    from insidetrack.surveys.tests.factories import InvitationFactory

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invitation = InvitationFactory(event__customer=world.customers["a"], status=InvitationStatus.PENDING,
                                   sent_at=None, scheduled_for=clock.now() - timedelta(minutes=1))
    mail.outbox = []
    assert invitations_send(invitation_pks=[invitation.pk]) == 1
    texts = _mail_texts(mail.outbox)
    assert texts and all(to == world.customers["a"].email for to, _text in texts)
    for _to, text in texts:
        assert marker_leaks(text, "text/html") == []
        assert not re.search(rb"\bscore\b", text, re.IGNORECASE)


# --------------------------------------------------------------------------------------------------------------------
# The switch


def test_head_office_switches_the_policy_in_the_brand_admin(world):
    """The admin shows the policy with its help text; switching it on lets dealers see scores at once."""
    user = world.users["head_office"]
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(user)
    url = f"/admin/network/brand/{world.brand.pk}/change/"
    form = admin.get(url).content.decode()
    assert 'name="dealers_see_scores"' in form and "What dealers see" in form
    assert "never a 0-10 score or an NPS figure, so there is no number to chase" in form
    assert "checked" not in re.search(r'<input[^>]*name="dealers_see_scores"[^>]*>', form).group(0)
    dealer = dealer_client(world, "dealer_staff")
    assert not marker_leaks(dealer.get("/overview/feedback/").content, "text/html")

    answer = admin.post(url, {"name": world.brand.name, "slug": world.brand.slug, "dealers_see_scores": "on"})
    assert answer.status_code == 302
    world.brand.refresh_from_db()
    assert world.brand.dealers_see_scores is True
    assert 'class="score promoter">10</span>' in dealer.get("/overview/feedback/").content.decode()
    assert "dealers_see_scores" in admin.get("/admin/network/brand/").content.decode()  # a column of the list
