"""Simulated dealer networks with known, injected survey gaming: the ground truth the detectors are tuned on."""

from insidetrack.integrity.simulation.network import (
    SCENARIOS,
    Episode,
    GroundTruth,
    RawRecords,
    Simulation,
    quarter_label,
    simulate,
    simulate_network,
)

__all__ = ["SCENARIOS", "Episode", "GroundTruth", "RawRecords", "Simulation", "quarter_label", "simulate",
           "simulate_network"]
