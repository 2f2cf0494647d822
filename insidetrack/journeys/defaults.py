"""The default premium-car journey that head office starts from and then edits.

Kept as data (loaded by ``journey_create_default``) so that the product, the demo world and the tests all share one
definition. Needs are written from the customer's side: rational needs are what they must get done, emotional needs
are how they want to feel.
"""

from __future__ import annotations

STAGES: tuple[dict[str, str], ...] = (
    {"code": "choose", "name": "Choosing", "name_de": "Auswahl", "name_fr": "Choix"},
    {"code": "buy", "name": "Buying", "name_de": "Kauf", "name_fr": "Achat"},
    {"code": "delivery", "name": "Taking delivery", "name_de": "Übergabe", "name_fr": "Livraison"},
    {"code": "own", "name": "Owning", "name_de": "Besitz", "name_fr": "Possession"},
    {"code": "renew", "name": "Renewing", "name_de": "Erneuerung", "name_fr": "Renouvellement"},
)

TOUCHPOINTS: tuple[dict[str, object], ...] = (
    {
        "code": "enquiry", "stage": "choose", "department": "sales", "is_surveyed": False,
        "name": "Enquiry", "name_de": "Anfrage", "name_fr": "Demande",
        "rational": "A fast, informed answer to my question; a clear next step; prices and availability.",
        "emotional": "To feel welcome rather than processed; to be taken seriously before I have bought.",
    },
    {
        "code": "test_drive", "stage": "choose", "department": "sales", "is_surveyed": True,
        "name": "Test drive", "name_de": "Probefahrt", "name_fr": "Essai",
        "rational": "The right car, prepared and on time; enough time and a route that shows what it can do.",
        "emotional": "Excitement; confidence that this car suits my life; no pressure to sign.",
    },
    {
        "code": "deposit", "stage": "buy", "department": "sales", "is_surveyed": True,
        "name": "Deposit", "name_de": "Anzahlung", "name_fr": "Acompte",
        "rational": "A correct specification and order; a delivery date I can rely on; a clear receipt.",
        "emotional": "Pride in my decision; reassurance that I chose well and will be kept informed.",
    },
    {
        "code": "experience_event", "stage": "buy", "department": "events", "is_surveyed": True,
        "name": "Driving experience day", "name_de": "Fahrerlebnis-Tag", "name_fr": "Journée d'expérience",
        "rational": "Clear logistics; expert instruction; learning what my car can do safely.",
        "emotional": "Belonging to the brand; thrill; being treated as a guest while I wait for my car.",
    },
    {
        "code": "finance_paperwork", "stage": "buy", "department": "finance", "is_surveyed": True,
        "name": "Finance and paperwork", "name_de": "Finanzierung und Vertrag",
        "name_fr": "Financement et formalités",
        "rational": "Transparent terms and total cost; few forms; documents right first time.",
        "emotional": "Trust that nothing is hidden; not feeling rushed or upsold.",
    },
    {
        "code": "handover", "stage": "delivery", "department": "sales", "is_surveyed": True,
        "name": "Handover", "name_de": "Fahrzeugübergabe", "name_fr": "Remise du véhicule",
        "rational": "The car on the agreed day, clean and as ordered; features explained; phone paired.",
        "emotional": "A memorable moment, at the pace I want: quick, or a ceremony with family and photos.",
    },
    {
        "code": "first_service", "stage": "own", "department": "service", "is_surveyed": True,
        "name": "First service", "name_de": "Erste Inspektion", "name_fr": "Première révision",
        "rational": "Easy booking; done right first time; ready when promised; clear invoice.",
        "emotional": "Reassurance that the relationship continues after the sale.",
    },
    {
        "code": "service_visit", "stage": "own", "department": "aftersales", "is_surveyed": True,
        "name": "Service visit", "name_de": "Werkstattbesuch", "name_fr": "Passage à l'atelier",
        "rational": "Minimal disruption: a courtesy car, updates, the work explained, a fair price.",
        "emotional": "Being looked after; trusting the people who work on my car.",
    },
    {
        "code": "ownership_checkin", "stage": "own", "department": "aftersales", "is_surveyed": True,
        "name": "Ownership check-in", "name_de": "Besitzer-Check-in", "name_fr": "Point propriétaire",
        "rational": "Answers to questions that came up; tips to get more from the car.",
        "emotional": "Feeling remembered as an individual, not a sale.",
    },
    {
        "code": "repurchase", "stage": "renew", "department": "sales", "is_surveyed": True,
        "name": "Repurchase", "name_de": "Neukauf", "name_fr": "Rachat",
        "rational": "A fair trade-in value; recognition of my history; a smooth switch between cars.",
        "emotional": "Loyalty rewarded; excitement about the next car.",
    },
)

