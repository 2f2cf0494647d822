"""The closed loop of the demo world: every survey answer becomes a thank-you call, an acknowledgement or a recovery
case with a plausible history, cut off where the world ends so that the last days' work is still open.

A case's history is simulated in integer seconds. People act (calls, root cause, goodwill, resolution, closing) at
times drawn from their dealer's habits and moved into its calling hours; between their actions the sweep's rules are
replayed exactly as ``cases.services.cases_sweep`` applies them (remind ``reminder_hours_before`` a deadline, escalate
to the region when it passes, to head office ``head_office_after_hours`` later), so the real sweep, started by
``insidetrack demo``, carries on where the history stops. The follow-up survey is sent, answered by about half the
customers, and verifies or reopens the case as ``cases_apply_follow_ups`` would.

Each dealer draws from its own ``random.Random``, separate from the one that writes its customers, so adding the
closed loop changed nothing else in the world, and the same seed and end date give the same cases.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
from dataclasses import dataclass
from typing import NamedTuple

from insidetrack.cases.models import Case, CaseEvent, Goodwill, Playbook
from insidetrack.cases.policies import add_opening_hours
from insidetrack.cases.services import closed_loop_setup
from insidetrack.journeys.models import Theme
from insidetrack.network.models import Brand
from insidetrack.surveys.models import Invitation, Response

from . import catalogue
from .network import DealerPlan
from .people import NamePool
from .timeline import DAY, Calendar
from .writer import BulkWriter, TableBuffer

HOUR = 3600
MINUTE = 60
SYSTEM = "Inside Track"  # the name the services write for the system's own actions
FOLLOW_UP_REMINDER = 3 * DAY  # as for journey surveys: one reminder three days after sending
# Plain strings, not the TextChoices members: rows go straight to COPY and executemany.
NEW, CONTACTED, IN_PROGRESS, RESOLVED, VERIFIED, REOPENED, CLOSED = (
    "new", "contacted", "in_progress", "resolved", "verified", "reopened", "closed")
THANK_YOU, ACKNOWLEDGEMENT, RECOVERY = "thank_you", "acknowledgement", "recovery"
AWAITING = frozenset({NEW, REOPENED})
UNRESOLVED = frozenset({NEW, CONTACTED, IN_PROGRESS, REOPENED})
KIND_LABEL = {THANK_YOU: "Thank-you call", ACKNOWLEDGEMENT: "Acknowledgement", RECOVERY: "Recovery case"}
BAND_OF_KIND = {THANK_YOU: "promoter", ACKNOWLEDGEMENT: "passive", RECOVERY: "detractor"}
EMPTY = "{}"
OUTCOME_DATA = {outcome: json.dumps({"outcome": outcome})
                for outcome in ("reached", "voicemail", "no_answer", "wrong_number", "call_back")}
# Unsuccessful calls: mostly no answer or voicemail, sometimes "call me later", rarely a wrong number.
FAILED_CALLS = ("voicemail", "voicemail", "no_answer", "no_answer", "no_answer", "call_back", "call_back",
                "wrong_number")
REMIND_RESPOND = json.dumps({"deadline": "respond_by"})
REMIND_RESOLVE = json.dumps({"deadline": "resolve_by"})
TO_REGION = json.dumps({"to": "region"})
TO_HEAD_OFFICE = json.dumps({"to": "head_office"})
BY_FOLLOW_UP = json.dumps({"by": "follow_up"})
WITHIN_LIMIT = "Within the empowerment limit"
NOT_PUT_RIGHT = "The customer's follow-up says it is not put right."
# Who the demo sign-ins are, so that the demo dealer's history names the people who sign in.
DEMO_PRINCIPAL = "Priya Chandra"
DEMO_SERVICE = "Sam Okafor"
# The demo dealer's service desk is short of people in the world's last three days: of the work that came in then,
# most of the last day's, some of the day before's and a little of the third's has not been called yet, so the inbox
# the demo sign-ins open holds work that is due, overdue at the region and, rarely, at head office.
DEMO_MISSED = (0.8, 0.4, 0.2)  # by whole days before the world's end
# Follow-up scores: about half 9-10 (the recovery rate), a fifth 0-6 (which reopen the case).
FOLLOW_UP_SCORES = (0,) * 3 + (1,) * 2 + (2,) * 2 + (3,) * 4 + (4,) * 4 + (5,) * 6 + (6,) * 7 + (7,) * 10 \
    + (8,) * 12 + (9,) * 17 + (10,) * 33

# (English, German, French) texts staff write on a case, in the customer's language.
Texts = tuple[str, str, str]
LANGUAGE_INDEX = {"en": 0, "de": 1, "fr": 2}

RESOLUTIONS: dict[str, tuple[Texts, ...]] = {
    "sales_process": (
        ("Apologised for the pressure; the sales manager now handles the order personally.",
         "Für den Druck entschuldigt; der Verkaufsleiter betreut den Auftrag jetzt persönlich.",
         "Excuses pour la pression ; le chef des ventes suit désormais la commande personnellement."),
        ("Went through the offer again line by line and corrected the specification.",
         "Angebot Punkt für Punkt durchgegangen und die Ausstattung korrigiert.",
         "Offre reprise ligne par ligne et configuration corrigée."),
    ),
    "test_drive": (
        ("Arranged a second, longer test drive from the customer's home.",
         "Eine zweite, längere Probefahrt ab der Wohnadresse des Kunden organisiert.",
         "Organisé un second essai plus long au départ du domicile du client."),
        ("Apologised that the car was not ready; booked a weekend test drive.",
         "Entschuldigt, dass das Fahrzeug nicht bereitstand; Probefahrt am Wochenende gebucht.",
         "Excuses pour le véhicule non préparé ; essai réservé pour le week-end."),
    ),
    "handover_experience": (
        ("Invited the customer back for a proper handover with the product genius.",
         "Kunden zu einer richtigen Übergabe mit dem Produktexperten eingeladen.",
         "Client réinvité pour une vraie livraison avec le conseiller produit."),
        ("Delivered the missing items to the customer's home and apologised.",
         "Fehlende Teile zum Kunden nach Hause gebracht und entschuldigt.",
         "Éléments manquants livrés au domicile du client, avec nos excuses."),
    ),
    "finance_paperwork": (
        ("Corrected the finance documents and sent them for signature the same day.",
         "Finanzierungsunterlagen korrigiert und noch am selben Tag zur Unterschrift geschickt.",
         "Documents de financement corrigés et envoyés à la signature le jour même."),
        ("Refunded the duplicate fee and explained the contract in a call.",
         "Doppelt berechnete Gebühr erstattet und den Vertrag telefonisch erklärt.",
         "Frais facturés en double remboursés et contrat expliqué par téléphone."),
    ),
    "waiting_time": (
        ("Apologised for the wait; next visits booked as priority slots with collection.",
         "Für die Wartezeit entschuldigt; nächste Termine als Vorrangtermine mit Abholung gebucht.",
         "Excuses pour l'attente ; prochaines visites réservées en priorité avec enlèvement."),
        ("Explained the delay with the parts; the car was finished and delivered the next morning.",
         "Verzögerung bei den Teilen erklärt; Fahrzeug am nächsten Morgen fertig und zugestellt.",
         "Retard des pièces expliqué ; véhicule terminé et livré le lendemain matin."),
    ),
    "courtesy_car": (
        ("Booked a courtesy car of the same class for the rest of the repair.",
         "Für den Rest der Reparatur einen gleichwertigen Ersatzwagen gebucht.",
         "Véhicule de courtoisie de même catégorie réservé pour la fin de la réparation."),
        ("Apologised for the loan car mix-up and refunded the taxi.",
         "Für die Verwechslung beim Leihwagen entschuldigt und das Taxi erstattet.",
         "Excuses pour l'erreur de véhicule de prêt ; taxi remboursé."),
    ),
    "communication": (
        ("Named one contact for the customer; daily updates by text until it was done.",
         "Einen festen Ansprechpartner benannt; tägliche Updates per SMS bis zum Abschluss.",
         "Un interlocuteur unique désigné ; point quotidien par SMS jusqu'à la fin."),
        ("Called back with a full explanation and apologised for not keeping them informed.",
         "Mit einer vollständigen Erklärung zurückgerufen und für die fehlende Information entschuldigt.",
         "Rappelé avec une explication complète et excuses pour le manque d'information."),
    ),
    "price_value": (
        ("Reviewed the invoice with the customer and credited the items that were not agreed.",
         "Rechnung mit dem Kunden durchgesehen und nicht vereinbarte Positionen gutgeschrieben.",
         "Facture revue avec le client ; postes non convenus crédités."),
        ("Explained the work done and matched the price quoted on the phone.",
         "Ausgeführte Arbeiten erklärt und den telefonisch genannten Preis gehalten.",
         "Travaux expliqués et prix annoncé au téléphone respecté."),
    ),
    "staff_attitude": (
        ("The manager apologised personally; the issue was discussed with the team.",
         "Der Leiter hat sich persönlich entschuldigt; der Vorfall wurde im Team besprochen.",
         "Le responsable s'est excusé personnellement ; l'incident a été discuté avec l'équipe."),
        ("Apologised for the way the customer was treated and assigned a senior advisor.",
         "Für den Umgang mit dem Kunden entschuldigt und einen erfahrenen Berater zugeteilt.",
         "Excuses pour l'accueil reçu ; un conseiller senior a été désigné."),
    ),
    "workmanship": (
        ("Brought the car back in; the repair was redone by the master technician.",
         "Fahrzeug erneut aufgenommen; die Reparatur wurde vom Meister neu ausgeführt.",
         "Véhicule repris ; réparation refaite par le chef d'atelier."),
        ("Fixed the fault found on the road test and valeted the car.",
         "Bei der Probefahrt gefundenen Fehler behoben und das Fahrzeug aufbereitet.",
         "Défaut constaté à l'essai réparé et véhicule nettoyé."),
    ),
    "vehicle_quality": (
        ("Replaced the faulty part under warranty and checked the whole car.",
         "Defektes Teil auf Garantie ersetzt und das ganze Fahrzeug geprüft.",
         "Pièce défectueuse remplacée sous garantie et véhicule entièrement contrôlé."),
        ("Escalated to the factory; software update and new sensor fitted.",
         "An das Werk eskaliert; Software-Update und neuer Sensor verbaut.",
         "Remonté à l'usine ; mise à jour logicielle et nouveau capteur montés."),
    ),
    "facilities": (
        ("Apologised; the lounge and the customer toilets have been fixed.",
         "Entschuldigt; Lounge und Kundentoiletten wurden in Ordnung gebracht.",
         "Excuses ; le salon et les toilettes clients ont été remis en état."),
        ("Reserved a parking space and a quiet room for the next visit.",
         "Parkplatz und einen ruhigen Raum für den nächsten Besuch reserviert.",
         "Place de parking et salon calme réservés pour la prochaine visite."),
    ),
    "events": (
        ("Invited the customer and a guest to the next driving day as our guests.",
         "Kunden mit Begleitung als unsere Gäste zum nächsten Fahrtag eingeladen.",
         "Client et un invité conviés à la prochaine journée de conduite."),
        ("Apologised for the organisation and refunded the event fee.",
         "Für die Organisation entschuldigt und die Teilnahmegebühr erstattet.",
         "Excuses pour l'organisation ; frais d'inscription remboursés."),
    ),
    "digital_app": (
        ("Set up the app with the customer on the phone and fixed the account link.",
         "App telefonisch mit dem Kunden eingerichtet und die Kontoverknüpfung repariert.",
         "Application configurée avec le client au téléphone ; liaison du compte corrigée."),
        ("Reported the app fault to head office; workaround explained and confirmed working.",
         "App-Fehler an die Zentrale gemeldet; Umgehung erklärt und als funktionierend bestätigt.",
         "Bug de l'application remonté au siège ; solution de contournement expliquée et validée."),
    ),
}
SECOND_RESOLUTIONS: tuple[Texts, ...] = (
    ("Second visit: the manager took it over and the fault is now fixed for good.",
     "Zweiter Termin: der Leiter hat übernommen, der Fehler ist jetzt dauerhaft behoben.",
     "Seconde visite : le responsable a repris le dossier, le défaut est réglé pour de bon."),
    ("Called again, apologised, and put right what was still wrong.",
     "Erneut angerufen, entschuldigt und in Ordnung gebracht, was noch nicht stimmte.",
     "Rappelé, excuses présentées, et corrigé ce qui n'allait toujours pas."),
)
# (English, German, French, lowest cost, highest cost): the first four are within dealer staff's limit.
GESTURES: tuple[tuple[str, str, str, int, int], ...] = (
    ("Complimentary valet", "Kostenlose Fahrzeugaufbereitung", "Nettoyage complet offert", 40, 120),
    ("Loan car at no charge", "Kostenloser Leihwagen", "Véhicule de prêt gratuit", 90, 240),
    ("Refund of the diagnostic fee", "Erstattung der Diagnosegebühr", "Remboursement du diagnostic", 60, 180),
    ("Accessory voucher", "Zubehörgutschein", "Bon d'achat accessoires", 100, 250),
    ("Next service free of charge", "Nächste Inspektion kostenlos", "Prochaine révision offerte", 320, 750),
    ("Refund of the labour charge", "Erstattung der Arbeitskosten", "Remboursement de la main-d'œuvre", 280, 900),
)
ACKNOWLEDGEMENT_NOTES: tuple[Texts, ...] = (
    ("Would have liked an update while waiting.", "Hätte sich während der Wartezeit ein Update gewünscht.",
     "Aurait aimé être tenu informé pendant l'attente."),
    ("Wants the car washed at the next visit.", "Wünscht sich beim nächsten Besuch eine Fahrzeugwäsche.",
     "Souhaite un lavage lors de la prochaine visite."),
    ("A courtesy car would have made it excellent.", "Ein Ersatzwagen hätte es hervorragend gemacht.",
     "Un véhicule de courtoisie aurait rendu l'expérience excellente."),
    ("Found the price high; explained what was included.", "Fand den Preis hoch; Leistungsumfang erklärt.",
     "Trouve le prix élevé ; prestations expliquées."),
    ("Would like a reminder before the next service.", "Möchte vor der nächsten Inspektion erinnert werden.",
     "Aimerait un rappel avant la prochaine révision."),
)
NOT_REACHED: Texts = (
    "Not reachable after several calls; wrote to the customer instead.",
    "Nach mehreren Anrufen nicht erreichbar; stattdessen schriftlich kontaktiert.",
    "Injoignable après plusieurs appels ; un courrier lui a été adressé.",
)
DECLINED: Texts = (
    "The customer accepted the apology and wanted nothing further.",
    "Der Kunde hat die Entschuldigung angenommen und wünscht nichts weiter.",
    "Le client a accepté nos excuses et ne souhaite rien de plus.",
)
FOLLOW_UP_UNANSWERED: Texts = (
    "Follow-up survey not answered; closing.",
    "Nachbefragung nicht beantwortet; wird geschlossen.",
    "Enquête de suivi sans réponse ; clôture.",
)
FOLLOW_UP_PRAISE: tuple[Texts, ...] = (
    ("Thank you for sorting it out so quickly.", "Danke, dass Sie das so schnell geklärt haben.",
     "Merci d'avoir réglé cela si vite."),
    ("Much better, and the call made the difference.", "Viel besser, und der Anruf hat den Unterschied gemacht.",
     "Bien mieux, et l'appel a fait la différence."),
    ("All fixed now. Appreciated.", "Jetzt ist alles in Ordnung. Danke.", "Tout est réglé maintenant. Merci."),
)
FOLLOW_UP_COMPLAINTS: tuple[Texts, ...] = (
    ("Still not fixed.", "Immer noch nicht behoben.", "Toujours pas réparé."),
    ("Nice words on the phone, nothing happened since.", "Am Telefon nett, seitdem ist nichts passiert.",
     "De belles paroles au téléphone, rien depuis."),
    ("The same problem came back after a week.", "Dasselbe Problem war nach einer Woche wieder da.",
     "Le même problème est revenu au bout d'une semaine."),
)


@dataclass(frozen=True, slots=True)
class LoopSettings:
    """The brand's closed-loop policy, playbooks and root causes as the generator needs them (seconds, keys)."""

    respond_seconds: dict[str, int]  # kind -> the playbook's promise, else the policy's
    resolve_seconds: int
    reminder_lead: int
    head_office_after: int
    follow_up_after: int
    follow_up_valid: int
    opening_hours_only: bool
    staff_limit: float
    currency: str
    playbooks: dict[str, int]  # kind -> the band's default playbook
    departments: dict[str, str]  # touchpoint code -> owning department
    root_causes: dict[str, tuple[tuple[int, str, str], ...]]  # touchpoint code -> (theme pk, code, name), by code


