"""Default connected-car rules head office starts from, in three languages, with ``{placeholders}`` for the reading.

Thresholds follow common workshop advice: a passenger-car tyre below about 200 kPa (2.0 bar) is soft, a spread of
more than 30 kPa between wheels is worth checking, a resting 12 V battery below 12.2 V is about half charged and
below 11.8 V may not start the car.
"""

from __future__ import annotations

from decimal import Decimal

# The ``{wheel}`` placeholder, written to fit the rule texts ("the {wheel} tyre", "Der Reifen {wheel}").
WHEEL_NAMES: dict[str, dict[str, str]] = {
    "en": {"front_left": "front left", "front_right": "front right", "rear_left": "rear left",
           "rear_right": "rear right"},
    "de": {"front_left": "vorne links", "front_right": "vorne rechts", "rear_left": "hinten links",
           "rear_right": "hinten rechts"},
    "fr": {"front_left": "avant gauche", "front_right": "avant droit", "rear_left": "arrière gauche",
           "rear_right": "arrière droit"},
}

RULES: tuple[dict[str, object], ...] = (
    {
        "name": "Serious fault", "condition": "fault_severity", "severity": "serious", "kind": "alert",
        "opens_case": True, "is_safety": True, "cooldown_days": 3,
        "title": "Your {model} reported a fault ({code})",
        "title_de": "Ihr {model} hat einen Fehler gemeldet ({code})",
        "title_fr": "Votre {model} a signalé un défaut ({code})",
        "message": "Your car reported fault {code}, which needs attention soon. Your dealer has been told and will "
                   "contact you to arrange a check. If a warning light is red, please stop safely and call "
                   "roadside assistance.",
        "message_de": "Ihr Fahrzeug hat den Fehler {code} gemeldet, der bald geprüft werden sollte. Ihr Händler "
                      "ist informiert und meldet sich, um einen Termin zu vereinbaren. Leuchtet eine Warnleuchte "
                      "rot, halten Sie bitte sicher an und rufen Sie die Pannenhilfe.",
        "message_fr": "Votre véhicule a signalé le défaut {code}, qui doit être vérifié rapidement. Votre "
                      "concessionnaire est prévenu et vous contactera pour convenir d'un rendez-vous. Si un voyant "
                      "s'allume en rouge, arrêtez-vous en sécurité et appelez l'assistance.",
    },
    {
        "name": "Service due soon", "condition": "service_days", "threshold": Decimal(14), "kind": "alert",
        "cooldown_days": 14,
        "title": "Time to book a service", "title_de": "Zeit für einen Servicetermin",
        "title_fr": "Il est temps de réserver un entretien",
        "message": "Your {model} is due for its service in {days} days. Book a visit with your dealer now to "
                   "choose a time that suits you.",
        "message_de": "Ihr {model} ist in {days} Tagen zum Service fällig. Vereinbaren Sie jetzt einen Termin bei "
                      "Ihrem Händler, damit Sie sich die passende Zeit aussuchen können.",
        "message_fr": "L'entretien de votre {model} est prévu dans {days} jours. Prenez rendez-vous dès "
                      "maintenant chez votre concessionnaire pour choisir le créneau qui vous convient.",
    },
    {
        "name": "Tyre pressure low", "condition": "tyre_low", "threshold": Decimal(200), "kind": "alert",
        "is_safety": True, "cooldown_days": 2,
        "title": "Check your tyre pressure", "title_de": "Bitte prüfen Sie den Reifendruck",
        "title_fr": "Vérifiez la pression de vos pneus",
        "message": "The {wheel} tyre is at {value} kPa, below the {threshold} kPa it should have. Please check "
                   "and inflate it at the next filling station, and look for a puncture if it drops again.",
        "message_de": "Der Reifen {wheel} hat nur {value} kPa, weniger als die vorgesehenen {threshold} kPa. "
                      "Bitte prüfen und füllen Sie ihn an der nächsten Tankstelle auf und lassen Sie ihn auf "
                      "einen Schaden prüfen, falls der Druck erneut sinkt.",
        "message_fr": "Le pneu {wheel} est à {value} kPa, en dessous des {threshold} kPa recommandés. Vérifiez-le "
                      "et regonflez-le à la prochaine station-service, et faites-le contrôler s'il perd de nouveau "
                      "de la pression.",
    },
    {
        "name": "Tyre pressures uneven", "condition": "tyre_spread", "threshold": Decimal(30), "kind": "alert",
        "cooldown_days": 7,
        "title": "Your tyre pressures are uneven", "title_de": "Ungleicher Reifendruck",
        "title_fr": "Pression des pneus inégale",
        "message": "Your tyre pressures differ by {value} kPa, the {wheel} tyre being the lowest. Even pressures "
                   "keep the car stable and the tyres wearing evenly.",
        "message_de": "Ihre Reifendrücke unterscheiden sich um {value} kPa, am niedrigsten ist der Reifen "
                      "{wheel}. Gleichmäßiger Druck hält das Fahrzeug stabil und die Reifen nutzen sich "
                      "gleichmäßig ab.",
        "message_fr": "La pression de vos pneus varie de {value} kPa, le pneu {wheel} étant le plus bas. Une "
                      "pression égale garde la voiture stable et les pneus s'usent régulièrement.",
    },
    {
        "name": "12 V battery weak", "condition": "battery_voltage", "threshold": Decimal("11.8"), "kind": "alert",
        "opens_case": True, "cooldown_days": 7,
        "title": "Your battery is running low", "title_de": "Ihre Batterie ist schwach",
        "title_fr": "Votre batterie est faible",
        "message": "Your car's 12 V battery measured {value} V, low enough that the car may not start. A longer "
                   "drive recharges it; your dealer has been told and can test it for you.",
        "message_de": "Die 12-V-Batterie Ihres Fahrzeugs hatte nur {value} V; das kann für einen Start zu wenig "
                      "sein. Eine längere Fahrt lädt sie wieder auf; Ihr Händler ist informiert und kann sie für "
                      "Sie prüfen.",
        "message_fr": "La batterie 12 V de votre véhicule affichait {value} V, ce qui peut être trop faible pour "
                      "démarrer. Un trajet plus long la recharge ; votre concessionnaire est prévenu et peut la "
                      "tester pour vous.",
    },
    {
        "name": "Warm up before high revs", "condition": "cold_revs", "threshold": Decimal(3), "kind": "tip",
        "cooldown_days": 30,
        "title": "A tip: let the engine warm up", "title_de": "Ein Tipp: den Motor warm fahren",
        "title_fr": "Un conseil : laissez le moteur chauffer",
        "message": "Your car recorded {value} high-rev starts with a cold engine. Driving gently for the first few "
                   "kilometres, until the oil is warm, greatly reduces engine wear.",
        "message_de": "Ihr Fahrzeug hat {value}-mal hohe Drehzahlen bei kaltem Motor verzeichnet. Wenn Sie die "
                      "ersten Kilometer sanft fahren, bis das Öl warm ist, verschleißt der Motor deutlich weniger.",
        "message_fr": "Votre véhicule a enregistré {value} montées en régime moteur froid. Rouler en douceur les "
                      "premiers kilomètres, le temps que l'huile chauffe, réduit nettement l'usure du moteur.",
    },
    {
        "name": "Anticipate to brake gently", "condition": "harsh_braking", "threshold": Decimal(5), "kind": "tip",
        "cooldown_days": 30,
        "title": "A tip: anticipate to brake gently", "title_de": "Ein Tipp: vorausschauend bremsen",
        "title_fr": "Un conseil : anticipez pour freiner en douceur",
        "message": "Your car recorded {value} harsh stops per 100 km recently. Looking further ahead and easing "
                   "off early saves brake pads and discs, and fuel too.",
        "message_de": "Ihr Fahrzeug hat zuletzt {value} starke Bremsungen pro 100 km verzeichnet. Wer weiter "
                      "vorausschaut und früher vom Gas geht, schont Bremsbeläge und -scheiben und spart Kraftstoff.",
        "message_fr": "Votre véhicule a enregistré récemment {value} freinages brusques aux 100 km. Regarder plus "
                      "loin et lever le pied plus tôt ménage plaquettes et disques, et économise du carburant.",
    },
    {
        "name": "Combine short trips", "condition": "short_trips", "threshold": Decimal(20), "kind": "tip",
        "cooldown_days": 30,
        "title": "A tip: combine short trips", "title_de": "Ein Tipp: kurze Fahrten bündeln",
        "title_fr": "Un conseil : regroupez les petits trajets",
        "message": "Your car made {value} short trips recently. An engine that rarely warms up wears faster and "
                   "drains the battery; combining errands into one longer drive helps both.",
        "message_de": "Ihr Fahrzeug hat zuletzt {value} Kurzstrecken zurückgelegt. Ein Motor, der selten warm "
                      "wird, verschleißt schneller und belastet die Batterie; mehrere Erledigungen in einer "
                      "längeren Fahrt helfen beiden.",
        "message_fr": "Votre véhicule a effectué récemment {value} petits trajets. Un moteur qui chauffe rarement "
                      "s'use plus vite et décharge la batterie ; regrouper vos courses en un seul trajet plus long "
                      "aide les deux.",
    },
)
