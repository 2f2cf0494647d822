"""The fixed facts of the demo world: regions, dealer sites, the model line-up, and the shape of scores.

Plain data, kept apart from the engine so that the story the demo tells (who sells where, what a premium programme's
scores look like) can be read and tuned without reading the generator.
"""

from __future__ import annotations

from dataclasses import dataclass

# Dutch is not among the platform's languages yet (settings.LANGUAGES, the phrase banks), so Dutch-speaking dealers
# survey in English, which their customers read fluently; their names still come from Dutch locales.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr")


@dataclass(frozen=True, slots=True)
class RegionSpec:
    """A sales region of the network."""

    code: str
    name: str


REGIONS: tuple[RegionSpec, ...] = (
    RegionSpec("UKI", "UK & Ireland"),
    RegionSpec("DEN", "Germany North"),
    RegionSpec("DES", "Germany South"),
    RegionSpec("FRA", "France"),
    RegionSpec("BNL", "Benelux"),
    RegionSpec("CHA", "Switzerland & Austria"),
)


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One dealer site: where it is, which language it works in and which Faker locale its customers' names use."""

    region: str
    code: str
    city: str
    country: str
    language: str
    locale: str


def _sites(region: str, country: str, language: str, locale: str, *cities: tuple[str, str]) -> list[SiteSpec]:
    return [SiteSpec(region, f"{country}-{code}", city, country, language, locale) for code, city in cities]


SITES: tuple[SiteSpec, ...] = (
    *_sites("UKI", "GB", "en", "en_GB",
            ("LMF", "London Mayfair"), ("LCH", "London Chelsea"), ("MAN", "Manchester"), ("BHM", "Birmingham"),
            ("LDS", "Leeds"), ("GLA", "Glasgow"), ("EDI", "Edinburgh"), ("BRS", "Bristol"), ("CDF", "Cardiff"),
            ("NCL", "Newcastle"), ("LPL", "Liverpool"), ("NOT", "Nottingham"), ("CAM", "Cambridge"),
            ("RDG", "Reading"), ("GLD", "Guildford"), ("BTN", "Brighton"), ("BFS", "Belfast"),
            ("SOU", "Southampton")),
    *_sites("UKI", "IE", "en", "en_IE", ("DUB", "Dublin"), ("ORK", "Cork")),
    *_sites("DEN", "DE", "de", "de_DE",
            ("HAM", "Hamburg"), ("BER", "Berlin Mitte"), ("BCH", "Berlin-Charlottenburg"), ("BRE", "Bremen"),
            ("HAJ", "Hannover"), ("DUS", "Düsseldorf"), ("CGN", "Köln"), ("DTM", "Dortmund"), ("ESS", "Essen"),
            ("MST", "Münster"), ("KEL", "Kiel"), ("LEJ", "Leipzig"), ("DRS", "Dresden"), ("BFE", "Bielefeld")),
    *_sites("DES", "DE", "de", "de_DE",
            ("MUC", "München"), ("STR", "Stuttgart"), ("FRA", "Frankfurt am Main"), ("NUE", "Nürnberg"),
            ("AGB", "Augsburg"), ("RGB", "Regensburg"), ("FRB", "Freiburg im Breisgau"), ("KAE", "Karlsruhe"),
            ("MHG", "Mannheim"), ("ULM", "Ulm"), ("WIB", "Wiesbaden"), ("IGS", "Ingolstadt")),
    *_sites("FRA", "FR", "fr", "fr_FR",
            ("PAR", "Paris Étoile"), ("NEU", "Neuilly-sur-Seine"), ("LYS", "Lyon"), ("MRS", "Marseille"),
            ("NCE", "Nice"), ("TLS", "Toulouse"), ("BOD", "Bordeaux"), ("NTE", "Nantes"), ("LIL", "Lille"),
            ("SXB", "Strasbourg"), ("MPL", "Montpellier"), ("RNS", "Rennes"), ("CEQ", "Cannes")),
    *_sites("BNL", "BE", "fr", "fr_BE", ("BRU", "Bruxelles"), ("WAT", "Waterloo"), ("LGG", "Liège")),
    *_sites("BNL", "BE", "en", "nl_BE", ("ANR", "Antwerpen"), ("GNE", "Gent")),
    *_sites("BNL", "LU", "fr", "fr_FR", ("LUX", "Luxembourg")),
    *_sites("BNL", "NL", "en", "nl_NL",
            ("AMS", "Amsterdam"), ("RTM", "Rotterdam"), ("DHG", "Den Haag"), ("UTC", "Utrecht")),
    *_sites("CHA", "CH", "de", "de_CH",
            ("ZRH", "Zürich"), ("BSL", "Basel"), ("BRN", "Bern"), ("LUZ", "Luzern"), ("SGL", "St. Gallen")),
    *_sites("CHA", "CH", "fr", "fr_CH", ("GVA", "Genève"), ("LSN", "Lausanne")),
    *_sites("CHA", "AT", "de", "de_AT",
            ("VIE", "Wien"), ("GRZ", "Graz"), ("SZG", "Salzburg"), ("LNZ", "Linz")),
)

