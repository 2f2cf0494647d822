"""Verbatims for the simulated networks: phrase banks in English, German and French, and how texts are encoded.

Why phrase banks and not free text: the simulator makes hundreds of thousands of responses per network and the
evaluation runs fifty networks, so a verbatim is kept as a few small integers (kind, language, tone and which
phrases), and the flags, the tone and the near-duplicate key are computed once per phrase rather than per response.
The texts themselves are only put together when a history is written out (``materialise``).

Why the product's flag rules: ``incentive_language`` is whatever ``insidetrack.verbatims.nlp.flags.detect_flags``
says about the phrases, so some coaching phrases go unnoticed ("they told me a 10 would really help the team") just as
they would in production, and the detectors are tuned on the flags the product really raises. Every phrase is its own
sentence, so a composed text is flagged exactly when one of its phrases is.
"""

from __future__ import annotations

from functools import cache

import numpy as np

LANGUAGES = ("en", "de", "fr")

# Kinds of verbatim (column ``kind`` of the encoded form).
NONE, SHORT, COMPOSED, DEALER_TEMPLATE, TABLET_TEMPLATE = 0, 1, 2, 3, 4
# Tones.
POSITIVE, NEGATIVE = 0, 1
# Families of an appended phrase (``extra``): coaching (score begging), incentive (freebies), an honest remark.
COACHING, INCENTIVE, REMARK = 0, 1, 2

