"""Incentive/coaching and safety/legal flags: what customers really write, in English, German and French.

Every case asserts both flags exactly, so a rule that starts catching innocent sentences (or the other flag's
sentences) fails here. Precision matters most: a false incentive flag accuses an honest dealer.
"""

from __future__ import annotations

import pytest

from insidetrack.verbatims.nlp.flags import Flags, detect_flags

INCENTIVE = [
    ("en", "They gave me a free service for a 10."),
    ("en", "Salesman offered a free valet if I rate them 10 on the survey"),
    ("en", "He asked me to score 10 when the survey comes"),
    ("en", "the salesman said anything below 9 counts as a fail"),
    ("en", "Was told to give full marks or he gets in trouble"),
    ("en", "The advisor told me to give full marks"),
    ("en", "my score affects his bonus apparently"),
    ("en", "they filled in the survey for me on their tablet"),
    ("en", "Got a £50 voucher in exchange for a good review"),
    ("en", "She asked if I would give them a 10"),
    ("en", "Please give us a 10 when the email arrives, he said"),
    ("en", "Only a 10 counts for them, they told me twice"),
    ("en", "I was asked to rate them 10 out of 10"),
    ("en", "They pressured me for top marks"),
    ("de", "Mir wurde ein kostenloser Ölwechsel für eine 10 angeboten"),
    ("de", "Bitte geben Sie uns eine 10, sagte der Verkäufer"),
    ("de", "Man hat mich gebeten, 10 Punkte zu geben"),
    ("de", "Der Verkäufer meinte, ich solle bitte nur 10 Punkte geben"),
    ("de", "Alles unter 9 gilt als durchgefallen, hat er gesagt"),
    ("de", "Seine Provision hängt von der Bewertung ab"),
    ("de", "Die Bewertung wirkt sich auf seinen Bonus aus"),
    ("de", "Der Berater hat die Umfrage für mich auf seinem Tablet ausgefüllt"),
    ("de", "Wir wurden um eine 10 gebeten"),
    ("de", "Er bat mich, die volle Punktzahl zu vergeben"),
    ("de", "Gutschein über 50 Euro, wenn ich mit sehr gut bewerte"),
    ("de", "Nur eine 10 zählt für das Autohaus"),
    ("fr", "On m'a offert les tapis pour une note de 10"),
    ("fr", "Il m'a demandé de mettre 10 partout"),
    ("fr", "Le vendeur m'a dit que toute note en dessous de 9 est un échec"),
    ("fr", "On m'a demandé une note de 10"),
    ("fr", "Merci de nous mettre 10 au questionnaire, m'a dit le conseiller"),
    ("fr", "La note influence directement la prime du vendeur"),
    ("fr", "Le conseiller a rempli le questionnaire à ma place"),
    ("fr", "Il a insisté pour que je mette 10"),
    ("fr", "Lavage gratuit si je mets 10 sur 10"),
    ("fr", "Un 9 est considéré comme un échec selon le vendeur"),
    ("en", "The salesman begged me to give him a 10 because his bonus depends on it"),
    ("en", "They said I should only give 9 or 10"),
    ("en", "was pressured to give top marks"),
    ("en", "The dealer offered me a free tank of fuel in return for a perfect score"),
    ("en", "He reminded me twice to give them 10s across the board"),
    ("en", "they told us to tick very satisfied on everything"),
    ("en", "salesman filled out the questionnaire on his ipad for me"),
    ("en", "Apparently his commission is tied to the survey"),
    ("en", "Anything less than a 10 is a fail for them, he said"),
    ("de", "Der Verkäufer hat mich gedrängt, überall 10 Punkte zu vergeben"),
    ("de", "Man sagte mir, ich soll alles mit sehr gut bewerten"),
    ("de", "Bitte bewerten Sie uns mit 10 Punkten"),
    ("de", "Für eine gute Bewertung gab es einen Tankgutschein"),
    ("de", "Er meinte, eine 9 ist schon schlecht für ihn"),
    ("de", "Der Bonus vom Verkäufer hängt von dieser Umfrage ab"),
    ("fr", "Le vendeur m'a supplié de mettre 10 partout"),
    ("fr", "On m'a demandé de donner la note maximale"),
    ("fr", "On m'a offert un lavage en échange d'une bonne note"),
    ("fr", "Le conseiller m'a dit que sa prime dépend de cette enquête"),
    ("fr", "Il a rempli l'enquête à ma place sur sa tablette"),
    ("fr", "Le vendeur m'a fait comprendre qu'il fallait mettre 10"),
]

