"""The simulated history written as the import CSVs, read back with the csv module."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest

from insidetrack.integrity.simulation import simulate_network
from insidetrack.integrity.simulation.writer import write_history
from insidetrack.verbatims.nlp.flags import detect_flags

HEX64 = re.compile(r"^[0-9a-f]{64}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    sim = simulate_network(5, dealers=12, quarters=2, gamed_share=0.5, size_scale=0.3, keep_raw=True)
    folder = tmp_path_factory.mktemp("history")
    counts = write_history(sim, folder)
    return sim, folder, counts


def test_files_rows_and_references(written):
    sim, folder, counts = written
    dealers, customers = _read(folder / "dealers.csv"), _read(folder / "customers.csv")
    invitations, responses = _read(folder / "invitations.csv"), _read(folder / "responses.csv")
    assert len(dealers) == 12 and len(responses) == len(sim.history.responses.dealer) == counts["responses.csv"]
    assert len(invitations) == len(sim.history.invitations.dealer)
    customer_refs = {c["ref"] for c in customers}
    assert all(i["customer_ref"] in customer_refs for i in invitations)
    by_ref = {i["ref"]: i for i in invitations}
    for row in responses:
        invitation = by_ref[row["invitation_ref"]]
        assert invitation["delivery_status"] == "delivered"
        assert TIME.match(row["submitted_at"]) and row["submitted_at"] >= invitation["sent_at"]
        assert 0 <= int(row["score"]) <= 10
        for column in ("network_fingerprint", "device_fingerprint"):
            assert row[column] == "" or HEX64.match(row[column])
    assert {i["delivery_status"] for i in invitations} <= {"delivered", "bounced", "invalid"}
    assert sorted(int(r["score"]) for r in responses) == sorted(sim.history.responses.score.tolist())


def test_ground_truth_file(written):
    sim, folder, _ = written
    rows = _read(folder / "ground_truth.csv")
    assert len(rows) == len(sim.truth.episodes) > 0
    assert all(re.match(r"^\d{4}Q[1-4]$", r["first_quarter"]) for r in rows)
    assert {r["scenario"] for r in rows} <= {"score_begging", "quarter_end_push", "freebies", "tablet"}


def test_verbatims_carry_the_flags_the_product_finds(written):
    sim, folder, _ = written
    responses = _read(folder / "responses.csv")
    r = sim.history.responses
    texts_written = [row["verbatim"] for row in responses]
    assert all(bool(t) == bool(h) for t, h in zip(texts_written, r.has_verbatim, strict=True))
    flagged = np.array([bool(t) and detect_flags(t, row["language"]).is_incentive
                        for t, row in zip(texts_written, responses, strict=True)])
    np.testing.assert_array_equal(flagged, r.incentive_language)


def test_substituted_contacts_are_staff_addresses_at_the_dealer(written):
    sim, folder, _ = written
    customers = _read(folder / "customers.csv")
    staff = [c for c in customers if re.match(r"^(sales|service|reception)@", c["email"])]
    if any(e.scenario == "tablet" for e in sim.truth.episodes):
        assert staff
    for c in staff:
        assert c["email"].endswith(f"@{c['dealer_code'].lower()}.example")
        assert TIME.match(c["contact_updated_at"])