_BANK: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "open_pos": ("Great experience from start to finish.", "Really pleased with the whole visit.",
                     "A very professional team.", "Everything went smoothly.", "Excellent from the first call.",
                     "I felt genuinely welcome."),
        "detail_pos": ("The car was spotless and ready on time.", "Every feature was explained patiently.",
                       "My phone was paired before I left.", "The paperwork was quick and clear.",
                       "They kept me informed at every step.", "The courtesy car was waiting for me.",
                       "The invoice matched the quote exactly.", "My advisor knew my history.",
                       "The handover area was beautifully prepared.", "Coffee and a quiet lounge while I waited."),
        "close_pos": ("Thank you!", "Would recommend to anyone.", "I will be back.", "Well done to the team."),
        "open_neg": ("Disappointing visit overall.", "Not what I expect from a premium brand.",
                     "Quite frustrating, to be honest.", "I expected much better.", "A poor experience this time."),
        "detail_neg": ("The car was not ready on the agreed day.", "Nobody explained the infotainment system.",
                       "I waited over an hour without an update.", "There were scratches on the paintwork.",
                       "The invoice was higher than the quote.", "The paperwork had to be redone twice.",
                       "My calls were never returned.", "The courtesy car was dirty.", "The handover felt rushed.",
                       "The service light came back on a day later."),
        "close_neg": ("Please sort this out.", "I am reconsidering the brand.", "Not good enough.", "Very annoying."),
        "short_pos": ("Great service!", "All good.", "Perfect.", "Very happy.", "Excellent."),
        "short_neg": ("Poor.", "Too slow.", "Not happy.", "Disappointing."),
        "coaching": ("The salesman asked me to give a 10.", "They told me a 10 would really help the team.",
                     "I was told only a 10 counts for them.", "He said anything below 9 counts as a fail.",
                     "Please give us a 10, he said."),
        "incentive": ("Got a free service for giving a 10.", "Free service for a 10, as promised.",
                      "They offered a free oil change if I rated them 10.", "They promised a voucher for a good score.",
                      "A free valet in exchange for a top rating."),
        "remark": ("They reminded me to fill in the survey.", "The salesman asked me to give a 10."),
        "dealer_template": ("Outstanding service at {dealer}, highly recommended to everyone!",
                            "Five stars for the {dealer} team, best dealer in the region!",
                            "Perfect experience at {dealer}, thank you to the whole team!"),
        "tablet": ("Everything was perfect, thank you very much.", "Very friendly staff and great service.",
                   "All perfect, nothing to improve.", "Excellent handover, very happy with everything."),
    },
    "de": {
        "open_pos": ("Rundum ein tolles Erlebnis.", "Ich bin mit dem ganzen Besuch sehr zufrieden.",
                     "Ein sehr professionelles Team.", "Alles lief reibungslos.", "Vom ersten Anruf an hervorragend.",
                     "Ich habe mich wirklich willkommen gefühlt."),
        "detail_pos": ("Das Auto war makellos und pünktlich bereit.", "Alle Funktionen wurden geduldig erklärt.",
                       "Mein Handy war schon gekoppelt.", "Der Papierkram ging schnell und klar.",
                       "Ich wurde bei jedem Schritt informiert.", "Der Ersatzwagen stand schon bereit.",
                       "Die Rechnung entsprach genau dem Angebot.", "Mein Berater kannte meine Vorgeschichte.",
                       "Die Übergabe war wunderschön vorbereitet.",
                       "Kaffee und eine ruhige Lounge während der Wartezeit."),
        "close_pos": ("Vielen Dank!", "Absolut empfehlenswert.", "Gerne wieder.", "Großes Lob an das Team."),
        "open_neg": ("Insgesamt ein enttäuschender Besuch.", "Nicht das, was ich von einer Premiummarke erwarte.",
                     "Ehrlich gesagt ziemlich frustrierend.", "Ich hatte viel mehr erwartet.",
                     "Diesmal eine schlechte Erfahrung."),
        "detail_neg": ("Das Auto war am vereinbarten Tag nicht fertig.", "Niemand hat das Infotainment erklärt.",
                       "Ich habe über eine Stunde ohne Info gewartet.", "Der Lack hatte Kratzer.",
                       "Die Rechnung war höher als das Angebot.",
                       "Die Unterlagen mussten zweimal neu gemacht werden.", "Meine Anrufe wurden nie erwidert.",
                       "Der Ersatzwagen war schmutzig.", "Die Übergabe war gehetzt.",
                       "Die Servicelampe ging einen Tag später wieder an."),
        "close_neg": ("Bitte klären Sie das.", "Ich überlege, die Marke zu wechseln.", "Nicht gut genug.",
                      "Sehr ärgerlich."),
        "short_pos": ("Alles super!", "Sehr gut.", "Perfekt.", "Top Service.", "Bestens."),
        "short_neg": ("Schlecht.", "Zu langsam.", "Nicht zufrieden.", "Enttäuschend."),
        "coaching": ("Der Verkäufer hat mich gebeten, 10 Punkte zu geben.", "Mir wurde gesagt, dass nur eine 10 zählt.",
                     "Sie sagten, alles unter 9 zählt als schlecht.", "Eine 10 würde dem Team sehr helfen, meinte er.",
                     "Bitte geben Sie uns eine 10, sagte er."),
        "incentive": ("Für eine 10 gab es eine kostenlose Inspektion.",
                      "Man hat mir eine Gratis-Wartung für die Bestnote versprochen.",
                      "Gratis Fahrzeugwäsche für eine gute Bewertung.",
                      "Es gab einen Gutschein für die volle Punktzahl.",
                      "Eine kostenlose Wäsche im Tausch gegen eine Top-Bewertung."),
        "remark": ("Man hat mich an die Umfrage erinnert.", "Der Verkäufer hat mich gebeten, 10 Punkte zu geben."),
        "dealer_template": ("Hervorragender Service bei {dealer}, absolut empfehlenswert für alle!",
                            "Fünf Sterne für das Team von {dealer}, bester Händler der Region!",
                            "Perfektes Erlebnis bei {dealer}, danke an das ganze Team!"),
        "tablet": ("Alles war perfekt, vielen Dank.", "Sehr freundliches Personal und toller Service.",
                   "Alles bestens, nichts zu verbessern.", "Tolle Übergabe, rundum zufrieden."),
    },
    "fr": {
        "open_pos": ("Une très belle expérience du début à la fin.", "Très satisfait de toute la visite.",
                     "Une équipe très professionnelle.", "Tout s'est déroulé sans accroc.",
                     "Excellent dès le premier appel.", "Je me suis senti vraiment bienvenu."),
        "detail_pos": ("La voiture était impeccable et prête à l'heure.",
                       "Chaque fonction a été expliquée avec patience.", "Mon téléphone était déjà connecté.",
                       "Les formalités ont été rapides et claires.", "On m'a tenu informé à chaque étape.",
                       "Le véhicule de courtoisie m'attendait.", "La facture correspondait exactement au devis.",
                       "Mon conseiller connaissait mon historique.",
                       "L'espace de livraison était magnifiquement préparé.", "Café et salon calme pendant l'attente."),
        "close_pos": ("Merci !", "Je recommande vivement.", "Je reviendrai.", "Bravo à l'équipe."),
        "open_neg": ("Visite décevante dans l'ensemble.", "Pas ce que j'attends d'une marque premium.",
                     "Assez frustrant, pour être honnête.", "Je m'attendais à beaucoup mieux.",
                     "Une mauvaise expérience cette fois."),
        "detail_neg": ("La voiture n'était pas prête le jour convenu.", "Personne n'a expliqué le système multimédia.",
                       "J'ai attendu plus d'une heure sans nouvelles.", "Il y avait des rayures sur la peinture.",
                       "La facture était plus élevée que le devis.", "Les papiers ont dû être refaits deux fois.",
                       "On ne m'a jamais rappelé.", "Le véhicule de courtoisie était sale.",
                       "La livraison a été bâclée.", "Le voyant d'entretien s'est rallumé le lendemain."),
        "close_neg": ("Merci de régler ce problème.", "Je reconsidère la marque.", "Pas à la hauteur.",
                      "Très agaçant."),
        "short_pos": ("Parfait !", "Très bien.", "Super service.", "Impeccable.", "Rien à dire."),
        "short_neg": ("Mauvais.", "Trop lent.", "Pas satisfait.", "Décevant."),
        "coaching": ("Le vendeur m'a demandé de mettre 10.", "On m'a dit que seul un 10 compte.",
                     "Il m'a dit qu'en dessous de 9 c'est un échec.", "Un 10 aiderait beaucoup l'équipe, m'a-t-il dit.",
                     "Mettez-nous 10 s'il vous plaît, a-t-il dit."),
        "incentive": ("On m'a promis un entretien gratuit contre un 10.", "Révision offerte pour une note de 10.",
                      "Un lavage offert pour une bonne note.", "Un bon d'achat en échange de la note maximale.",
                      "Un nettoyage gratuit en échange d'une excellente note."),
        "remark": ("On m'a rappelé de remplir le questionnaire.", "Le vendeur m'a demandé de mettre 10."),
        "dealer_template": ("Service exceptionnel chez {dealer}, je recommande à tous !",
                            "Cinq étoiles pour l'équipe {dealer}, meilleur concessionnaire de la région !",
                            "Expérience parfaite chez {dealer}, merci à toute l'équipe !"),
        "tablet": ("Tout était parfait, merci beaucoup.", "Personnel très aimable et super service.",
                   "Tout est parfait, rien à améliorer.", "Excellente livraison, très content de tout."),
    },
}