# The default premium-car customer-experience taxonomy: what feedback is about. Each theme lists the touchpoints
# where it is a plausible root cause (a case's root-cause list is its touchpoint's themes); the verbatim analysis
# classifies texts into the same themes, so "what went wrong" means the same thing in a case and on a dashboard.
THEMES: tuple[dict[str, object], ...] = (
    {"code": "sales_process", "name": "Sales process", "name_de": "Verkaufsprozess", "name_fr": "Processus de vente",
     "touchpoints": ("enquiry", "test_drive", "deposit", "repurchase")},
    {"code": "test_drive", "name": "Test drive", "name_de": "Probefahrt", "name_fr": "Essai",
     "touchpoints": ("test_drive",)},
    {"code": "handover_experience", "name": "Handover experience", "name_de": "Übergabeerlebnis",
     "name_fr": "Expérience de livraison", "touchpoints": ("handover",)},
    {"code": "finance_paperwork", "name": "Finance and paperwork", "name_de": "Finanzierung und Unterlagen",
     "name_fr": "Financement et formalités", "touchpoints": ("deposit", "finance_paperwork", "handover", "repurchase")},
    {"code": "waiting_time", "name": "Waiting time", "name_de": "Wartezeit", "name_fr": "Temps d'attente",
     "touchpoints": ("deposit", "handover", "first_service", "service_visit")},
    {"code": "courtesy_car", "name": "Courtesy or loan car", "name_de": "Ersatz- oder Leihwagen",
     "name_fr": "Véhicule de courtoisie", "touchpoints": ("first_service", "service_visit")},
    {"code": "communication", "name": "Communication and updates", "name_de": "Kommunikation und Updates",
     "name_fr": "Communication et suivi",
     "touchpoints": ("enquiry", "deposit", "finance_paperwork", "handover", "first_service", "service_visit",
                     "ownership_checkin", "experience_event")},
    {"code": "price_value", "name": "Price and value", "name_de": "Preis und Gegenwert", "name_fr": "Prix et valeur",
     "touchpoints": ("deposit", "finance_paperwork", "first_service", "service_visit", "repurchase")},
    {"code": "staff_attitude", "name": "Staff attitude", "name_de": "Verhalten der Mitarbeiter",
     "name_fr": "Attitude du personnel", "touchpoints": ()},
    {"code": "workmanship", "name": "Workmanship and repair quality", "name_de": "Arbeits- und Reparaturqualität",
     "name_fr": "Qualité des travaux", "touchpoints": ("first_service", "service_visit")},
    {"code": "vehicle_quality", "name": "Vehicle quality and defects", "name_de": "Fahrzeugqualität und Mängel",
     "name_fr": "Qualité du véhicule et défauts",
     "touchpoints": ("handover", "first_service", "service_visit", "ownership_checkin")},
    {"code": "facilities", "name": "Facilities and hospitality", "name_de": "Räumlichkeiten und Gastfreundschaft",
     "name_fr": "Locaux et accueil", "touchpoints": ("test_drive", "handover", "first_service", "service_visit")},
    {"code": "events", "name": "Events", "name_de": "Veranstaltungen", "name_fr": "Événements",
     "touchpoints": ("experience_event",)},
    {"code": "digital_app", "name": "Digital and app", "name_de": "Digitales und App", "name_fr": "Numérique et appli",
     "touchpoints": ("enquiry", "handover", "ownership_checkin")},
)