NOT_INCENTIVE = [
    ("en", "Nobody asked me to give a 10, they just earned it"),
    ("en", "No one pushed me for a good score"),
    ("en", "10 out of 10 service, thank you"),
    ("en", "I give them a 10 without hesitation"),
    ("en", "They told me the car would be ready in 10 days"),
    ("en", "The salesman asked me to fill in the survey honestly"),
    ("en", "Got a free coffee while I waited, 10/10"),
    ("en", "I hope my score affects his bonus, he deserves it"),
    ("en", "Asked me to rate the car, I'd give it 10"),
    ("en", "I filled in the survey on their tablet in the showroom"),
    ("en", "He asked me to come back at 9am for the 10,000 mile service"),
    ("en", "I wasn't asked to give any particular score"),
    ("en", "Free car wash for all customers, would give a 10"),
    ("de", "Niemand hat mich gebeten, 10 Punkte zu geben"),
    ("de", "Ich gebe gerne 10 Punkte"),
    ("de", "10 von 10, tolles Team"),
    ("de", "Ich wurde gebeten, kurz zu warten. Danach ging alles schnell, 10 Punkte!"),
    ("de", "Ich wurde gebeten, die Umfrage auszufüllen, und habe gerne 10 Punkte gegeben"),
    ("de", "Der Verkäufer bat mich, um 10 Uhr wiederzukommen"),
    ("de", "Ich hoffe, meine Bewertung wirkt sich positiv auf seinen Bonus aus, er verdient es"),
    ("de", "Kostenloser Kaffee für alle, volle Punktzahl"),
    ("de", "Ich habe die Umfrage für mich allein auf dem Tablet ausgefüllt"),
    ("de", "Keiner hat mich um eine gute Bewertung gebeten"),
    ("fr", "Personne ne m'a demandé de mettre 10"),
    ("fr", "Je mets 10 sans hésiter"),
    ("fr", "10/10, je recommande"),
    ("fr", "On m'a demandé de patienter 10 minutes"),
    ("fr", "J'espère que ma note comptera pour la prime du vendeur, il la mérite"),
    ("fr", "Café offert pendant l'attente, super accueil, 10/10"),
    ("fr", "J'ai rempli le questionnaire sur leur tablette"),
    ("fr", "On ne m'a pas demandé de donner une bonne note"),
    ("en", "They asked me to rate my experience out of 10"),
    ("en", "I was told to give the car back at 10"),
    ("en", "The survey asked me to score them from 0 to 10"),
    ("de", "Man hat mich gebeten, auf einer Skala von 1 bis 10 zu bewerten"),
    ("de", "Der Verkäufer bat mich, 10 Minuten zu warten"),
    ("fr", "On m'a demandé de noter de 0 à 10"),
    ("fr", "On m'a demandé de mettre une note sur 10"),
]

