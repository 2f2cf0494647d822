"""A simulated dealer network with honest dealers and injected survey gaming, for tuning and testing the detectors.

Why simulate: nobody has a labelled history of gaming. A head office that catches a dealer rarely knows since when
or how much, so recall and time to detect can only be measured on networks whose gaming we injected ourselves.

Why it is not an easy benchmark (what honest dealers do that looks like gaming):

* sizes are log-normal, so many dealer-touchpoint-quarters have fewer than 30 responses, and a gaming dealer may be
  too small to test;
* true levels differ between dealers, regions and markets (French customers give fewer 10s), and a dealer's spread
  differs too ("polarised" dealers have more 10s *and* more detractors, i.e. fewer in the middle);
* some dealers genuinely improve by several NPS points a quarter for a year;
* quarter-end delivery peaks double some dealers' handovers (so invitations and responses) in the last three weeks,
  and British dealers deliver more in the plate-change months (March and September); rushed quarter-end handovers are
  slightly *less* satisfying;
* customers in a service lounge answer on the dealer's Wi-Fi minutes after the invitation; couples share an e-mail
  address and a device; fleet managers receive the invitations of all their drivers on one address and one device;
  staff buying a car have a dealer address; customers update their details at the handover; mobile carriers put
  thousands of customers behind the same /24 network; a lone salesperson occasionally asks for a 10;
* gaming is partial: 20-60 % of the eligible customers of a gaming dealer-touchpoint are affected, and some of
  them refuse (a begged customer who was unhappy rarely gives a 10).

The four scenarios and what they change are described in ``_inject_*``. Every gamed dealer-period is in the ground
truth (``Episode``) with its scenario, first and last quarter, touchpoints and intensity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from insidetrack.integrity.policies.frames import Events, History, Invitations, Network, Responses
from insidetrack.integrity.simulation import texts

SCENARIOS = ("score_begging", "quarter_end_push", "freebies", "tablet")
TOUCHPOINTS = ("deposit", "handover", "first_service", "service_visit")
SALES, SERVICE = (0, 1), (2, 3)
DEPARTMENTS = ("sales", "sales", "service", "service")   # who owns each touchpoint (and games it)
START_YEAR = 2024
LATE_DAYS = 21            # "the last three weeks of the quarter"
EXPIRY_SECONDS = 14 * 86_400

# market code, language, share of dealers, regions (code, name, latent offset), % of each score 0..10 at level 0
_MARKETS = (
    ("GB", 0, 0.36, (("UK-N", "United Kingdom North", -0.25), ("UK-S", "United Kingdom South", 0.10),
                     ("UK-SC", "Scotland", 0.35)),
     (1.5, 0.5, 0.7, 0.8, 1.0, 2.0, 3.5, 6.0, 13.0, 19.0, 52.0)),
    ("DE", 1, 0.34, (("DE-N", "Germany North", 0.0), ("DE-S", "Germany South", 0.30), ("DE-W", "Germany West", -0.20)),
     (1.5, 0.5, 0.8, 1.0, 1.2, 2.5, 4.0, 8.0, 15.0, 20.0, 45.5)),
    ("FR", 2, 0.20, (("FR-N", "France North", -0.15), ("FR-S", "France South", 0.20)),
     (2.0, 0.8, 1.0, 1.5, 2.0, 4.0, 6.0, 12.0, 20.0, 20.0, 30.7)),
    ("AT", 1, 0.10, (("AT", "Austria", 0.10),),
     (1.2, 0.4, 0.6, 0.8, 1.0, 2.0, 3.5, 7.0, 14.0, 20.0, 49.5)),
)
#: Events per quarter at a dealer of median size, response rate, latent offset, share of contact updates at the visit.
_TP_EVENTS = np.array([190.0, 215.0, 165.0, 500.0])
_TP_RESPONSE_RATE = np.array([0.32, 0.38, 0.30, 0.24])
_TP_LEVEL = np.array([0.10, 0.20, -0.20, -0.40])
_TP_CONTACT_UPDATE = np.array([0.06, 0.10, 0.03, 0.03])
_GAMED_SHARE = 0.12
#: Share of approached customers (with a verbatim) who mention being asked for a 10 or offered something for it.
MENTION_RATE = 0.2


@dataclass(frozen=True, slots=True)
class Episode:
    """One dealer gaming the survey from ``first_quarter`` to ``last_quarter`` (quarter indices, as ``quarter_of``)."""

    dealer: str
    scenario: str
    first_quarter: int
    last_quarter: int
    touchpoints: tuple[str, ...]
    intensity: float            # share of eligible customers approached
    suppression: str = ""       # quarter-end push only: "", "not_invited" or "invalid_contact"


@dataclass(frozen=True, slots=True)
class GroundTruth:
    episodes: list[Episode]
    quarters: list[int]                               # the simulated quarters, in order
    #: Never-gamed dealers by trait ("small dealers", "improving dealers", "region UK-N", ...), for false-alarm checks.
    honest_groups: dict[str, list[str]] = field(default_factory=dict)

    def gamed_periods(self) -> dict[tuple[str, int], str]:
        """(dealer, quarter) -> scenario for every gamed dealer-period."""
        return {(e.dealer, q): e.scenario for e in self.episodes for q in range(e.first_quarter, e.last_quarter + 1)}


@dataclass(frozen=True, slots=True)
class RawRecords:
    """Per-row detail beyond the frames, to write the history out as the project's import CSVs (see ``writer``)."""

    seed: int
    dealer_city: list[str]
    dealer_language: np.ndarray          # index into texts.LANGUAGES
    customer_dealer: np.ndarray          # per dense customer
    customer_kind: np.ndarray            # 0 retail, 1 fleet driver, 2 staff
    customer_contact: np.ndarray         # the customer's own contact (dense contact id)
    #: Per contact: 0 personal, 1 shared by a couple, 2 fleet, 3 staff's own, 4 a staff address substituted at the desk.
    contact_kind: np.ndarray
    contact_owner: np.ndarray            # per contact: the customer (personal, couple, staff), fleet or dealer index
    invitation_customer: np.ndarray
    invitation_sent_second: np.ndarray   # seconds since the epoch (UTC)
    invitation_contact: np.ndarray
    invitation_contact_changed_second: np.ndarray   # NaN: not changed before this invitation
    response_invitation: np.ndarray      # index into the invitations
    response_submitted_second: np.ndarray
    verbatim: np.ndarray                 # (n, 10) int: kind, language, tone, a, b, b2, c, extra family, extra, variant


