"""The emerging problem planted at the end of the demo world: a software release that blanks the reversing camera.

It is written to fit none of the taxonomy's themes well (the nearest, vehicle quality, talks about rattles and the
infotainment, never about a camera), so that it lands among the low-fit verbatims and only a look at what is new
finds it. Clauses follow the banks' conventions: lower-case fragments without final punctuation, ``{car}`` and
(French) ``{mycar}`` for the car; follow-ups are whole sentences. Every text says the same thing in other words,
as real customers do, so a grouping by words has to join "rear camera", "Rückfahrkamera" and "caméra de recul".
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Phrases

PROBLEM = "reversing camera shows a black picture after a software update"

COMPLAINTS: Mapping[str, Phrases] = {
    "en": (
        "since the software update at the service the reversing camera only shows a black screen",
        "the rear camera has stopped working since the last update, just a black picture when I select reverse",
        "after the update the parking camera image is completely black",
        "the reversing camera on my {car} goes black every time I put it in reverse since the software update",
        "the backup camera is dead since you updated the software, the screen just stays black",
        "the rear-view camera shows nothing but black since the service, the sensors beep but there is no picture",
        "ever since the new software was installed the camera picture stays dark when reversing",
        "the 360 camera view flickers and then turns black, this started right after the update",
        "you installed a software update and now my reversing camera doesn't work at all",
        "the camera just shows a black box when I reverse since the update was done",
        "since the update the rear camera only comes on about one time in five",
        "my reversing camera has been black since the last visit, apparently it's the new software",
        "the parking camera worked fine before the update, now it's a black screen",
        "the rear camera picture freezes and then goes black since the update",
    ),
    "de": (
        "seit dem Software-Update beim Service zeigt die Rückfahrkamera nur noch ein schwarzes Bild",
        "die Rückfahrkamera funktioniert seit dem letzten Update nicht mehr, im Rückwärtsgang bleibt der Bildschirm "
        "schwarz",
        "nach dem Update ist das Bild der Parkkamera komplett schwarz",
        "seit der neuen Software bleibt die Rückfahrkamera an meinem {car} dunkel",
        "die Kamera hinten zeigt seit dem Update gar nichts mehr an",
        "die Parksensoren piepen zwar, aber die Rückfahrkamera bleibt seit dem Werkstattbesuch schwarz",
        "das Kamerabild beim Rückwärtsfahren flackert kurz und wird dann schwarz, das fing direkt nach dem Update an",
        "seit Sie die Software aktualisiert haben, geht die Rückfahrkamera nicht mehr",
        "die 360-Grad-Kamera zeigt seit dem Softwareupdate nur einen schwarzen Bildschirm",
        "die Rückfahrkamera springt seit dem Update nur noch ab und zu an",
        "vor dem Update lief die Rückfahrkamera einwandfrei, jetzt ist das Bild schwarz",
        "beim Einlegen des Rückwärtsgangs zeigt die Kamera seit der Aktualisierung nur noch ein schwarzes Bild",
        "die Rückfahrkamera ist seit dem letzten Termin tot, angeblich liegt es an der neuen Software",
        "das Bild der Rückkamera friert seit dem Update ein und wird dann schwarz",
    ),
    "fr": (
        "depuis la mise à jour logicielle faite à l'entretien, la caméra de recul n'affiche plus qu'un écran noir",
        "la caméra de recul ne fonctionne plus depuis la dernière mise à jour, l'écran reste noir en marche arrière",
        "après la mise à jour, l'image de la caméra de stationnement est complètement noire",
        "la caméra de recul de {mycar} reste noire depuis la nouvelle version du logiciel",
        "la caméra arrière n'affiche plus rien depuis la mise à jour",
        "les radars de recul bipent mais la caméra reste noire depuis le passage à l'atelier",
        "l'image de la caméra clignote puis devient noire en marche arrière, ça a commencé juste après la mise à jour",
        "depuis que vous avez mis à jour le logiciel, la caméra de recul ne marche plus",
        "la vue des caméras à 360 degrés n'affiche qu'un écran noir depuis la mise à jour",
        "depuis la mise à jour, la caméra de recul ne s'allume plus qu'une fois sur cinq",
        "avant la mise à jour la caméra de recul marchait parfaitement, maintenant l'image est noire",
        "quand j'enclenche la marche arrière, la caméra ne montre plus qu'un écran noir depuis la mise à jour",
        "la caméra de recul est en panne depuis ma dernière visite, apparemment à cause du nouveau logiciel",
        "l'image de la caméra arrière se fige puis devient noire depuis la mise à jour",
    ),
}

# What the customer adds: the consequence, what the workshop said, what they expect.
FOLLOW_UPS: Mapping[str, Phrases] = {
    "en": (
        "I nearly reversed into a bollard because of it.",
        "Reversing into my garage is now a guessing game.",
        "The workshop says they know about it but there is no fix yet.",
        "I was told to wait for the next software version.",
        "Turning the car off and on again sometimes brings the picture back.",
        "A friend with the same model has exactly the same problem.",
        "It was working perfectly before I brought it in.",
        "Nobody warned me the update could do this.",
        "For a premium car this is not acceptable.",
        "Please let me know as soon as there is a fix.",
    ),
    "de": (
        "Ich wäre deswegen fast gegen einen Poller gefahren.",
        "Einparken in die Garage ist jetzt ein Blindflug.",
        "Die Werkstatt kennt das Problem angeblich, hat aber noch keine Lösung.",
        "Man hat mich auf das nächste Software-Update vertröstet.",
        "Nach einem Neustart des Autos geht es manchmal wieder.",
        "Ein Bekannter mit dem gleichen Modell hat genau dasselbe Problem.",
        "Vor dem Werkstattbesuch hat alles einwandfrei funktioniert.",
        "Niemand hat mich vorgewarnt, dass das Update so etwas anrichten kann.",
        "Bei einem Premiumfahrzeug ist das nicht akzeptabel.",
        "Bitte melden Sie sich, sobald es eine Lösung gibt.",
    ),
    "fr": (
        "J'ai failli reculer dans un plot à cause de ça.",
        "Rentrer dans mon garage est devenu un exercice à l'aveugle.",
        "L'atelier connaît le problème mais n'a pas encore de solution.",
        "On m'a dit d'attendre la prochaine version du logiciel.",
        "En redémarrant la voiture, l'image revient parfois.",
        "Un ami qui a le même modèle a exactement le même souci.",
        "Tout fonctionnait parfaitement avant mon passage à l'atelier.",
        "Personne ne m'a prévenu que la mise à jour pouvait causer ça.",
        "Pour une voiture haut de gamme, ce n'est pas acceptable.",
        "Merci de me tenir au courant dès qu'il y a une solution.",
    ),
}