SAFETY = [
    # near misses: a defect that nearly caused a collision is a safety issue even though nobody was hurt
    ("en", "Since the update the reversing camera is black. I nearly reversed into a bollard because of it."),
    ("en", "The lane assist pulled the wheel and I almost drove into a post."),
    ("de", "Seit dem Update ist die Rückfahrkamera schwarz, ich wäre fast gegen einen Poller gefahren."),
    ("de", "Die Kamera zeigt nichts, beinahe in ein Auto gerollt."),
    ("fr", "La caméra de recul est noire, j'ai failli reculer dans un plot à cause de ça."),
    ("fr", "Le freinage d'urgence s'est déclenché pour rien, j'ai failli heurter un cycliste."),
    ("en", "The brakes failed on the way home"),
    ("en", "Steering failed on the motorway!!"),
    ("en", "smoke coming out of the bonnet after the service"),
    ("en", "car caught fire two days after collection"),
    ("en", "Airbag warning light came on and they said ignore it"),
    ("en", "A wheel came loose on the way home, the nuts were not tightened"),
    ("en", "Lost power on the motorway twice"),
    ("en", "I had an accident because the brakes locked up"),
    ("en", "my daughter was injured by the tailgate"),
    ("en", "the safety recall was not done even though I asked"),
    ("en", "strong smell of petrol in the cabin"),
    ("en", "I will be speaking to my solicitor"),
    ("en", "This is fraud, they charged me twice"),
    ("en", "reported them to trading standards"),
    ("en", "I'm going to sue them"),
    ("en", "They sent my personal details to another customer, data breach"),
    ("en", "the brakes did not work properly after the service"),
    ("de", "Die Bremsen haben auf der Autobahn versagt"),
    ("de", "Bremsen versagt nach dem Service!"),
    ("de", "Die Lenkung ist während der Fahrt ausgefallen"),
    ("de", "Rauch aus dem Motorraum nach der Inspektion"),
    ("de", "Das Auto fing Feuer in der Garage"),
    ("de", "Airbag-Kontrollleuchte leuchtet seit der Übergabe"),
    ("de", "Ein Rad war locker, die Radmuttern nicht angezogen"),
    ("de", "Leistungsverlust auf der Autobahn, Notlauf"),
    ("de", "Meine Tochter wurde verletzt"),
    ("de", "Die Rückrufaktion wurde nicht durchgeführt"),
    ("de", "Es riecht stark nach Benzin im Innenraum"),
    ("de", "Ich werde meinen Anwalt einschalten"),
    ("de", "Ich reiche Klage ein"),
    ("de", "Das ist Betrug"),
    ("de", "Meine Daten wurden an Dritte weitergegeben"),
    ("de", "Es gab einen Brand im Motorraum"),
    ("fr", "Les freins ont lâché sur l'autoroute"),
    ("fr", "Défaillance des freins deux jours après la révision"),
    ("fr", "De la fumée sortait du capot"),
    ("fr", "La voiture a pris feu"),
    ("fr", "Le voyant airbag est allumé depuis la livraison"),
    ("fr", "Une roue s'est desserrée sur l'autoroute"),
    ("fr", "Perte de puissance sur l'autoroute, mode dégradé"),
    ("fr", "J'ai failli avoir un accident"),
    ("fr", "Mon fils a été blessé"),
    ("fr", "Je vais contacter mon avocat"),
    ("fr", "Je vais porter plainte"),
    ("fr", "Odeur d'essence dans l'habitacle"),
    ("fr", "C'est de l'escroquerie"),
    ("fr", "Incendie du véhicule"),
    ("en", "the car cut out on the motorway and I lost power steering"),
    ("en", "battery leak under the car"),
    ("en", "I am taking legal action"),
    ("en", "I have contacted the ombudsman"),
    ("en", "brake warning came on and then the brakes gave way"),
    ("en", "the bonnet was smoking when I picked it up"),
    ("en", "My wife got whiplash when the car braked by itself"),
    ("en", "we could have been killed"),
    ("en", "Consumer protection will hear about this"),
    ("en", "They never did the safety recall"),
    ("de", "Ich habe die Verbraucherzentrale eingeschaltet"),
    ("de", "Wir haben einen Anwalt eingeschaltet"),
    ("de", "Nach dem Service kam Qualm aus dem Motorraum"),
    ("de", "Die Radmuttern waren nicht festgezogen"),
    ("de", "Auf der Autobahn plötzlich Leistungsverlust"),
    ("de", "Beinahe einen Unfall gebaut, weil die Bremse nicht reagiert hat"),
    ("de", "Der Airbag hat nicht ausgelöst"),
    ("de", "Der Akku ist ausgelaufen"),
    ("de", "Die Rückrufaktion wurde vergessen"),
    ("fr", "Ma voiture a pris feu sur le parking"),
    ("fr", "J'ai saisi le médiateur"),
    ("fr", "Fuite de carburant sous la voiture"),
    ("fr", "L'airbag ne s'est pas déclenché lors du choc"),
    ("fr", "Les écrous de roue n'étaient pas serrés"),
    ("fr", "La campagne de rappel n'a pas été faite"),
    ("fr", "Mon avocat va vous contacter"),
    ("fr", "Les freins ne répondent plus"),
]