@dataclass(frozen=True, slots=True)
class Simulation:
    history: History
    truth: GroundTruth
    raw: RawRecords | None = None


def quarter_start_day(quarter: int) -> int:
    """First day (days since the epoch) of a quarter index."""
    year, q = divmod(int(quarter), 4)
    return int(np.datetime64(f"{year}-{q * 3 + 1:02d}-01", "D").astype(np.int64))


def quarter_label(quarter: int) -> str:
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def simulate(seed: int, dealers: int = 300, quarters: int = 8, **options) -> tuple[History, GroundTruth]:
    """A simulated history and its ground truth (see ``simulate_network`` for the options)."""
    simulation = simulate_network(seed, dealers=dealers, quarters=quarters, **options)
    return simulation.history, simulation.truth


def simulate_network(seed: int, dealers: int = 300, quarters: int = 8, *, gamed_share: float = _GAMED_SHARE,
                     size_scale: float = 1.0, mention_rate: float = MENTION_RATE,
                     keep_raw: bool = False) -> Simulation:
    """Simulate ``dealers`` dealers over ``quarters`` quarters from 2024Q1; same seed, same history.

    ``gamed_share``: share of dealers with a gaming episode; ``size_scale`` multiplies every dealer's volume;
    ``mention_rate``: share of the customers approached by a begging or freebie dealer who, writing a verbatim,
    mention it (the product's flag rules then catch most, not all, of those mentions).
    """
    return _Simulator(seed, dealers, quarters, gamed_share, size_scale, mention_rate).run(keep_raw)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


