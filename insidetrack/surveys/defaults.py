"""The survey set-up a brand starts from: which event triggers which survey, and how often an owner may be asked.

Data, not code paths: ``survey_setup`` loads it once and head office edits the rows afterwards in the admin.
"""

from __future__ import annotations

from typing import Any

MIN_DAYS_BETWEEN_SURVEYS = 30

# Event kind → (touchpoint code, delay in hours). A service event is re-routed to "first_service" by the policy
# when the vehicle (or, without a VIN, the customer) has no earlier service. Enquiries are not surveyed: a prospect
# who asked one question has not yet had an experience worth scoring.
RULES: tuple[dict[str, Any], ...] = (
    {"event_kind": "test_drive", "touchpoint": "test_drive", "delay_hours": 0},
    {"event_kind": "deposit_taken", "touchpoint": "deposit", "delay_hours": 0},
    {"event_kind": "experience_attended", "touchpoint": "experience_event", "delay_hours": 0},
    {"event_kind": "finance_signed", "touchpoint": "finance_paperwork", "delay_hours": 0},
    # Three days after handover the owner has lived with the car but still remembers the day.
    {"event_kind": "handover", "touchpoint": "handover", "delay_hours": 72},
    {"event_kind": "service_completed", "touchpoint": "service_visit", "delay_hours": 0},
    {"event_kind": "ownership_anniversary", "touchpoint": "ownership_checkin", "delay_hours": 0},
    {"event_kind": "repurchase", "touchpoint": "repurchase", "delay_hours": 0},
)

# Where an event goes when no rule exists for its kind (it is still recorded, and its invitation skipped).
EVENT_TOUCHPOINTS: dict[str, str] = {"enquiry": "enquiry", **{r["event_kind"]: r["touchpoint"] for r in RULES}}

QUESTIONS: dict[str, list[dict[str, Any]]] = {
    "handover": [
        {"code": "features_explained", "kind": "yes_no",
         "text": {"en": "Were the features of your car explained to you?",
                  "de": "Wurden Ihnen die Funktionen Ihres Fahrzeugs erklärt?",
                  "fr": "Les fonctions de votre véhicule vous ont-elles été expliquées ?"}},
        {"code": "handover_as_wished", "kind": "scale_1_5",
         "text": {"en": "How well did the handover match the way you wanted it?",
                  "de": "Wie gut entsprach die Übergabe Ihren Wünschen?",
                  "fr": "La remise du véhicule a-t-elle répondu à vos souhaits ?"}},
    ],
    "service_completed": [
        {"code": "ready_as_promised", "kind": "yes_no",
         "text": {"en": "Was your car ready when promised?",
                  "de": "War Ihr Fahrzeug zum zugesagten Zeitpunkt fertig?",
                  "fr": "Votre véhicule était-il prêt à l'heure promise ?"}},
        {"code": "work_explained", "kind": "scale_1_5",
         "text": {"en": "How clearly was the work and its cost explained?",
                  "de": "Wie verständlich wurden die Arbeiten und ihre Kosten erklärt?",
                  "fr": "Les travaux et leur coût vous ont-ils été clairement expliqués ?"}},
    ],
}