def load_settings(brand: Brand, touchpoints: dict[str, tuple[int, str]]) -> LoopSettings:
    """Create the brand's policy and default playbooks (``closed_loop_setup``) and read what generation needs.

    ``touchpoints`` maps a touchpoint code to (pk, department). Root causes are the active themes of the touchpoint
    plus those that apply everywhere, as ``cases.services.root_causes_for`` offers them.
    """
    policy = closed_loop_setup(brand=brand)
    playbooks = {playbook.band: playbook for playbook in Playbook.objects.filter(brand=brand, touchpoint__isnull=True)}
    recovery = playbooks[BAND_OF_KIND[RECOVERY]]
    by_touchpoint: dict[int, list[tuple[int, str, str]]] = {}
    everywhere: list[tuple[int, str, str]] = []
    for theme in Theme.objects.filter(brand=brand, is_active=True).prefetch_related("touchpoints").order_by("code"):
        linked = [tp.pk for tp in theme.touchpoints.all()]
        for pk in linked:
            by_touchpoint.setdefault(pk, []).append((theme.pk, theme.code, theme.name))
        if not linked:
            everywhere.append((theme.pk, theme.code, theme.name))
    root_causes = {code: tuple(sorted(by_touchpoint.get(pk, []) + everywhere, key=lambda t: t[1]))
                   for code, (pk, _department) in touchpoints.items()}
    return LoopSettings(
        respond_seconds={kind: int((playbooks[band].respond_within_hours or policy.respond_within_hours) * HOUR)
                         for kind, band in BAND_OF_KIND.items()},
        resolve_seconds=int((recovery.resolve_within_hours or policy.resolve_within_hours) * HOUR),
        reminder_lead=int(policy.reminder_hours_before * HOUR),
        head_office_after=int(policy.head_office_after_hours * HOUR),
        follow_up_after=int(policy.follow_up_after_days * DAY), follow_up_valid=int(policy.follow_up_valid_days * DAY),
        opening_hours_only=policy.count_opening_hours_only, staff_limit=float(policy.goodwill_limit_dealer_staff),
        currency=policy.currency, playbooks={kind: playbooks[band].pk for kind, band in BAND_OF_KIND.items()},
        departments={code: department for code, (_pk, department) in touchpoints.items()}, root_causes=root_causes,
    )