class _Simulator:
    def __init__(self, seed: int, dealers: int, quarters: int, gamed_share: float, size_scale: float,
                 mention_rate: float) -> None:
        self.mention_rate = mention_rate
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.D, self.Q, self.T = dealers, quarters, len(TOUCHPOINTS)
        self.gamed_share = gamed_share
        self.size_scale = size_scale
        self.q0 = START_YEAR * 4
        self.quarters = list(range(self.q0, self.q0 + quarters))
        self.q_start = np.array([quarter_start_day(q) for q in range(self.q0, self.q0 + quarters + 1)])

    # ---------------------------------------------------------------------------------------------------------------
    def run(self, keep_raw: bool) -> Simulation:
        self._dealers()
        self._episodes()
        self._events()
        self._customers()
        self._scores()
        self._invitations()
        self._inject_tablet()
        self._answers()
        self._inject_push()
        self._collect_responses()
        self._inject_score_gaming()
        self._verbatims()
        history = self._frames()
        truth = GroundTruth(self.episodes, self.quarters, self._honest_groups())
        return Simulation(history, truth, self._raw() if keep_raw else None)

    # ---------------------------------------------------------------------------------------------------------------
    def _dealers(self) -> None:
        rng, D = self.rng, self.D
        shares = np.array([m[2] for m in _MARKETS])
        self.market = rng.choice(len(_MARKETS), size=D, p=shares / shares.sum())
        self.market_names = [m[0] for m in _MARKETS]
        self.region_names, self.region_offset, region_of_market = [], [], []
        for market in _MARKETS:
            region_of_market.append([])
            for code, _name, offset in market[3]:
                region_of_market[-1].append(len(self.region_names))
                self.region_names.append(code)
                self.region_offset.append(offset)
        self.region = np.array([rng.choice(region_of_market[m]) for m in self.market])
        self.language = np.array([_MARKETS[m][1] for m in self.market])
        counters: dict[str, int] = {}
        self.names = []
        for m in self.market:
            code = self.market_names[m]
            counters[code] = counters.get(code, 0) + 1
            self.names.append(f"{code}{counters[code]:03d}")
        self.domains = [frozenset({f"{name.lower()}.example"}) for name in self.names]
        self.size = np.exp(rng.normal(0.0, 0.7, D)) * self.size_scale
        self.tp_size = np.exp(rng.normal(0.0, 0.2, (D, self.T)))
        self.level = np.asarray(self.region_offset)[self.region] + rng.normal(0.0, 0.45, D)
        self.tp_level = rng.normal(0.0, 0.2, (D, self.T))
        self.spread = np.exp(rng.normal(0.0, 0.12, D))
        self.response_rate = np.clip(_TP_RESPONSE_RATE[None, :] * np.exp(rng.normal(0.0, 0.25, (D, 1))
                                                                           + rng.normal(0.0, 0.1, (D, self.T))),
                                     0.05, 0.8)
        self.not_invited = rng.beta(0.06 * 60, 0.94 * 60, (D, self.T))
        self.undeliverable = rng.beta(0.04 * 80, 0.96 * 80, (D, self.T))
        # Honest traits.
        self.improving = rng.random(D) < 0.15
        self.improve_start = rng.integers(0, max(1, self.Q - 3), D)
        self.improve_slope = rng.uniform(0.12, 0.25, D) * self.improving
        self.level -= 0.4 * self.improving
        self.peak = rng.random(D) < 0.25
        self.lounge = rng.random(D) < 0.15
        self.lounge_share = rng.uniform(0.1, 0.3, D) * self.lounge
        self.fleet = rng.random(D) < 0.10
        self.fleet_share = rng.uniform(0.05, 0.2, D) * self.fleet
        self.quarter_noise = rng.normal(0.0, 0.08, (D, self.T, self.Q))

    def _episodes(self) -> None:
        rng = self.rng
        per_scenario = max(1, round(self.gamed_share * self.D / len(SCENARIOS)))
        chosen = rng.choice(self.D, size=min(self.D, per_scenario * len(SCENARIOS)), replace=False)
        self.episodes: list[Episode] = []
        self.gamed = np.zeros((self.D, self.T, self.Q), dtype=np.int8)      # scenario + 1, 0 honest
        self.intensity = np.zeros(self.D)
        self.suppression = np.zeros(self.D, dtype=np.int8)                   # 1 not invited, 2 invalid contact
        self.scenario_of = np.full(self.D, -1)
        for i, d in enumerate(chosen.tolist()):
            scenario = i % len(SCENARIOS)
            first = int(rng.integers(0, max(1, self.Q - 1)))
            last = min(self.Q - 1, first + int(rng.integers(1, 5)))
            u = float(rng.uniform(0.2, 0.6))
            pick = rng.random()
            if SCENARIOS[scenario] == "freebies":
                tps = SERVICE if pick < 0.5 else SALES + SERVICE
            elif SCENARIOS[scenario] == "tablet":
                tps = (1,) if pick < 0.4 else (SERVICE if pick < 0.7 else (1, *SERVICE))
            else:
                tps = SALES if pick < 0.4 else (SERVICE if pick < 0.7 else SALES + SERVICE)
            suppression = ""
            if SCENARIOS[scenario] == "quarter_end_push" and rng.random() < 0.5:
                suppression = "not_invited" if rng.random() < 0.5 else "invalid_contact"
                self.suppression[d] = 1 if suppression == "not_invited" else 2
            self.gamed[d, list(tps), first:last + 1] = scenario + 1
            self.intensity[d] = u
            self.scenario_of[d] = scenario
            self.episodes.append(Episode(self.names[d], SCENARIOS[scenario], self.q0 + first, self.q0 + last,
                                         tuple(TOUCHPOINTS[t] for t in tps), round(u, 3), suppression))

    # ---------------------------------------------------------------------------------------------------------------
    def _events(self) -> None:
        """Operational events per dealer x touchpoint x quarter, with the day pattern of deliveries."""
        rng, D, T, Q = self.rng, self.D, self.T, self.Q
        season = np.ones((D, T, Q))
        gb = self.market == self.market_names.index("GB")
        quarter_in_year = (np.arange(Q) + self.q0) % 4
        season[np.ix_(gb, [1], quarter_in_year % 2 == 0)] *= 1.25     # plate-change quarters (Q1, Q3) in the UK
        lam = _TP_EVENTS[None, :, None] * self.size[:, None, None] * self.tp_size[:, :, None] * season
        counts = rng.poisson(lam).ravel()
        cell = np.repeat(np.arange(D * T * Q), counts)
        self.ev_dealer = cell // (T * Q)
        self.ev_tp = (cell // Q) % T
        self.ev_q = cell % Q
        # Day pattern: profile 0 flat, 1 handover at a peak dealer, 2 GB handover, 3 both.
        profile = np.zeros(len(cell), dtype=np.int8)
        handover = self.ev_tp == 1
        profile[handover & self.peak[self.ev_dealer]] += 1
        profile[handover & gb[self.ev_dealer]] += 2
        sales = self.ev_tp <= 1
        day = np.empty(len(cell), dtype=np.int64)
        u = rng.random(len(cell))
        # One stable sort by (quarter, profile, sales) instead of a mask per combination.
        key = (self.ev_q * 4 + profile) * 2 + sales
        order = np.argsort(key, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=Q * 8))])
        for qi in range(Q):
            start, end = self.q_start[qi], self.q_start[qi + 1]
            days = np.arange(start, end)
            month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
            late = days >= end - LATE_DAYS
            for p in range(4):
                for s in (0, 1):
                    k = (qi * 4 + p) * 2 + s
                    rows = order[bounds[k]:bounds[k + 1]]
                    if len(rows) == 0:
                        continue
                    weight = np.ones(len(days))
                    if s:
                        weight[late] *= 1.15                                   # sales targets: a mild network peak
                    if p & 1:
                        weight[late] *= 2.0                                    # this dealer's delivery peak
                    if p & 2:
                        weight[(month == 3) | (month == 9)] *= 1.8             # new number plates
                    cdf = np.cumsum(weight) / weight.sum()
                    day[rows] = days[np.searchsorted(cdf, u[rows], side="right").clip(0, len(days) - 1)]
        self.ev_day = day
        self.ev_late = day >= self.q_start[self.ev_q + 1] - LATE_DAYS

    def _customers(self) -> None:
        """Customers (some come back), their own contacts and devices, couples sharing, fleets on one address."""
        rng, n = self.rng, len(self.ev_dealer)
        per_dealer = np.bincount(self.ev_dealer, minlength=self.D)
        pool = np.maximum(1, (per_dealer * 0.8).astype(np.int64))
        offset = np.concatenate([[0], np.cumsum(pool)[:-1]])
        self.ev_customer = offset[self.ev_dealer] + (rng.random(n) * pool[self.ev_dealer]).astype(np.int64)
        C = int(pool.sum())
        self.cust_dealer = np.repeat(np.arange(self.D), pool)
        kind = np.zeros(C, dtype=np.int8)
        fleet_member = rng.random(C) < self.fleet_share[self.cust_dealer]
        kind[fleet_member] = 1
        kind[(kind == 0) & (rng.random(C) < 0.01)] = 2
        self.cust_kind = kind
        # Contacts: 0..C-1 personal; couples reuse their partner's; fleets and staff substitutions come after.
        contact = np.arange(C)
        contact_kind = np.zeros(C, dtype=np.int8)
        contact_kind[kind == 2] = 3
        couple = (rng.random(C) < 0.05) & (kind == 0)
        partner = np.clip(np.arange(C) + 1, 0, C - 1)
        same_dealer = self.cust_dealer[partner] == self.cust_dealer
        couple &= same_dealer & (kind[partner] == 0)
        contact[couple] = partner[couple]
        contact_kind[partner[couple]] = 1
        fleets_per_dealer = rng.integers(1, 4, self.D)
        fleet_index = (rng.random(C) * fleets_per_dealer[self.cust_dealer]).astype(np.int64)
        fleet_id = self.cust_dealer * 3 + fleet_index                  # up to 3 fleets per dealer
        contact[fleet_member] = C + fleet_id[fleet_member]
        self.n_fleet_contacts = self.D * 3
        self.cust_contact = contact
        self.contact_kind = np.concatenate([contact_kind, np.full(self.n_fleet_contacts, 2, dtype=np.int8),
                                            np.full(self.D * 3, 4, dtype=np.int8)])
        self.contact_owner = np.concatenate([np.arange(C), np.arange(self.n_fleet_contacts) // 3,
                                             np.arange(self.D * 3) // 3])
        self.staff_contact0 = C + self.n_fleet_contacts                  # 3 staff addresses per dealer
        # Devices: personal (two per customer), partner's for some couples, one per fleet manager; tablets later.
        device = np.arange(C) * 2
        shares_device = couple & (rng.random(C) < 0.5)
        device[shares_device] = partner[shares_device] * 2
        device[fleet_member] = 2 * C + fleet_id[fleet_member]
        self.cust_device = device
        self.cust_second_device = rng.random(C) < 0.3
        self.C = C
        self.cust_home = np.where(couple, partner, np.arange(C))
        self.cust_fleet = np.where(fleet_member, fleet_id, -1)

    def _scores(self) -> None:
        """Would-be scores: an ordered-logit latent with the dealer's level, spread, trend and the market's scale."""
        rng = self.rng
        d, t, q = self.ev_dealer, self.ev_tp, self.ev_q
        trend = self.improve_slope[d] * np.clip(q - self.improve_start[d], 0, 4)
        mu = self.level[d] + self.tp_level[d, t] + _TP_LEVEL[t] + trend + self.quarter_noise[d, t, q]
        mu = mu - 0.15 * (self.ev_late & self.peak[d] & (t == 1))       # rushed quarter-end handovers
        u = rng.random(len(d), dtype=np.float32).clip(1e-7, 1 - 1e-7)
        latent = mu + self.spread[d] * _logit(u)
        score = np.zeros(len(d), dtype=np.int8)
        for m, market in enumerate(_MARKETS):
            cum = np.cumsum(market[4])[:-1] / sum(market[4])
            thresholds = _logit(cum)
            sel = self.market[d] == m
            score[sel] = np.searchsorted(thresholds, latent[sel]).astype(np.int8)
        self.would_be = score

    # ---------------------------------------------------------------------------------------------------------------
    def _invitations(self) -> None:
        rng = self.rng
        d, t, q = self.ev_dealer, self.ev_tp, self.ev_q
        n = len(d)
        invited = rng.random(n) >= self.not_invited[d, t]
        undeliverable = rng.random(n) < self.undeliverable[d, t]
        gamed = self.gamed[d, t, q]
        push = (gamed == 2) & (self.would_be <= 6) & (rng.random(n) < 0.7 * self.intensity[d])
        invited &= ~(push & (self.suppression[d] == 1))
        undeliverable |= push & (self.suppression[d] == 2)
        self.ev_invited = invited
        self.inv_event = np.flatnonzero(invited)
        e = self.inv_event
        self.inv_sent = np.minimum(self.ev_day[e] * 86_400 + rng.integers(8 * 3600, 19 * 3600, len(e))
                                   + 86_400 * (rng.random(len(e)) < 0.3), self.q_start[-1] * 86_400 - 3600)
        self.inv_undeliverable = undeliverable[e]
        self.inv_contact = self.cust_contact[self.ev_customer[e]]
        # Contact details changed shortly before the invitation (at the visit), long before, or never.
        r = rng.random(len(e))
        recent = r < _TP_CONTACT_UPDATE[t[e]]
        long_ago = ~recent & (r < _TP_CONTACT_UPDATE[t[e]] + 0.35)
        changed = np.full(len(e), np.nan)
        changed[recent] = rng.uniform(0.0, 1.0, recent.sum())
        changed[long_ago] = rng.uniform(2.0, 700.0, long_ago.sum())
        self.inv_changed_days = changed
        self.inv_onsite = np.zeros(len(e), dtype=bool)
        self.inv_substituted = np.zeros(len(e), dtype=bool)

    def _inject_tablet(self) -> None:
        """On-site tablet completion: the survey is filled in at the dealer minutes after the invitation is sent.

        Staff pick a share ``u`` of the visits, often type one of three staff addresses as the customer's contact just
        before sending, and hand over (or fill in) one of one to three tablets on the dealer's Wi-Fi.
        """
        rng = self.rng
        e_all = self.inv_event
        idx = np.flatnonzero(self.gamed[self.ev_dealer[e_all], self.ev_tp[e_all], self.ev_q[e_all]] == 4)
        d = self.ev_dealer[e_all[idx]]
        onsite = rng.random(len(idx)) < self.intensity[d]
        substitute_share = rng.uniform(0.3, 0.9, self.D)
        sub = onsite & (rng.random(len(idx)) < substitute_share[d])
        self.inv_onsite = np.zeros(len(e_all), dtype=bool)
        self.inv_onsite[idx[onsite]] = True
        self.inv_substituted = np.zeros(len(e_all), dtype=bool)
        self.inv_substituted[idx[sub]] = True
        # Completed at the desk: the invitation goes out during the visit (same day), not the next day.
        on = idx[onsite]
        self.inv_sent[on] = self.ev_day[e_all[on]] * 86_400 + rng.integers(9 * 3600, 18 * 3600, len(on))
        rows = idx[sub]
        self.inv_contact[rows] = self.staff_contact0 + d[sub] * 3 + rng.integers(0, 3, len(rows))
        self.inv_changed_days[rows] = rng.uniform(0.0005, 0.01, len(rows))
        self.inv_undeliverable[idx[onsite]] = False

    def _answers(self) -> None:
        """Who answers and when: a log-normal delay (median five hours), invitations expire after 14 days."""
        rng = self.rng
        e = self.inv_event
        d, t = self.ev_dealer[e], self.ev_tp[e]
        n = len(e)
        answer = ~self.inv_undeliverable & (rng.random(n) < self.response_rate[d, t])
        delay = np.exp(rng.normal(np.log(5 * 3600), 1.8, n))
        lounge = (t >= 2) & (rng.random(n) < self.lounge_share[d])
        delay = np.where(lounge, np.exp(rng.normal(np.log(15 * 60), 0.7, n)), delay)
        answer |= lounge & ~self.inv_undeliverable
        answer &= delay < EXPIRY_SECONDS
        answer &= self.inv_sent + delay < self.q_start[-1] * 86_400       # the history ends with the last quarter
        onsite = self.inv_onsite
        answer |= onsite
        delay = np.where(onsite, rng.uniform(40, 480, n), delay)
        self.inv_answered = answer
        self.inv_delay = delay
        self.inv_lounge = lounge & ~onsite

    def _inject_push(self) -> None:
        """Quarter-end push: in the last three weeks the dealer calls happy customers who have not answered yet.

        Eligible: delivered invitations of the quarter to customers who would give 9 or 10 and who have not answered
        by the quarter's end. A share ``u`` of them is called and answers, in the last three weeks.
        """
        rng = self.rng
        e_all = self.inv_event
        idx = np.flatnonzero(self.gamed[self.ev_dealer[e_all], self.ev_tp[e_all], self.ev_q[e_all]] == 2)
        e = e_all[idx]
        d, q = self.ev_dealer[e], self.ev_q[e]
        q_end = self.q_start[q + 1] * 86_400
        sent = self.inv_sent[idx]
        submitted = sent + self.inv_delay[idx]
        not_yet = ~self.inv_answered[idx] | (submitted >= q_end)
        eligible = ~self.inv_undeliverable[idx] & not_yet & (self.would_be[e] >= 9) & (sent < q_end - 86_400)
        pushed = eligible & (rng.random(len(e)) < self.intensity[d])
        window_start = np.maximum(q_end - LATE_DAYS * 86_400, sent + 3600)
        when = window_start + rng.random(len(e)) * (q_end - 60 - window_start)
        rows = idx[pushed]
        self.inv_delay[rows] = (when - sent)[pushed]
        self.inv_answered[rows] = True
        self.inv_pushed = np.zeros(len(e_all), dtype=bool)
        self.inv_pushed[rows] = True

    def _collect_responses(self) -> None:
        rng = self.rng
        answered = np.flatnonzero(self.inv_answered)
        self.resp_inv = answered
        e = self.inv_event[answered]
        self.resp_event = e
        self.resp_submitted = self.inv_sent[answered] + self.inv_delay[answered]
        self.resp_day = (self.resp_submitted // 86_400).astype(np.int64)
        self.resp_score = self.would_be[e].copy()
        self.resp_would_be = self.would_be[e]
        cust = self.ev_customer[e]
        n = len(answered)
        onsite = self.inv_onsite[answered]
        pushed = self.inv_pushed[answered]
        self.resp_score[pushed & (self.resp_score == 9) & (rng.random(n) < 0.4)] = 10
        tablet_score = np.where(rng.random(n) < 0.8, 10, 9).astype(np.int8)
        self.resp_score = np.where(onsite, tablet_score, self.resp_score)
        # Devices: personal (sometimes the second one), the dealer's tablets on site.
        dealer = self.ev_dealer[e]
        device = self.cust_device[cust] + (self.cust_second_device[cust] & (rng.random(n) < 0.5)
                                           & (self.cust_fleet[cust] < 0))
        tablets = rng.integers(1, 4, self.D)
        tablet = 3 * self.C + dealer * 3 + (rng.random(n) * tablets[dealer]).astype(np.int64)
        self.resp_device = np.where(onsite, tablet, device)
        # Networks: home, a mobile carrier's shared range, a workplace, the dealer's Wi-Fi (lounge or tablet).
        market = self.market[dealer]
        r = rng.random(n)
        home = self.cust_home[cust]
        mobile = self.C + market * 400 + rng.integers(0, 400, n)
        workplaces = max(1, self.C // 15)
        work = self.C + 4000 + (home * 7919) % workplaces
        fleet_net = self.C + 4000 + workplaces + np.maximum(self.cust_fleet[cust], 0)
        dealer_wifi = self.C + 4000 + workplaces + self.D * 3 + dealer
        net = np.where(r < 0.55, home, np.where(r < 0.95, mobile, work))
        net = np.where(self.cust_fleet[cust] >= 0, fleet_net, net)
        net = np.where(onsite | self.inv_lounge[answered], dealer_wifi, net)
        self.resp_network = net
        self.resp_unknown_fp = rng.random(n) < 0.03                     # fingerprints missing for a few answers
        self.resp_asked = np.zeros(n, dtype=bool)
        self.resp_offered = np.zeros(n, dtype=bool)

    def _inject_score_gaming(self) -> None:
        """Score begging and freebies: customers asked for a 10 (or offered something for it) who comply.

        A share ``u`` of the customers is approached; of the eligible ones (who would not have given a 10) that is
        the share affected: begged, all who would give 7-9 give a 10, 40 % of the 5-6s and 10 % of the 0-4s (an
        unhappy customer rarely obliges); offered a free service, all from 5 up and 60 % below. Customers keep the
        verbatim they would have written (hence 10s with negative text); some of the approached mention it.
        """
        rng = self.rng
        e = self.resp_event
        # The period is the one the response falls in (what the ground truth and the detectors both see).
        q = np.clip(np.searchsorted(self.q_start, self.resp_day, side="right") - 1, 0, self.Q - 1)
        d, t = self.ev_dealer[e], self.ev_tp[e]
        n = len(e)
        g = self.gamed[d, t, q]
        s = self.resp_score
        approached = rng.random(n) < self.intensity[d]
        asked = (g == 1) & approached
        offered = (g == 3) & approached
        p_beg = np.select([s >= 7, s >= 5], [1.0, 0.4], 0.1)
        p_free = np.where(s >= 5, 1.0, 0.6)
        r = rng.random(n)
        to_ten = (asked & (r < p_beg)) | (offered & (r < p_free))
        self.resp_score = np.where(to_ten, 10, s).astype(np.int8)
        self.resp_asked = asked
        self.resp_offered = offered

    # ---------------------------------------------------------------------------------------------------------------
    def _verbatims(self) -> None:
        rng = self.rng
        e = self.resp_event
        n = len(e)
        dealer = self.ev_dealer[e]
        onsite = self.inv_onsite[self.resp_inv]
        tone_score = np.where(onsite | self.inv_pushed[self.resp_inv], self.resp_score, self.resp_would_be)
        p_text = np.where(tone_score <= 6, 0.65, 0.5)
        has = rng.random(n) < p_text
        p_negative = np.select([tone_score <= 6, tone_score <= 8, tone_score == 9], [0.8, 0.3, 0.08], 0.03)
        tone = (rng.random(n) < p_negative).astype(np.int8)
        kind = np.where(rng.random(n) < 0.3, texts.SHORT, texts.COMPOSED).astype(np.int8)
        sz = texts.SIZES
        a = np.where(tone == 1, rng.integers(0, sz["open_neg"], n), rng.integers(0, sz["open_pos"], n))
        b = rng.integers(0, sz["detail_pos"], n)
        b2 = np.where(rng.random(n) < 0.5, -1, rng.integers(0, sz["detail_pos"], n))
        b2 = np.where(b2 == b, -1, b2)
        c = np.where(rng.random(n) < 0.5, -1, rng.integers(0, sz["close_pos"], n))
        short = np.where(tone == 1, rng.integers(0, sz["short_neg"], n), rng.integers(0, sz["short_pos"], n))
        a = np.where(kind == texts.SHORT, short, a)
        variant = rng.integers(0, 5, n)
        extra_family = np.full(n, -1, dtype=np.int8)
        extra = np.full(n, -1, dtype=np.int64)
        # A lone salesperson's remark at any dealer (rare), coaching phrases when begged, incentives when offered.
        remark = has & (rng.random(n) < 0.002)
        extra_family[remark] = texts.REMARK
        extra[remark] = rng.integers(0, sz["remark"], remark.sum())
        coach = has & self.resp_asked & (rng.random(n) < self.mention_rate)
        extra_family[coach] = texts.COACHING
        extra[coach] = rng.integers(0, sz["coaching"], coach.sum())
        offered = self.resp_offered
        incent = has & offered & (rng.random(n) < self.mention_rate)
        extra_family[incent] = texts.INCENTIVE
        extra[incent] = rng.integers(0, sz["incentive"], incent.sum())
        # Freebies: a dealer's suggested text copied by some; tablets: staff's two favourite phrases.
        dealer_template = rng.integers(0, sz["dealer_template"], self.D)
        copied = has & offered & ~incent & (rng.random(n) < 0.3)
        kind = np.where(copied, texts.DEALER_TEMPLATE, kind)
        a = np.where(copied, dealer_template[dealer], a)
        tone = np.where(copied, texts.POSITIVE, tone)
        favourites = rng.integers(0, sz["tablet"], (self.D, 2))
        tablet_text = onsite & (rng.random(n) < 0.6)
        has = np.where(onsite, tablet_text, has)
        kind = np.where(tablet_text, texts.TABLET_TEMPLATE, kind)
        a = np.where(tablet_text, favourites[dealer, rng.integers(0, 2, n)], a)
        tone = np.where(tablet_text, texts.POSITIVE, tone)
        extra_family = np.where(onsite, -1, extra_family)
        extra = np.where(onsite, -1, extra)
        kind = np.where(has, kind, texts.NONE)
        self.verbatim_parts = (kind, self.language[dealer], tone, a, b, b2, c, extra_family, extra, variant)
        self.resp_has_verbatim = has
        flags = texts.extra_flags()
        self.resp_incentive = has & (extra >= 0) & flags[self.language[dealer], np.maximum(extra_family, 0),
                                                         np.maximum(extra, 0)]
        self.resp_negative = has & (tone == texts.NEGATIVE)
        # Near-duplicate groups within a dealer: texts of at least four words that are the same once normalised
        # (case, punctuation); the short generic texts ("Perfect.") say nothing about who wrote them.
        key = np.full(n, -1, dtype=np.int64)
        composed = has & (kind == texts.COMPOSED)
        full = ((((((self.language[dealer].astype(np.int64) * 2 + tone) * 16 + a) * 16 + b) * 16 + (b2 + 1)) * 8
                 + (c + 1)) * 4 + (extra_family + 1)) * 8 + (extra + 1)
        key[composed] = full[composed]
        templ = has & ((kind == texts.DEALER_TEMPLATE) | (kind == texts.TABLET_TEMPLATE))
        key[templ] = -2 - (kind * 16 + a)[templ]
        valid = key != -1
        pair = dealer[valid].astype(np.int64) * (1 << 32) + (key[valid] + (1 << 31))
        _, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
        repeated = counts[inverse] >= 2
        group = np.full(n, -1, dtype=np.int64)
        dense = np.cumsum(counts >= 2) - 1
        group_valid = np.where(repeated, dense[inverse], -1)
        group[valid] = group_valid
        self.resp_template = group

    # ---------------------------------------------------------------------------------------------------------------
    def _frames(self) -> History:
        e_inv = self.inv_event
        ri = self.resp_inv
        e = self.resp_event
        dealer = self.ev_dealer[e]
        customer_used, cust_dense = np.unique(self.ev_customer[e], return_inverse=True)
        self.customer_used = customer_used
        contacts = self.inv_contact[ri]
        dealer_domain = np.isin(self.contact_kind[contacts], (3, 4))
        _, contact_dense = np.unique(contacts, return_inverse=True)
        _, device_dense = np.unique(self.resp_device, return_inverse=True)
        _, network_dense = np.unique(self.resp_network, return_inverse=True)
        unknown = self.resp_unknown_fp
        responses = Responses(
            response_id=np.arange(1, len(ri) + 1, dtype=np.int64),
            dealer=dealer,
            touchpoint=self.ev_tp[e],
            customer=cust_dense,
            day=self.resp_day,
            score=self.resp_score.astype(np.int8),
            seconds_to_answer=self.inv_delay[ri].astype(float),
            device=np.where(unknown, -1, device_dense),
            network=np.where(unknown, -1, network_dense),
            contact=contact_dense,
            contact_is_dealer_domain=dealer_domain,
            days_contact_changed_before_invite=self.inv_changed_days[ri],
            has_verbatim=self.resp_has_verbatim,
            incentive_language=self.resp_incentive,
            negative_text=self.resp_negative,
            template_group=self.resp_template,
        )
        invitations = Invitations(
            dealer=self.ev_dealer[e_inv],
            touchpoint=self.ev_tp[e_inv],
            day=(self.inv_sent // 86_400).astype(np.int64),
            answered=self.inv_answered,
            undeliverable=self.inv_undeliverable,
        )
        events = Events(dealer=self.ev_dealer, touchpoint=self.ev_tp, day=self.ev_day, invited=self.ev_invited)
        network = Network(
            dealer_names=list(self.names),
            dealer_market=self.market,
            dealer_region=self.region,
            market_names=list(self.market_names),
            region_names=list(self.region_names),
            touchpoint_names=list(TOUCHPOINTS),
            dealer_domains=list(self.domains),
            touchpoint_department=list(DEPARTMENTS),
        )
        return History(network, responses, invitations, events)

    def _honest_groups(self) -> dict[str, list[str]]:
        honest = self.scenario_of < 0
        responses = np.bincount(self.ev_dealer[self.resp_event], minlength=self.D) / (self.Q * self.T)
        groups = {
            "small dealers": honest & (responses < 30),
            "improving dealers": honest & self.improving,
            "quarter-end delivery peaks": honest & self.peak,
            "customer lounge Wi-Fi": honest & self.lounge,
            "fleet customers": honest & self.fleet,
        }
        for r, name in enumerate(self.region_names):
            groups[f"region {name}"] = honest & (self.region == r)
        return {name: [self.names[d] for d in np.flatnonzero(mask)] for name, mask in groups.items()}

    def _raw(self) -> RawRecords:
        ri = self.resp_inv
        cities = {"GB": "Leeds", "DE": "Köln", "FR": "Lyon", "AT": "Graz"}
        changed_second = self.inv_sent - self.inv_changed_days * 86_400
        return RawRecords(
            seed=self.seed,
            dealer_city=[cities[self.market_names[m]] for m in self.market],
            dealer_language=self.language,
            customer_dealer=self.cust_dealer,
            customer_kind=self.cust_kind,
            customer_contact=self.cust_contact,
            contact_kind=self.contact_kind,
            contact_owner=self.contact_owner,
            invitation_customer=self.ev_customer[self.inv_event],
            invitation_sent_second=self.inv_sent,
            invitation_contact=self.inv_contact,
            invitation_contact_changed_second=changed_second,
            response_invitation=ri,
            response_submitted_second=self.resp_submitted,
            verbatim=np.stack(self.verbatim_parts, axis=1).astype(np.int32),
        )
