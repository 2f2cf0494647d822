"""Names, addresses and phone numbers for the demo world, drawn from Faker once and then reused.

Faker is far too slow to call per customer at ten million responses, so each locale contributes fixed pools of
first and last names (seeded, hence deterministic) and the generator picks from them with its own random stream.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from faker import Faker

from . import catalogue

_POOL_FIRST = 300
_POOL_LAST = 600

_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                                  "æ": "ae", "ø": "o", "å": "a", "œ": "oe", "'": "", " ": "", "-": ""})


@dataclass(frozen=True, slots=True)
class NamePool:
    """First and last names typical of one locale."""

    first_female: tuple[str, ...]
    first_male: tuple[str, ...]
    last: tuple[str, ...]


class NameBook:
    """Name pools per Faker locale, built lazily and deterministically from the run's seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._pools: dict[str, NamePool] = {}
        self._ascii: dict[str, str] = {}

    def pool(self, locale: str) -> NamePool:
        pool = self._pools.get(locale)
        if pool is None:
            fake = Faker(locale)
            fake.seed_instance(self.seed)
            pool = NamePool(
                first_female=tuple(fake.first_name_female() for _ in range(_POOL_FIRST)),
                first_male=tuple(fake.first_name_male() for _ in range(_POOL_FIRST)),
                last=tuple(fake.last_name() for _ in range(_POOL_LAST)),
            )
            self._pools[locale] = pool
        return pool

    def ascii(self, name: str) -> str:
        """A name as people write it in an e-mail address: lower case, no accents, no spaces or hyphens."""
        cached = self._ascii.get(name)
        if cached is None:
            folded = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATION))
            cached = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == ".")).lower() or "x"
            self._ascii[name] = cached
        return cached


class AddressBook:
    """E-mail addresses and phone numbers, unique within a run (up to a bounded memory of addresses given out)."""

    _MEMORY = 500_000

    def __init__(self, names: NameBook) -> None:
        self.names = names
        self._given: set[str] = set()
        self._domains: dict[str, tuple[list[str], list[float]]] = {}

    def _domain(self, rng: random.Random, country: str) -> str:
        entry = self._domains.get(country)
        if entry is None:
            pairs = catalogue.EMAIL_DOMAINS.get(country, catalogue.EMAIL_DOMAINS["GB"])
            entry = ([d for d, _ in pairs], [float(w) for _, w in pairs])
            self._domains[country] = entry
        return rng.choices(entry[0], entry[1])[0]

    def email(self, rng: random.Random, first: str, last: str, country: str) -> str:
        first_ascii, last_ascii = self.names.ascii(first), self.names.ascii(last)
        domain = self._domain(rng, country)
        pattern = rng.random()
        if pattern < 0.45:
            local = f"{first_ascii}.{last_ascii}"
        elif pattern < 0.6:
            local = f"{first_ascii[0]}.{last_ascii}"
        elif pattern < 0.72:
            local = f"{first_ascii}{last_ascii}"
        elif pattern < 0.82:
            local = f"{first_ascii}_{last_ascii}"
        else:
            local = f"{first_ascii}.{last_ascii}{rng.randint(50, 99):02d}"
        address = f"{local}@{domain}"
        attempts = 0
        while address in self._given:
            attempts += 1
            address = f"{local}{rng.randint(1, 999) if attempts < 5 else rng.randint(1000, 999_999)}@{domain}"
        if len(self._given) >= self._MEMORY:
            self._given.clear()  # bounded memory at huge scales; collisions after this are rare and harmless
        self._given.add(address)
        return address

    @staticmethod
    def phone(rng: random.Random, country: str) -> str:
        calling_code, prefix, digits = catalogue.PHONE_FORMATS.get(country, catalogue.PHONE_FORMATS["GB"])
        number = "".join(str(rng.randrange(10)) for _ in range(digits))
        return f"{calling_code} {prefix}{number}"


def registration(rng: random.Random, country: str, year: int) -> str:
    """A plausible number plate for the country (not checked against any real register)."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"

    def pick(n: int) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    def digits(n: int) -> str:
        return "".join(str(rng.randrange(10)) for _ in range(n))

    if country == "GB":
        return f"{pick(2)}{year % 100:02d} {pick(3)}"
    if country == "IE":
        return f"{year % 100:02d}1-D-{digits(5)}"
    if country == "DE":
        return f"{rng.choice(('HH', 'B', 'M', 'S', 'F', 'K', 'D', 'H', 'N', 'HB', 'L', 'DD'))}-{pick(2)} {digits(3)}"
    if country == "AT":
        return f"{rng.choice(('W', 'G', 'S', 'L'))}-{digits(5)}{pick(1)}"
    if country == "CH":
        return f"{rng.choice(('ZH', 'BE', 'BS', 'LU', 'SG', 'GE', 'VD'))} {digits(6)}"
    if country == "FR":
        return f"{pick(2)}-{digits(3)}-{pick(2)}"
    if country == "BE":
        return f"1-{pick(3)}-{digits(3)}"
    if country == "NL":
        return f"{pick(2)}-{digits(3)}-{pick(1)}"
    return f"{pick(2)} {digits(4)}"


_VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_MODEL_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 = A ... 2030 = Y, then 2031 = 1


def vin(*, model_code: str, powertrain: str, model_year: int, serial: int) -> str:
    """A 17-character VIN with a valid check digit; ``serial`` makes it unique (it is the vehicle's key)."""
    year_code = _MODEL_YEAR_CODES[(model_year - 2010) % len(_MODEL_YEAR_CODES)]
    plant = _VIN_ALPHABET[(serial // 1_000_000) % len(_VIN_ALPHABET)]
    body = f"ZAR{model_code}{powertrain[:1].upper()}A1B"
    tail = f"{year_code}{plant}{serial % 1_000_000:06d}"
    draft = f"{body}0{tail}"
    total = sum(_VIN_VALUES[c] * w for c, w in zip(draft, _VIN_WEIGHTS, strict=True))
    check = total % 11
    return f"{body}{'X' if check == 10 else check}{tail}"