NOT_SAFETY = [
    ("en", "I nearly drove into the wrong dealership, the signage is confusing."),
    ("de", "Wir wären fast in die falsche Werkstatt gefahren, die Beschilderung fehlt."),
    ("fr", "J'ai failli rentrer sans mon téléphone, heureusement ils l'ont retrouvé."),
    ("en", "The brake pads were replaced and discs skimmed"),
    ("en", "Fired up the engine and it sounded great"),
    ("en", "Sue at reception was lovely"),
    ("en", "The app crashed twice when booking"),
    ("en", "The recall work was done quickly and they washed the car"),
    ("en", "I had a small accident and the bodyshop fixed it perfectly"),
    ("en", "Plenty of power on the motorway, lovely car"),
    ("en", "no one was hurt thankfully"),
    ("en", "The heated steering wheel failed, annoying in winter"),
    ("en", "The brake light bulb failed and they replaced it"),
    ("en", "Great advice on my data and privacy settings in the app"),
    ("en", "The insurance policy paperwork was clear"),
    ("en", "I signed the GDPR consent form"),
    ("en", "The forged alloy wheels look stunning"),
    ("en", "The price is a bit of a rip-off"),
    ("en", "the wheel alignment was off after the tyres"),
    ("en", "Brakes failed the MOT so they replaced the pads"),
    ("de", "Die Bremsbeläge wurden gewechselt"),
    ("de", "Kein Grund zur Klage, alles bestens"),
    ("de", "Die Wartezeit betrug zwei Stunden"),
    ("de", "Die Kosten betrugen 500 Euro"),
    ("de", "Die Motorkontrollleuchte brennt wieder"),
    ("de", "Ich bin Feuer und Flamme für das neue Auto"),
    ("de", "Ich warte immer noch auf einen Rückruf"),
    ("de", "Das Gericht im Bistro war lecker"),
    ("de", "Der Reifen hat Luft verloren"),
    ("de", "Die Lenkradheizung ist ausgefallen"),
    ("de", "Zum Glück wurde niemand verletzt"),
    ("de", "Der Hinweis wurde im Display angezeigt"),
    ("de", "Ich hatte einen Unfallschaden, der durch die Werkstatt perfekt behoben wurde"),
    ("fr", "Les plaquettes de frein ont été changées"),
    ("fr", "La direction ne répond pas à mes mails"),
    ("fr", "J'attends toujours un rappel du conseiller"),
    ("fr", "La police d'assurance était claire"),
    ("fr", "Le procès-verbal de livraison était complet"),
    ("fr", "Le volant chauffant est en panne"),
    ("fr", "Heureusement personne n'a été blessé"),
    ("fr", "Pas de fumée, pas de bruit, parfait"),
    ("fr", "Feu vert pour la reprise, merci"),
    ("en", "The airbag recall was done quickly"),
    ("en", "I nearly died laughing at the price"),
    ("de", "Airbag-Rückruf wurde schnell erledigt"),
    ("de", "Ein brandneues Auto, ich bin begeistert"),
    ("fr", "Je travaille à l'hôpital donc il me fallait la voiture"),
    ("fr", "Le volant est bloqué en position basse"),
]


@pytest.mark.parametrize(("language", "text"), INCENTIVE)
def test_incentive_or_coaching_is_flagged(language, text):
    flags = detect_flags(text, language)
    assert flags.is_incentive is True
    assert flags.is_safety is False
    assert flags.incentive
    assert all(phrase in text for phrase in flags.incentive)


@pytest.mark.parametrize(("language", "text"), NOT_INCENTIVE)
def test_innocent_or_negated_score_talk_is_not_flagged(language, text):
    flags = detect_flags(text, language)
    assert flags.is_incentive is False
    assert flags.is_safety is False
    assert flags == Flags(incentive=(), safety=())