# The dealer the demo sign-ins belong to: a mid-sized, honest dealer whose data is in English.
DEMO_DEALER_CODE = "GB-MAN"

# Suffixes that tell apart a second site in the same city once the network grows past the list above (scale > 10).
EXTRA_SITE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "en": ("North", "South", "East", "West", "Central"),
    "de": ("Nord", "Süd", "Ost", "West", "Zentrum"),
    "fr": ("Nord", "Sud", "Est", "Ouest", "Centre"),
}

TIME_ZONES: dict[str, str] = {
    "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin", "FR": "Europe/Paris",
    "BE": "Europe/Brussels", "LU": "Europe/Luxembourg", "NL": "Europe/Amsterdam", "CH": "Europe/Zurich",
    "AT": "Europe/Vienna",
}

DOMAIN_SUFFIX: dict[str, str] = {
    "GB": "co.uk", "IE": "ie", "DE": "de", "FR": "fr", "BE": "be", "LU": "lu", "NL": "nl", "CH": "ch", "AT": "at",
}

# Opening hours per country (weekday -> intervals); showrooms keep local habits, which the SLA clocks must respect.
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def _hours(weekday: list[list[str]], saturday: list[list[str]], sunday: list[list[str]] | None = None,
           monday: list[list[str]] | None = None) -> dict[str, list[list[str]]]:
    hours = {day: weekday for day in _WEEKDAYS}
    if monday is not None:
        hours["mon"] = monday
    hours["sat"] = saturday
    hours["sun"] = sunday or []
    return hours


OPENING_HOURS: dict[str, dict[str, list[list[str]]]] = {
    "GB": _hours([["08:30", "18:00"]], [["09:00", "17:00"]]),
    "GB_SUNDAY": _hours([["08:30", "18:00"]], [["09:00", "17:00"]], [["11:00", "16:00"]]),
    "IE": _hours([["09:00", "18:00"]], [["09:00", "17:00"]]),
    "DE": _hours([["08:00", "18:00"]], [["09:00", "14:00"]]),
    "AT": _hours([["08:00", "18:00"]], [["09:00", "13:00"]]),
    "FR": _hours([["09:00", "12:30"], ["14:00", "19:00"]], [["09:00", "18:00"]], monday=[["14:00", "19:00"]]),
    "BE": _hours([["09:00", "18:00"]], [["10:00", "17:00"]]),
    "LU": _hours([["08:30", "18:00"]], [["09:00", "16:00"]]),
    "NL": _hours([["09:00", "18:00"]], [["10:00", "17:00"]]),
    "CH": _hours([["07:30", "12:00"], ["13:30", "18:30"]], [["09:00", "16:00"]]),
}

# Where private customers keep their mailbox, weighted; contact substitution shows up against this background.
EMAIL_DOMAINS: dict[str, tuple[tuple[str, int], ...]] = {
    "GB": (("gmail.com", 30), ("outlook.com", 12), ("hotmail.co.uk", 12), ("icloud.com", 12), ("btinternet.com", 8),
           ("yahoo.co.uk", 6), ("sky.com", 5), ("me.com", 4)),
    "IE": (("gmail.com", 35), ("eircom.net", 12), ("outlook.com", 15), ("icloud.com", 12), ("hotmail.com", 10)),
    "DE": (("gmail.com", 20), ("web.de", 20), ("gmx.de", 20), ("t-online.de", 15), ("icloud.com", 8),
           ("outlook.de", 6), ("posteo.de", 3)),
    "AT": (("gmx.at", 25), ("gmail.com", 25), ("aon.at", 15), ("icloud.com", 10), ("chello.at", 8)),
    "CH": (("bluewin.ch", 30), ("gmail.com", 25), ("gmx.ch", 12), ("icloud.com", 12), ("sunrise.ch", 8),
           ("hispeed.ch", 5)),
    "FR": (("gmail.com", 30), ("orange.fr", 18), ("free.fr", 12), ("wanadoo.fr", 8), ("sfr.fr", 8),
           ("laposte.net", 6), ("icloud.com", 8), ("hotmail.fr", 8)),
    "BE": (("gmail.com", 30), ("skynet.be", 15), ("telenet.be", 15), ("outlook.com", 10), ("proximus.be", 8),
           ("hotmail.com", 8)),
    "NL": (("gmail.com", 30), ("ziggo.nl", 15), ("kpnmail.nl", 12), ("hotmail.com", 12), ("outlook.com", 10),
           ("icloud.com", 8)),
    "LU": (("pt.lu", 25), ("gmail.com", 30), ("internet.lu", 10), ("icloud.com", 10)),
}

# (country calling code, mobile prefix, digits after the prefix)
PHONE_FORMATS: dict[str, tuple[str, str, int]] = {
    "GB": ("+44", "7700 9", 5), "IE": ("+353", "87 ", 7), "DE": ("+49", "151 ", 8), "AT": ("+43", "664 ", 7),
    "CH": ("+41", "79 ", 7), "FR": ("+33", "6 ", 8), "BE": ("+32", "470 ", 6), "NL": ("+31", "6 ", 8),
    "LU": ("+352", "621 ", 6),
}

