"""Small hand-built frames for the integrity tests: an honest background network plus the dealers a test adds.

The detectors compare a dealer with the network, so even a hand-built test needs a network: ``Builder`` makes
honest dealers (scores from one fixed distribution, answers hours after the invitation, one device and address per
customer) and lets a test append the rows of the dealer it is about, then freezes everything into a ``History``.
"""

from __future__ import annotations

import numpy as np

from insidetrack.integrity.policies.frames import Events, History, Invitations, Network, Responses

Q0_DAY = int(np.datetime64("2025-01-01", "D").astype(np.int64))   # 2025Q1
QUARTER_DAYS = (90, 91, 92, 92, 90, 91, 92, 92)                      # 2025Q1..2026Q4
HONEST_SCORES = np.array([1, .5, .5, 1, 1, 2, 3, 8, 15, 18, 50]) / 100.0


def quarter_start(k: int) -> int:
    return Q0_DAY + sum(QUARTER_DAYS[:k])


class Builder:
    """Collects rows; ``honest`` dealers get background data, a test adds its own rows with ``add_*``."""

    def __init__(self, dealers: int, touchpoints: int = 1, seed: int = 0,
                 departments: list[str] | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.D, self.T = dealers, touchpoints
        self.departments = departments
        self.r: dict[str, list] = {k: [] for k in (
            "dealer", "touchpoint", "customer", "day", "score", "seconds", "device", "network", "contact",
            "domain", "changed", "has_verbatim", "incentive", "negative", "template")}
        self.i: dict[str, list] = {k: [] for k in ("dealer", "touchpoint", "day", "answered", "undeliverable")}
        self.e: dict[str, list] = {k: [] for k in ("dealer", "touchpoint", "day", "invited")}
        self.next_id = 0

    def _ids(self, n: int) -> np.ndarray:
        ids = np.arange(self.next_id, self.next_id + n)
        self.next_id += n
        return ids

    def add_responses(self, dealer: int, quarter: int, scores, *, touchpoint: int = 0, days=None, seconds=None,
                      device=None, network=None, contact=None, domain=False, changed=np.nan, has_verbatim=None,
                      incentive=False, negative=None, template=-1, invite: bool = True) -> None:
        """Responses of one dealer in one quarter (and, by default, their invitations and events)."""
        scores = np.asarray(scores, dtype=np.int8)
        n = len(scores)
        rng = self.rng
        start = quarter_start(quarter)
        if days is None:
            days = start + rng.integers(0, QUARTER_DAYS[quarter] - 3, n)
        ids = self._ids(n)
        cols = {
            "dealer": np.full(n, dealer), "touchpoint": np.full(n, touchpoint), "customer": ids,
            "day": np.asarray(days), "score": scores,
            "seconds": np.exp(rng.normal(np.log(5 * 3600), 1.0, n)) if seconds is None else seconds,
            "device": ids if device is None else device, "network": ids if network is None else network,
            "contact": ids if contact is None else contact, "domain": domain, "changed": changed,
            "has_verbatim": rng.random(n) < 0.5 if has_verbatim is None else has_verbatim,
            "incentive": incentive,
            "negative": (rng.random(n) < np.where(scores <= 6, 0.8, 0.03)) if negative is None else negative,
            "template": template,
        }
        for key, value in cols.items():
            self.r[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())
        if invite:
            self.add_invitations(dealer, quarter, np.asarray(days), answered=True, touchpoint=touchpoint)

    def add_invitations(self, dealer: int, quarter: int, days, *, answered: bool = False, touchpoint: int = 0,
                        undeliverable: bool = False, invited: bool = True) -> None:
        days = np.asarray(days)
        n = len(days)
        for key, value in (("dealer", dealer), ("touchpoint", touchpoint), ("day", days), ("answered", answered),
                           ("undeliverable", undeliverable)):
            self.i[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())
        for key, value in (("dealer", dealer), ("touchpoint", touchpoint), ("day", days), ("invited", invited)):
            self.e[key].append(np.broadcast_to(np.asarray(value), (n,)).copy())

    def honest(self, dealers, quarters=(0, 1, 2, 3), n: int = 60, response_rate: float = 0.35) -> None:
        """Background dealers: ``n`` responses per quarter from one score distribution, uniform days."""
        for d in dealers:
            for k in quarters:
                for t in range(self.T):
                    scores = self.rng.choice(11, size=n, p=HONEST_SCORES)
                    self.add_responses(d, k, scores, touchpoint=t)
                    unanswered = int(n * (1 - response_rate) / response_rate)
                    days = quarter_start(k) + self.rng.integers(0, QUARTER_DAYS[k], unanswered)
                    self.add_invitations(d, k, days, touchpoint=t)

    def history(self) -> History:
        r = {k: np.concatenate(v) if v else np.zeros(0) for k, v in self.r.items()}
        i = {k: np.concatenate(v) if v else np.zeros(0) for k, v in self.i.items()}
        e = {k: np.concatenate(v) if v else np.zeros(0) for k, v in self.e.items()}
        network = Network(
            dealer_names=[f"D{d:03d}" for d in range(self.D)],
            dealer_market=np.zeros(self.D, dtype=np.int64), dealer_region=np.zeros(self.D, dtype=np.int64),
            market_names=["GB"], region_names=["UK"], touchpoint_names=[f"tp{t}" for t in range(self.T)],
            dealer_domains=[frozenset({f"d{d:03d}.example"}) for d in range(self.D)],
            touchpoint_department=self.departments)
        responses = Responses(
            response_id=np.arange(1, len(r["dealer"]) + 1, dtype=np.int64), dealer=r["dealer"].astype(np.int64),
            touchpoint=r["touchpoint"].astype(np.int64), customer=r["customer"].astype(np.int64),
            day=r["day"].astype(np.int64), score=r["score"].astype(np.int8),
            seconds_to_answer=r["seconds"].astype(float), device=r["device"].astype(np.int64),
            network=r["network"].astype(np.int64), contact=r["contact"].astype(np.int64),
            contact_is_dealer_domain=r["domain"].astype(bool),
            days_contact_changed_before_invite=r["changed"].astype(float),
            has_verbatim=r["has_verbatim"].astype(bool), incentive_language=r["incentive"].astype(bool),
            negative_text=r["negative"].astype(bool), template_group=r["template"].astype(np.int64))
        invitations = Invitations(dealer=i["dealer"].astype(np.int64), touchpoint=i["touchpoint"].astype(np.int64),
                                  day=i["day"].astype(np.int64), answered=i["answered"].astype(bool),
                                  undeliverable=i["undeliverable"].astype(bool))
        events = Events(dealer=e["dealer"].astype(np.int64), touchpoint=e["touchpoint"].astype(np.int64),
                        day=e["day"].astype(np.int64), invited=e["invited"].astype(bool))
        return History(network, responses, invitations, events)