@pytest.mark.parametrize(("language", "text"), SAFETY)
def test_safety_or_legal_issue_is_flagged(language, text):
    flags = detect_flags(text, language)
    assert flags.is_safety is True
    assert flags.is_incentive is False
    assert flags.safety
    assert all(phrase in text for phrase in flags.safety)


@pytest.mark.parametrize(("language", "text"), NOT_SAFETY)
def test_routine_work_and_idioms_are_not_safety_issues(language, text):
    flags = detect_flags(text, language)
    assert flags.is_safety is False
    assert flags.is_incentive is False


def test_enough_cases_per_language():
    for cases, least in ((INCENTIVE, 8), (NOT_INCENTIVE, 6), (SAFETY, 8), (NOT_SAFETY, 6)):
        for language in ("en", "de", "fr"):
            assert sum(1 for lang, _ in cases if lang == language) >= least


@pytest.mark.parametrize(("language", "text", "incentive", "safety"), [
    ("en", "They gave me a free service for a 10.", ("free service for a 10",), ()),
    ("en", "the salesman said anything below 9 counts as a fail", ("anything below 9 counts as a fail",), ()),
    ("en", "Great car. They asked me to give a 10 and the brakes failed a week later. My lawyer is on it.",
     ("asked me to give a 10",), ("brakes failed", "lawyer")),
    ("de", "Ein KOSTENLOSER Ölwechsel für eine 10!", ("KOSTENLOSER Ölwechsel für eine 10",), ()),
    ("de", "Man hat mich gebeten, 10 Punkte zu geben", ("gebeten, 10 Punkte zu geben",), ()),
    ("fr", "On m'a offert les tapis pour une note de 10", ("offert les tapis pour une note de 10",), ()),
    ("fr", "Les freins ont LÂCHÉ hier soir", (), ("freins ont LÂCHÉ",)),
    ("fr", "Le voyant airbag est allumé depuis la livraison", (), ("voyant airbag est allumé",)),
])
def test_phrases_are_returned_as_written(language, text, incentive, safety):
    assert detect_flags(text, language) == Flags(incentive=incentive, safety=safety)


@pytest.mark.parametrize(("text", "language"), [
    ("BRAKES FAILED ON THE MOTORWAY", "en"),
    ("bremsen haben versagt", "de"),
    ("Die Bremsen haben VERSAGT", "de"),
    ("les freins ont lache", "fr"),
    ("defaillance des freins", "fr"),
])
def test_case_and_accents_do_not_matter(text, language):
    assert detect_flags(text, language).is_safety is True


def test_unsupported_language_is_read_with_every_language():
    assert detect_flags("Die Bremsen haben versagt", "it").is_safety is True
    assert detect_flags("Die Bremsen haben versagt", "").is_safety is True
    assert detect_flags("Il m'a demandé de mettre 10", "nl").is_incentive is True
    # read as English only, the German and French phrases mean nothing
    assert detect_flags("Die Bremsen haben versagt", "en").is_safety is False
    assert detect_flags("Il m'a demandé de mettre 10", "en").is_incentive is False


def test_language_with_region_uses_that_language():
    assert detect_flags("Die Bremsen haben versagt", "de-CH").is_safety is True
    assert detect_flags("Die Bremsen haben versagt", "fr-CH").is_safety is False


def test_a_negation_in_another_sentence_or_line_does_not_cancel():
    assert detect_flags("Nobody was rude.\nThe salesman asked me to give a 10", "en").is_incentive is True
    assert detect_flags("Niemand war unfreundlich. Man hat mich gebeten, 10 Punkte zu geben", "de").is_incentive
    assert detect_flags("Personne n'était désagréable, mais il m'a demandé de mettre 10", "fr").is_incentive


def test_empty_text_has_no_flags():
    assert detect_flags("", "en") == Flags(incentive=(), safety=())
    assert detect_flags("   \n ", "de") == Flags(incentive=(), safety=())


def test_flag_properties_follow_the_phrases():
    assert Flags(incentive=("asked me to give a 10",), safety=()).is_incentive is True
    assert Flags(incentive=("asked me to give a 10",), safety=()).is_safety is False
    assert Flags(incentive=(), safety=("brakes failed",)).is_safety is True
    assert Flags(incentive=(), safety=()).is_incentive is False