# Expats: customers whose language is not the dealer's. (Faker locale, language)
EXPAT_PROFILES: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("de_DE", "de"), ("fr_FR", "fr"), ("en_US", "en")),
    "de": (("en_GB", "en"), ("en_US", "en"), ("fr_FR", "fr")),
    "fr": (("en_GB", "en"), ("de_DE", "de"), ("en_US", "en")),
}


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A car in the brand's line-up."""

    name: str
    body: str
    vin_code: str
    weight: float
    powertrains: tuple[tuple[str, float], ...]
    launched: int  # first model year


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec("Vela", "saloon", "V", 0.24, (("petrol", 0.35), ("diesel", 0.15), ("plug_in_hybrid", 0.5)), 2014),
    ModelSpec("Strada", "SUV", "S", 0.32,
              (("petrol", 0.3), ("diesel", 0.15), ("hybrid", 0.25), ("plug_in_hybrid", 0.3)), 2016),
    ModelSpec("Corsa", "sports coupé", "C", 0.12, (("petrol", 1.0),), 2012),
    ModelSpec("Volta", "EV", "E", 0.18, (("electric", 1.0),), 2022),
    ModelSpec("Grande", "large SUV", "G", 0.14, (("petrol", 0.35), ("plug_in_hybrid", 0.45), ("diesel", 0.2)), 2018),
)

# Households tilt the choice of car; the tilt multiplies ModelSpec.weight.
MODEL_TILT_BY_HOUSEHOLD: dict[str, dict[str, float]] = {
    "family": {"Strada": 1.6, "Grande": 2.0, "Corsa": 0.3},
    "single": {"Corsa": 2.2, "Vela": 1.3, "Grande": 0.4},
    "couple": {"Vela": 1.2, "Corsa": 1.3},
    "": {},
}

USAGE_TAGS: tuple[str, ...] = ("family", "weekend", "track", "commute", "business")
INTERESTS: tuple[str, ...] = (
    "golf", "sailing", "motorsport", "skiing", "design", "technology", "wine", "travel", "art", "tennis", "cycling",
    "photography", "architecture", "watches", "classical music", "hiking",
)

# Surveyed touchpoints with their latent score shape (promoters, passives, detractors) and base response rate.
# Premium programmes: delight peaks at experience days and handovers, dips at the workshop and at the finance desk.
SCORE_SHAPES: dict[str, tuple[float, float, float]] = {
    "test_drive": (0.68, 0.25, 0.07),
    "deposit": (0.72, 0.23, 0.05),
    "experience_event": (0.88, 0.10, 0.02),
    "finance_paperwork": (0.62, 0.28, 0.10),
    "handover": (0.78, 0.17, 0.05),
    "first_service": (0.66, 0.24, 0.10),
    "service_visit": (0.62, 0.25, 0.13),
    "ownership_checkin": (0.63, 0.27, 0.10),
    "repurchase": (0.70, 0.22, 0.08),
}

RESPONSE_RATES: dict[str, float] = {
    "test_drive": 0.22,
    "deposit": 0.31,
    "experience_event": 0.33,
    "finance_paperwork": 0.25,
    "handover": 0.33,
    "first_service": 0.32,
    "service_visit": 0.33,
    "ownership_checkin": 0.25,
    "repurchase": 0.31,
}

# How a score is split inside its NPS band: detractors cluster at both ends of 0-6 (a U shape), promoters lean to 10.
DETRACTOR_SPLIT: tuple[float, ...] = (0.12, 0.05, 0.06, 0.08, 0.10, 0.24, 0.35)
PASSIVE_SPLIT: tuple[float, ...] = (0.40, 0.60)
PROMOTER_SPLIT: tuple[float, ...] = (0.38, 0.62)

# People who are delighted or upset answer more than the lukewarm: relative willingness to answer by score.
ANSWER_PROPENSITY: tuple[float, ...] = (1.7, 1.6, 1.5, 1.35, 1.25, 1.05, 1.0, 0.75, 0.8, 0.95, 1.2)

# Which department handles a touchpoint, to pick the member of staff a verbatim may mention.
STAFF_DEPARTMENT: dict[str, str] = {
    "test_drive": "sales", "deposit": "sales", "experience_event": "events", "finance_paperwork": "finance",
    "handover": "sales", "first_service": "service", "service_visit": "service", "ownership_checkin": "sales",
    "repurchase": "sales",
}

# OperationalEvent.kind per touchpoint code.
EVENT_KIND: dict[str, str] = {
    "enquiry": "enquiry",
    "test_drive": "test_drive",
    "deposit": "deposit_taken",
    "experience_event": "experience_attended",
    "finance_paperwork": "finance_signed",
    "handover": "handover",
    "first_service": "service_completed",
    "service_visit": "service_completed",
    "ownership_checkin": "ownership_anniversary",
    "repurchase": "repurchase",
}

SHOWROOM_TOUCHPOINTS: frozenset[str] = frozenset({"test_drive", "deposit", "handover", "first_service",
                                                  "service_visit", "repurchase"})