class LoopTables:
    """The closed loop's tables in the writer, registered after responses (which cases point to).

    Follow-up invitations and answers go to their own buffers (they carry ``purpose``, which journey surveys leave
    to the column default) but take their keys from the journey tables' counters: one key sequence per table.
    """

    def __init__(self, writer: BulkWriter) -> None:
        self.follow_up_invitations = writer.register("follow_up_invitations", Invitation, (
            "id", "brand_id", "dealer_id", "customer_id", "event_id", "touchpoint_id", "channel", "language",
            "status", "skip_reason", "delivery_status", "contact_hash", "scheduled_for", "sent_at", "opened_at",
            "reminded_at", "answered_at", "expires_at", "purpose"))
        self.follow_up_responses = writer.register("follow_up_responses", Response, (
            "id", "brand_id", "dealer_id", "customer_id", "invitation_id", "touchpoint_id", "vehicle_model", "score",
            "verbatim", "language", "channel", "source", "invited_at", "opened_at", "submitted_at",
            "network_fingerprint", "device_fingerprint", "purpose", "answers"))
        self.cases = writer.register("cases", Case, (
            "id", "brand_id", "dealer_id", "customer_id", "response_id", "touchpoint_id", "department", "kind",
            "status", "source", "playbook_id", "subject", "assignee_id", "opened_at", "respond_by", "first_respond_by",
            "resolve_by",
            "first_contact_at", "contacted_at", "in_progress_at", "resolved_at", "verified_at", "reopened_at",
            "closed_at", "reopen_count", "respond_reminded_at", "resolve_reminded_at", "escalation_level",
            "escalated_to_region_at", "escalated_to_head_office_at", "root_cause_id", "resolution", "follow_up_at",
            "follow_up_invitation_id", "follow_up_score", "follow_up_answered_at", "updated_at", "urgent_reason"))
        self.case_events = writer.register("case_events", CaseEvent, (
            "id", "case_id", "at", "kind", "actor_id", "actor_name", "from_status", "to_status", "detail", "data"))
        self.goodwill = writer.register("goodwill", Goodwill, (
            "id", "case_id", "description", "amount", "currency", "status", "requested_by_id", "requested_at",
            "decided_by_id", "decided_at", "decision_note"))