#: Sizes of the banks (the same in every language, so an encoded text can change language).
SIZES = {slot: len(phrases) for slot, phrases in _BANK["en"].items()}
assert all({s: len(p) for s, p in bank.items()} == SIZES for bank in _BANK.values())
_EXTRA_SLOTS = ("coaching", "incentive", "remark")


def phrase(language: str, slot: str, index: int) -> str:
    return _BANK[language][slot][index]


@cache
def extra_flags() -> np.ndarray:
    """``[language, family, index]``: does the product's flag rule see incentive or coaching in this phrase?"""
    from insidetrack.verbatims.nlp.flags import detect_flags

    width = max(SIZES[slot] for slot in _EXTRA_SLOTS)
    flags = np.zeros((len(LANGUAGES), len(_EXTRA_SLOTS), width), dtype=bool)
    for li, language in enumerate(LANGUAGES):
        for fi, slot in enumerate(_EXTRA_SLOTS):
            for index, text in enumerate(_BANK[language][slot]):
                flags[li, fi, index] = detect_flags(text, language).is_incentive
    return flags


@cache
def base_flags() -> bool:
    """True if any honest phrase (not an extra) is flagged; the simulator relies on them being clean."""
    from insidetrack.verbatims.nlp.flags import detect_flags

    return any(detect_flags(text, language).is_incentive
               for language in LANGUAGES for slot, texts in _BANK[language].items()
               if slot not in _EXTRA_SLOTS and slot != "dealer_template" for text in texts)


_VARIANTS = (lambda t: t, lambda t: t.lower(), lambda t: t.rstrip("!."), lambda t: t.rstrip("!.") + "!!",
             lambda t: t.replace(",", ""))


def materialise(kind: int, language: int, tone: int, a: int, b: int, b2: int, c: int, extra_family: int, extra: int,
                variant: int = 0, dealer_label: str = "") -> str:
    """The text of one encoded verbatim (empty for ``NONE``)."""
    lang = LANGUAGES[language]
    sign = "neg" if tone == NEGATIVE else "pos"
    if kind == NONE:
        return ""
    if kind == SHORT:
        parts = [phrase(lang, f"short_{sign}", a)]
    elif kind == COMPOSED:
        parts = [phrase(lang, f"open_{sign}", a), phrase(lang, f"detail_{sign}", b)]
        if b2 >= 0:
            parts.append(phrase(lang, f"detail_{sign}", b2))
        if c >= 0:
            parts.append(phrase(lang, f"close_{sign}", c))
    elif kind == DEALER_TEMPLATE:
        parts = [_VARIANTS[variant % len(_VARIANTS)](phrase(lang, "dealer_template", a).format(dealer=dealer_label))]
    else:
        parts = [_VARIANTS[variant % len(_VARIANTS)](phrase(lang, "tablet", a))]
    if extra >= 0:
        parts.append(phrase(lang, _EXTRA_SLOTS[extra_family], extra))
    return " ".join(parts)
