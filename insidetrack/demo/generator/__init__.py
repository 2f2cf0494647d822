"""The demo-world generator: a realistic, deterministic brand network with customers, journeys and survey answers.

``generate()`` writes the world (with planted gaming schemes and an emerging problem as ground truth),
``create_demo_users()`` adds one sign-in per role, ``reset_demo_world()`` removes it again. ``insidetrack demo``
wires the three together and has the verbatims analysed.
"""

from .reset import reset_demo_world
from .users import DEMO_PASSWORD, DemoSignIn, create_demo_users, demo_dealer
from .world import (
    GenerationError,
    GenerationReport,
    PlantedDealer,
    PlantedEmergingProblem,
    demo_world_exists,
    generate,
)

__all__ = [
    "DEMO_PASSWORD",
    "DemoSignIn",
    "GenerationError",
    "GenerationReport",
    "PlantedDealer",
    "PlantedEmergingProblem",
    "create_demo_users",
    "demo_dealer",
    "demo_world_exists",
    "generate",
    "reset_demo_world",
]