class _Case:
    """One case while its history is written: the columns that change, as integer seconds."""

    __slots__ = (
        "alive",
        "closed",
        "contacted",
        "first_contact",
        "first_respond_by",
        "follow_up_answered",
        "follow_up_at",
        "follow_up_invitation",
        "follow_up_score",
        "follow_up_sent",
        "head_office_at",
        "in_progress",
        "kind",
        "language",
        "level",
        "opened",
        "pk",
        "recovery",
        "region_at",
        "reopen_count",
        "reopened",
        "resolution",
        "resolve_by",
        "resolve_reminded",
        "resolved",
        "respond_by",
        "respond_reminded",
        "root_cause",
        "status",
        "updated",
        "verified",
    )

    def __init__(self, pk: int, kind: str, language: str, opened: int) -> None:
        self.pk, self.kind, self.recovery, self.status, self.language = pk, kind, kind == RECOVERY, NEW, language
        self.opened = self.updated = opened
        self.respond_by = self.first_respond_by = self.resolve_by = 0
        self.first_contact = self.contacted = self.in_progress = self.resolved = self.verified = None
        self.reopened = self.closed = self.respond_reminded = self.resolve_reminded = None
        self.region_at = self.head_office_at = self.follow_up_at = self.follow_up_sent = None
        self.follow_up_invitation = self.follow_up_score = self.follow_up_answered = self.root_cause = None
        self.reopen_count = self.level = 0
        self.resolution = ""
        self.alive = True  # False once the world's end is reached: nothing after it happened


