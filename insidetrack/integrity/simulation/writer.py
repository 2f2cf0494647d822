"""Write a simulated history in the project's history-import format (docs/imports.md), with its ground truth.

Files: ``dealers.csv``, ``customers.csv``, ``invitations.csv``, ``responses.csv`` (the import), ``ground_truth.csv``
(``dealer_code,scenario,first_quarter,last_quarter,touchpoints``, quarters as ``2026Q1``) and ``groups.csv``
(``dealer_code,group``: the never-gamed dealers by trait).

Why: the in-memory frames test the statistics; the same history written as ``dealers.csv``, ``customers.csv``,
``invitations.csv`` and ``responses.csv`` goes through the real import, the real verbatim pipeline and the real scan,
so the whole chain can be evaluated against ``ground_truth.csv`` (``insidetrack integrity evaluate``).

How the simulation's details map to the format:

* every customer gets a name and an e-mail address; couples share one address, fleet drivers share their fleet
  manager's (``deal_type`` fleet), staff buying a car use their work address at the dealer's domain (``staff``);
* a customer whose invitation was sent to a staff address typed in at the desk (on-site tablet completion) has that
  address as their e-mail, with ``contact_updated_at`` just before the invitation: that is what the dealer system
  holds after staff enter their own address;
* bounced or invalid invitations carry ``delivery_status`` ``bounced`` or ``invalid``; every other one ``delivered``;
* fingerprints are 64 hexadecimal characters (SHA-256 of the simulator's ids and seed), kept as given on import;
* events that were never invited cannot be expressed in a history import (an event import would send invitations),
  so the suppression signal ``not_invited`` is only measurable in memory.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from pathlib import Path

import numpy as np

from insidetrack.integrity.simulation import texts
from insidetrack.integrity.simulation.network import TOUCHPOINTS, Simulation, quarter_label

_FIRST = {"en": ("Olivia", "James", "Amelia", "Oliver", "Isla", "George", "Ava", "Harry", "Emily", "Jack"),
          "de": ("Lena", "Tobias", "Mia", "Lukas", "Hannah", "Jonas", "Lea", "Felix", "Anna", "Paul"),
          "fr": ("Camille", "Louis", "Léa", "Hugo", "Chloé", "Jules", "Manon", "Arthur", "Inès", "Gabriel")}
_LAST = {"en": ("Hart", "Okafor", "Smith", "Patel", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walsh"),
         "de": ("Vogel", "Brandt", "Müller", "Schmidt", "Weber", "Fischer", "Becker", "Wagner", "Koch", "Richter"),
         "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau", "Simon")}
_COUNTRY = {"GB": ("GB", "Europe/London"), "DE": ("DE", "Europe/Berlin"), "FR": ("FR", "Europe/Paris"),
            "AT": ("AT", "Europe/Vienna")}
_STAFF = ("sales", "service", "reception")


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def _fingerprint(seed: int, kind: str, value: int) -> str:
    return hashlib.sha256(f"{seed}:{kind}:{value}".encode()).hexdigest()


def _iso(seconds: np.ndarray) -> list[str]:
    """Times as ISO 8601 in UTC with an explicit ``Z`` (the import rejects times without an offset)."""
    stamps = np.datetime_as_string(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]"), unit="s")
    return [f"{s}Z" for s in stamps.tolist()]


def write_history(simulation: Simulation, folder: Path | str) -> dict[str, int]:
    """Write the five CSV files into ``folder`` (created if needed); returns the rows written per file.

    The simulation must have been made with ``keep_raw=True``.
    """
    raw = simulation.raw
    if raw is None:
        raise ValueError("simulate_network(..., keep_raw=True) is needed to write a history")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    history, truth = simulation.history, simulation.truth
    net = history.network
    names = net.dealer_names
    languages = [texts.LANGUAGES[int(i)] for i in raw.dealer_language]
    counts = {}

    # dealers.csv
    with open(folder / "dealers.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "region", "region_name", "country", "city", "language", "time_zone"])
        for d, code in enumerate(names):
            market = net.market_names[int(net.dealer_market[d])]
            country, zone = _COUNTRY.get(market, (market, "Europe/London"))
            region = net.region_names[int(net.dealer_region[d])]
            out.writerow([code, f"Aurelia {raw.dealer_city[d]} {code}", region, region, country, raw.dealer_city[d],
                          languages[d], zone])
    counts["dealers.csv"] = len(names)

    # Customers: those invited at least once. Their address is their own, a shared one, or a staff address typed in.
    inv_customer = raw.invitation_customer
    used = np.unique(inv_customer)
    staff_contact = raw.contact_kind[raw.invitation_contact] == 4
    substituted_to = {}
    changed_at = {}
    for i in np.flatnonzero(staff_contact).tolist():
        substituted_to[int(inv_customer[i])] = int(raw.invitation_contact[i])
    changed = np.flatnonzero(np.isfinite(raw.invitation_contact_changed_second))
    for i in changed.tolist():
        c = int(inv_customer[i])
        changed_at[c] = max(changed_at.get(c, -np.inf), float(raw.invitation_contact_changed_second[i]))
    first_sent = {}
    for c, sent in zip(inv_customer.tolist(), raw.invitation_sent_second.tolist(), strict=True):
        if c not in first_sent or sent < first_sent[c]:
            first_sent[c] = sent

    def address(contact: int, dealer: int) -> str:
        kind = int(raw.contact_kind[contact])
        domain = f"{names[dealer].lower()}.example"
        if kind == 2:
            return f"fleet{contact}@fleetco{int(raw.contact_owner[contact])}.example"
        if kind == 4:
            return f"{_STAFF[contact % 3]}@{domain}"
        owner = int(raw.contact_owner[contact])
        lang = languages[int(raw.customer_dealer[owner])]
        first = _ascii(_FIRST[lang][owner % 10])
        last = _ascii(_LAST[lang][(owner // 10) % 10])
        if kind == 3:
            return f"{first}.{last}{owner}@{domain}"
        return f"{first}.{last}{owner}@mail-{lang}.example"

    deal = {0: "retail", 1: "fleet", 2: "staff"}
    with open(folder / "customers.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ref", "dealer_code", "first_name", "last_name", "email", "language", "consent", "deal_type",
                      "contact_updated_at", "created_at"])
        for c in used.tolist():
            d = int(raw.customer_dealer[c])
            lang = languages[d]
            contact = substituted_to.get(c, int(raw.customer_contact[c]))
            updated = changed_at.get(c)
            out.writerow([f"C-{c}", names[d], _FIRST[lang][c % 10], _LAST[lang][(c // 10) % 10], address(contact, d),
                          lang, "true", deal[int(raw.customer_kind[c])],
                          _iso([int(updated)])[0] if updated is not None else "",
                          _iso([int(first_sent[c]) - 86_400])[0]])
    counts["customers.csv"] = len(used)

    # invitations.csv
    inv = history.invitations
    sent = _iso(raw.invitation_sent_second)
    expires = _iso(raw.invitation_sent_second + 14 * 86_400)
    rng = np.random.default_rng(raw.seed)
    status = np.where(inv.undeliverable, np.where(rng.random(len(inv.dealer)) < 0.5, "bounced", "invalid"),
                      "delivered")
    with open(folder / "invitations.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["ref", "customer_ref", "dealer_code", "touchpoint", "channel", "sent_at", "delivery_status",
                      "expires_at"])
        for i in range(len(inv.dealer)):
            out.writerow([f"I-{i}", f"C-{int(inv_customer[i])}", names[int(inv.dealer[i])],
                          TOUCHPOINTS[int(inv.touchpoint[i])], "email", sent[i], status[i], expires[i]])
    counts["invitations.csv"] = len(inv.dealer)

    # responses.csv
    r = history.responses
    submitted = _iso(np.floor(raw.response_submitted_second))
    with open(folder / "responses.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["invitation_ref", "score", "submitted_at", "verbatim", "language", "network_fingerprint",
                      "device_fingerprint"])
        for j in range(len(r.dealer)):
            v = raw.verbatim[j]
            d = int(r.dealer[j])
            text = texts.materialise(*(int(x) for x in v[:9]), variant=int(v[9]),
                                     dealer_label=f"Aurelia {raw.dealer_city[d]}")
            network = "" if r.network[j] < 0 else _fingerprint(raw.seed, "net", int(r.network[j]))
            device = "" if r.device[j] < 0 else _fingerprint(raw.seed, "dev", int(r.device[j]))
            out.writerow([f"I-{int(raw.response_invitation[j])}", int(r.score[j]), submitted[j], text, languages[d],
                          network, device])
    counts["responses.csv"] = len(r.dealer)

    # ground_truth.csv
    with open(folder / "ground_truth.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["dealer_code", "scenario", "first_quarter", "last_quarter", "touchpoints"])
        for e in truth.episodes:
            out.writerow([e.dealer, e.scenario, quarter_label(e.first_quarter), quarter_label(e.last_quarter),
                          "|".join(e.touchpoints)])
    counts["ground_truth.csv"] = len(truth.episodes)

    # groups.csv: the never-gamed dealers by trait, for the fairness check (``integrity evaluate --groups``).
    rows = [(dealer, group) for group, dealers in truth.honest_groups.items() for dealer in dealers]
    with open(folder / "groups.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["dealer_code", "group"])
        out.writerows(rows)
    counts["groups.csv"] = len(rows)
    return counts