class Answer(NamedTuple):
    """What the closed loop needs to know about a survey answer just written."""

    response_pk: int
    customer_pk: int
    touchpoint: str
    score: int
    submitted: int
    language: str
    channel: str
    contact_hash: str
    vehicle_model: str
    network: str
    device: str
    themes: tuple[str, ...]


class DealerLoop:
    """Writes the closed-loop work of one dealer's survey answers: cases, their events, goodwill and follow-ups."""

    def __init__(self, *, seed: int, dealer: DealerPlan, calendar: Calendar, offsets: list[int], brand_pk: int,
                 touchpoints: dict[str, int], settings: LoopSettings, tables: LoopTables,
                 invitation_keys: TableBuffer, response_keys: TableBuffer, names: NamePool) -> None:
        self.rng = random.Random(f"insidetrack-demo:{seed}:{dealer.code}:closed-loop")
        self.rand = rand = self.rng.random
        self.d, self.cal, self.offsets, self.brand_pk = dealer, calendar, offsets, brand_pk
        self.touchpoints, self.s, self.t = touchpoints, settings, tables
        # Follow-up invitations and answers take their keys from the journey surveys' buffers (same tables).
        self.invitation_keys, self.response_keys = invitation_keys, response_keys
        self.cutoff = calendar.cutoff_ts
        self.backlog_from = self.cutoff - len(DEMO_MISSED) * DAY if dealer.is_demo else self.cutoff
        self.missed = False  # whether nobody calls about the current case before the world ends
        self.sql = calendar.sql
        self.lead = settings.reminder_lead
        # Habits: most dealers call within hours; about one in eight is slow; gaming dealers are quick to thank the
        # customers whose tens they collect; some dealers have someone on the inbox on days they are closed.
        self.slow = not dealer.is_demo and rand() < 0.12
        self.speed = math.exp(self.rng.gauss(0.0, 0.25)) * (2.0 + rand() if self.slow else 1.0)
        self.thank_speed = self.speed * (0.35 if dealer.schemes else 1.0)
        self.weekend_duty = not self.slow and rand() < 0.6
        first = names.first_female if rand() < 0.35 else names.first_male
        self.principal = DEMO_PRINCIPAL if dealer.is_demo else \
            f"{first[int(rand() * len(first))]} {names.last[int(rand() * len(names.last))]}"
        self.staff = {department: [f"{f} {n}" for f, n in team] for department, team in dealer.staff.items()}
        if dealer.is_demo:
            self.staff["service"] = [DEMO_SERVICE, *self.staff["service"]]
        self.windows = self._calling_windows()

    # ---------------------------------------------------------------- time

    def _calling_windows(self) -> list[list[tuple[int, int]]]:
        """Per weekday (Monday first), the local hours in which the dealer's people make calls."""
        windows = []
        for code in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            hours = self.d.hours.get(code) or []
            if not hours and self.weekend_duty:
                hours = [(10 * HOUR, 16 * HOUR)]
            windows.append(sorted(hours))
        return windows

    def _snap(self, ts: int) -> int:
        """``ts`` if the dealer's people are at work then, else a little after they next start."""
        cal, offsets, lo = self.cal, self.offsets, self.cal.lo
        day = (ts - cal.epoch0) // DAY
        local = ts - (cal.epoch0 + day * DAY - offsets[day - lo])
        if local >= DAY:
            day, local = day + 1, local - DAY
        elif local < 0:
            day, local = day - 1, local + DAY
        for _ in range(8):
            for start, end in self.windows[cal.weekday[day - lo]]:
                if local < end:
                    if local >= start:
                        return ts
                    begin = cal.local_ts(offsets, day, start)
                    return begin + int(self.rand() * min(90 * MINUTE, end - start))
            day, local = day + 1, 0
        return ts  # a dealer that never works: keep the time

    def _after(self, ts: int, median_hours: float, sigma: float) -> int:
        """A log-normal delay after ``ts``, moved into calling hours."""
        return self._snap(ts + int(self.rng.lognormvariate(math.log(median_hours * HOUR), sigma)))

    def _deadline(self, start: int, seconds: int) -> int:
        """``start`` plus the promised time, counted as the brand's policy says (clock or opening hours)."""
        if not self.s.opening_hours_only:
            return start + seconds
        moment = add_opening_hours(dt.datetime.fromtimestamp(start, dt.UTC), seconds / HOUR,
                                   time_zone=self.d.time_zone, opening_hours=self.d.opening_hours)
        return int(moment.timestamp())

    def _iso(self, ts: int) -> str:
        return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat()

    # ---------------------------------------------------------------- events

    def _event(self, k: _Case, at: int, kind: str, name: str, detail: str = "", data: str = EMPTY,
               from_status: str = "", to_status: str = "") -> None:
        self._events((next(self._event_keys), k.pk, self.sql(at), kind, None, name, from_status, to_status, detail,
                      data))
        k.updated = at

    def _move(self, k: _Case, at: int, target: str, name: str, detail: str = "", data: str = EMPTY) -> None:
        """One transition with its event, stamping the state's first time as ``cases.services._move`` does."""
        self._event(k, at, "status", name, detail, data, k.status, target)
        k.status = target
        if target == CONTACTED:
            if k.contacted is None:
                k.contacted = at
            if k.first_contact is None:
                k.first_contact = at
        elif target == IN_PROGRESS:
            if k.in_progress is None:
                k.in_progress = at
        elif target == RESOLVED:
            if k.resolved is None:
                k.resolved = at
        elif target == VERIFIED:
            if k.verified is None:
                k.verified = at
        elif target == CLOSED:
            if k.closed is None:
                k.closed = at
        elif target == REOPENED:
            # A new promise: fresh deadlines, no reminders yet, back at the dealer.
            k.reopened = at
            k.reopen_count += 1
            k.respond_by = self._deadline(at, self.s.respond_seconds[k.kind])
            k.resolve_by = self._deadline(at, self.s.resolve_seconds) if k.recovery else 0
            k.respond_reminded = k.resolve_reminded = k.follow_up_at = None
            k.level = 0

    def _at(self, k: _Case, at: int) -> bool:
        """Replay the sweep up to ``at``; whether ``at`` is still inside the world (else the case stops here)."""
        if not k.alive:
            return False
        self._sweep(k, at)
        if at >= self.cutoff:
            k.alive = False
            return False
        return True

    def _sweep(self, k: _Case, until: int) -> None:
        """Every run of the every-minute sweep before ``until`` that would have claimed this case, in order."""
        limit = until if until < self.cutoff else self.cutoff
        lead = self.lead
        while True:
            status, level = k.status, k.level
            awaiting = status in AWAITING
            unresolved = k.recovery and status in UNRESOLVED
            if not (awaiting or unresolved) or level >= 2:
                return
            if awaiting:
                overdue = k.respond_by if not unresolved or k.respond_by < k.resolve_by else k.resolve_by
            else:
                overdue = k.resolve_by
            if level == 0:
                due, step = overdue, 3
                if unresolved and k.resolve_reminded is None and k.resolve_by - lead <= due:
                    due, step = k.resolve_by - lead, 2
                if awaiting and k.respond_reminded is None and k.respond_by - lead <= due:
                    due, step = k.respond_by - lead, 1
            else:
                due, step = max(overdue, k.region_at + self.s.head_office_after), 4
            if due >= limit:  # nothing due before ``until`` (the run would be later still)
                return
            run = due + (-due % MINUTE)  # the first run of the every-minute sweep at or after the moment
            if run >= limit:
                return
            if step == 1:
                k.respond_reminded = run
                self._event(k, run, "reminder", SYSTEM, data=REMIND_RESPOND)
            elif step == 2:
                k.resolve_reminded = run
                self._event(k, run, "reminder", SYSTEM, data=REMIND_RESOLVE)
            elif step == 3:
                k.level, k.region_at = 1, run
                self._event(k, run, "escalated", SYSTEM, data=TO_REGION)
            else:
                k.level, k.head_office_at = 2, run
                self._event(k, run, "escalated", SYSTEM, data=TO_HEAD_OFFICE)

    # ---------------------------------------------------------------- one answer's work

    def open(self, answer: Answer) -> None:
        """Write the case a survey answer calls for, with its history up to the world's end."""
        rand, s = self.rand, self.s
        score = answer.score
        kind = THANK_YOU if score >= 9 else ACKNOWLEDGEMENT if score >= 7 else RECOVERY
        events = self.t.case_events
        # The writer flushes only between customers, so the rows list stays the same for the whole case.
        self._events, self._event_keys = events.rows.append, itertools.count(events.next_pk)
        cases = self.t.cases
        k = _Case(cases.next_pk, kind, answer.language, answer.submitted)
        cases.next_pk += 1
        k.respond_by = k.first_respond_by = self._deadline(k.opened, s.respond_seconds[kind])
        if k.recovery:
            k.resolve_by = self._deadline(k.opened, s.resolve_seconds)
        text = LANGUAGE_INDEX.get(answer.language, 0)
        team = self.staff[catalogue.STAFF_DEPARTMENT[answer.touchpoint]]
        handler = team[int(rand() * len(team))]
        self._event(k, k.opened, "created", SYSTEM, KIND_LABEL[kind], to_status=NEW)
        speed = self.thank_speed if kind == THANK_YOU else self.speed
        self.missed = k.opened >= self.backlog_from and rand() < DEMO_MISSED[(self.cutoff - k.opened - 1) // DAY]
        if k.recovery:
            self._recovery(k, answer, handler, speed, text)
        else:
            self._call(k, handler, speed, text)
        self._sweep(k, self.cutoff)
        self._write_case(k, answer)
        events.next_pk = next(self._event_keys)

    def _reach(self, k: _Case, start: int, handler: str, speed: float, attempts: int, note: str = "") -> int | None:
        """Call until the customer is reached: the time of the call that reached them, else None.

        None with ``k.alive`` means they gave up after ``attempts`` calls (the last one at ``k.updated``).
        """
        rand = self.rand
        at = self._after(start, 1.5 * speed, 0.9)
        if self.missed:
            at = self.cutoff
        for attempt in range(attempts):
            if not self._at(k, at):
                return None
            if rand() < (0.7 if attempt == 0 else 0.6):
                self._event(k, at, "call", handler, note, OUTCOME_DATA["reached"])
                return at
            self._event(k, at, "call", handler, "", OUTCOME_DATA[FAILED_CALLS[int(rand() * len(FAILED_CALLS))]])
            at = self._after(at, 3 * speed, 0.7)
        return None

    def _call(self, k: _Case, handler: str, speed: float, text: int) -> None:
        """A thank-you call or an acknowledgement: reached means done; a few are never reached and closed."""
        note = ""
        if k.kind == ACKNOWLEDGEMENT and self.rand() < 0.5:
            note = ACKNOWLEDGEMENT_NOTES[int(self.rand() * len(ACKNOWLEDGEMENT_NOTES))][text]
        at = self._reach(k, k.opened, handler, speed, 3, note)
        if at is not None:
            self._move(k, at, CONTACTED, handler)
            self._move(k, at, CLOSED, handler)
            return
        if k.alive:
            at = self._snap(k.updated + 10 * MINUTE)
            if self._at(k, at):
                self._move(k, at, CLOSED, handler, NOT_REACHED[text])

    def _recovery(self, k: _Case, answer: Answer, handler: str, speed: float, text: int) -> None:
        rand = self.rand
        reached = self._reach(k, k.opened, handler, speed, 5)
        if reached is None:
            self._give_up(k, text)
            return
        self._move(k, reached, CONTACTED, handler)
        theme = self._root_cause(answer)
        started = reached + 5 * MINUTE + int(rand() * 35 * MINUTE)
        if theme is not None:
            if not self._at(k, started):
                return
            k.root_cause = theme[0]
            self._event(k, started, "root_cause", handler, theme[2], json.dumps({"theme": theme[1]}))
        if rand() < 0.03:  # an apology was all the customer wanted
            at = self._after(started, 2, 0.5)
            if self._at(k, at):
                self._move(k, at, CLOSED, self.principal, DECLINED[text])
            return
        if rand() < 0.75:  # the car comes back in, parts are ordered, someone investigates
            started = self._after(started, 10 * speed, 0.8)
            if not self._at(k, started):
                return
            self._move(k, started, IN_PROGRESS, handler)
        resolving = self._after(started, 28 * speed, 0.6)
        if rand() < 0.35:
            resolving = self._goodwill(k, started, resolving, handler, text)
            if not k.alive:
                return
        options = RESOLUTIONS.get(theme[1] if theme else "", RESOLUTIONS["staff_attitude"])
        if not self._resolve(k, resolving, handler, options[int(rand() * len(options))][text]):
            return
        self._follow_up(k, answer, handler, text)

    def _give_up(self, k: _Case, text: int) -> None:
        if k.alive:
            at = self._snap(k.updated + 2 * HOUR)
            if self._at(k, at):
                self._move(k, at, CLOSED, self.principal, NOT_REACHED[text])

    def _root_cause(self, answer: Answer) -> tuple[int, str, str] | None:
        """The theme of the verbatim that is a root cause at this touchpoint, else a plausible one of them."""
        choices = self.s.root_causes.get(answer.touchpoint, ())
        if not choices:
            return None
        for code in answer.themes:
            for theme in choices:
                if theme[1] == code:
                    return theme
        return choices[int(self.rand() * len(choices))]

    def _goodwill(self, k: _Case, started: int, resolving: int, handler: str, text: int) -> int:
        """A gesture while the case is worked on; above staff's limit the principal approves it later.

        Returns when the case can be resolved (after the approval)."""
        rand = self.rand
        gesture = GESTURES[int(rand() * 4)] if rand() < 0.78 else GESTURES[4 + int(rand() * 2)]
        amount = round(gesture[3] + rand() * (gesture[4] - gesture[3]))
        requested = started + 1 + int((resolving - started) * (0.2 + 0.5 * rand()))
        if not self._at(k, requested):
            return resolving
        buffer = self.t.goodwill
        pk = buffer.next_pk
        buffer.next_pk += 1
        description = gesture[text]
        data = json.dumps({"goodwill": pk, "amount": f"{amount}.00", "currency": self.s.currency})
        self._event(k, requested, "goodwill_requested", handler, description, data)
        decided: int | None = requested
        if amount <= self.s.staff_limit:
            self._event(k, requested, "goodwill_approved", handler, WITHIN_LIMIT, data)
        else:
            decided = self._after(requested, 3, 0.8)
            if self._at(k, decided):
                self._event(k, decided, "goodwill_approved", self.principal, description, data)
                resolving = max(resolving, decided + 20 * MINUTE + int(rand() * 3 * HOUR))
            else:
                decided = None
        sql = self.sql
        buffer.rows.append((pk, k.pk, description, f"{amount}.00", self.s.currency,
                            "approved" if decided is not None else "pending", None, sql(requested), None,
                            sql(decided), ""))
        return resolving

    def _resolve(self, k: _Case, at: int, handler: str, resolution: str) -> bool:
        """Record the resolution, resolve and schedule the follow-up survey (as ``case_transition`` does)."""
        if not self._at(k, at):
            return False
        k.resolution = resolution
        self._event(k, at, "resolution", handler, resolution)
        at += MINUTE + int(self.rand() * 4 * MINUTE)
        if not self._at(k, at):
            return False
        self._move(k, at, RESOLVED, handler)
        k.follow_up_at = at + self.s.follow_up_after
        k.follow_up_sent = k.follow_up_at + int(self.rand() * 90)  # the invitations sweep runs every minute
        self._event(k, at, "follow_up_scheduled", SYSTEM, data=json.dumps({"send_at": self._iso(k.follow_up_at)}))
        return True

    def _invitation(self, k: _Case, answer: Answer, answered: int | None = None, opened: int | None = None) -> int:
        """The follow-up invitation as the invitations sweep leaves it at the world's end; returns its key."""
        buffer = self.t.follow_up_invitations
        pk = self.invitation_keys.next_pk
        self.invitation_keys.next_pk = pk + 1
        sql, cutoff = self.sql, self.cutoff
        scheduled = k.follow_up_at
        expires = scheduled + self.s.follow_up_valid
        head = (pk, self.brand_pk, self.d.pk, answer.customer_pk, None, self.touchpoints[answer.touchpoint],
                answer.channel, answer.language)
        if k.follow_up_sent >= cutoff:
            buffer.rows.append((*head, "pending", "", "", "", sql(scheduled), None, None, None, None, sql(expires),
                                "follow_up"))
        else:
            sent = k.follow_up_sent
            status = "answered" if answered is not None else "expired" if expires <= cutoff else "sent"
            reminded = sent + FOLLOW_UP_REMINDER
            if (answered is not None and answered - sent <= FOLLOW_UP_REMINDER) or reminded >= cutoff:
                reminded = None
            buffer.rows.append((*head, status, "", "delivered", answer.contact_hash, sql(scheduled), sql(sent),
                                sql(opened), sql(reminded), sql(answered), sql(expires), "follow_up"))
        k.follow_up_invitation = pk
        return pk

    def _answer_delay(self) -> int:
        rng = self.rng
        roll = rng.random()
        if roll < 0.42:
            delay = rng.lognormvariate(math.log(25 * MINUTE), 1.0)
        elif roll < 0.8:
            delay = rng.lognormvariate(math.log(7 * HOUR), 0.8)
        else:
            delay = FOLLOW_UP_REMINDER + rng.lognormvariate(math.log(6 * HOUR), 1.3)
        return int(min(self.s.follow_up_valid - HOUR, max(40, delay)))

    def _follow_up(self, k: _Case, answer: Answer, handler: str, text: int) -> None:
        """The "did we put it right?" survey: about half answer; the answer verifies or reopens the case."""
        rand, s = self.rand, self.s
        sent = k.follow_up_sent
        submitted = opened = None
        if rand() < 0.5:
            delay = self._answer_delay()
            submitted = sent + delay
            opened = submitted - min(delay // 2, 60 + int(rand() * 5 * MINUTE))
            if submitted >= self.cutoff:
                submitted = opened = None
        invitation = self._invitation(k, answer, submitted, opened)
        if submitted is None or opened is None:
            closing = self._after(k.follow_up_at + s.follow_up_valid, 30, 0.8)
            if self._at(k, closing):
                self._move(k, closing, CLOSED, self.principal, FOLLOW_UP_UNANSWERED[text])
            return
        if not self._at(k, submitted):
            return
        score = FOLLOW_UP_SCORES[int(rand() * len(FOLLOW_UP_SCORES))]
        put_right = rand() < (0.97 if score >= 9 else 0.85 if score >= 7 else 0.15)
        verbatim = ""
        if rand() < 0.4:
            bank = FOLLOW_UP_PRAISE if score >= 7 and put_right else FOLLOW_UP_COMPLAINTS
            verbatim = bank[int(rand() * len(bank))][text]
        keys = self.response_keys
        response_pk = keys.next_pk
        keys.next_pk = response_pk + 1
        sql = self.sql
        self.t.follow_up_responses.rows.append((
            response_pk, self.brand_pk, self.d.pk, answer.customer_pk, invitation,
            self.touchpoints[answer.touchpoint], answer.vehicle_model, score, verbatim, answer.language,
            answer.channel, "survey", sql(sent), sql(opened), sql(submitted),
            answer.network, answer.device, "follow_up", '{"put_right": true}' if put_right else '{"put_right": false}'))
        outcome = REOPENED if not put_right or score <= 6 else VERIFIED
        k.follow_up_score, k.follow_up_answered = score, submitted
        self._event(k, submitted, "follow_up_answered", SYSTEM,
                    data=json.dumps({"put_right": put_right, "outcome": outcome}))
        if outcome == VERIFIED:
            self._move(k, submitted, VERIFIED, SYSTEM, "", BY_FOLLOW_UP)
            at = self._after(submitted, 18, 0.9)
            if self._at(k, at):
                self._move(k, at, CLOSED, handler if rand() < 0.7 else self.principal)
            return
        self._move(k, submitted, REOPENED, SYSTEM, NOT_PUT_RIGHT, BY_FOLLOW_UP)
        self._second_round(k, answer, handler, text)

    def _second_round(self, k: _Case, answer: Answer, handler: str, text: int) -> None:
        """A reopened case: the principal calls, puts it right, resolves again; the second follow-up (which the
        services do not apply a second time) goes unanswered and the case is closed once it expires."""
        reached = self._reach(k, k.reopened, self.principal, self.speed * 0.6, 5)
        if reached is None:
            self._give_up(k, text)
            return
        self._move(k, reached, CONTACTED, self.principal)
        resolving = self._after(reached, 30 * self.speed, 0.7)
        second = SECOND_RESOLUTIONS[int(self.rand() * len(SECOND_RESOLUTIONS))][text]
        if not self._resolve(k, resolving, self.principal, second):
            return
        self._invitation(k, answer)
        closing = self._after(k.follow_up_at + self.s.follow_up_valid, 30, 0.8)
        if self._at(k, closing):
            self._move(k, closing, CLOSED, self.principal, FOLLOW_UP_UNANSWERED[text])

    # ---------------------------------------------------------------- row

    def _write_case(self, k: _Case, answer: Answer) -> None:
        sql, s = self.sql, self.s
        self.t.cases.rows.append((
            k.pk, self.brand_pk, self.d.pk, answer.customer_pk, answer.response_pk,
            self.touchpoints[answer.touchpoint], s.departments[answer.touchpoint], k.kind, k.status, "survey",
            s.playbooks[k.kind], "", None, sql(k.opened), sql(k.respond_by), sql(k.first_respond_by),
            sql(k.resolve_by or None),
            sql(k.first_contact), sql(k.contacted), sql(k.in_progress), sql(k.resolved), sql(k.verified),
            sql(k.reopened), sql(k.closed), k.reopen_count, sql(k.respond_reminded), sql(k.resolve_reminded),
            k.level, sql(k.region_at), sql(k.head_office_at), k.root_cause, k.resolution, sql(k.follow_up_at),
            k.follow_up_invitation, k.follow_up_score, sql(k.follow_up_answered), sql(k.updated), ""))
