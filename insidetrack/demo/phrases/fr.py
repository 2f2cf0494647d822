"""French phrase bank (concession, atelier, livraison, essai, véhicule de courtoisie), written rather than translated.

French articles follow gender, so car mentions use two placeholders: {car} ("la voiture" / "le X5") and
{mycar} ("ma voiture" / "mon X5"). Clauses avoid adjectives agreeing with the car and "de {car}" (which would
need "du"), so either filling reads naturally.
"""

from __future__ import annotations

from .base import Bank

CLAUSES = {
    "sales_process": {
        "enquiry": (
            (
                "j'ai reçu un devis clair avec toutes les options expliquées",
                "le commercial m'a proposé un essai sans être insistant",
                "on m'a invité à venir faire la configuration tranquillement",
                "les réponses étaient honnêtes, même quand c'était non",
            ),
            (
                "ils voulaient juste me faire venir en concession",
                "le devis envoyé concernait le mauvais modèle",
                "on m'a proposé un financement avant même de répondre à ma question",
                "le devis était flou et il manquait la moitié des options",
            ),
        ),
        "test_drive": (
            (
                "le vendeur connaissait bien la gamme et ne m'a pas poussé",
                "aucune pression après l'essai, on m'a laissé réfléchir",
                "on a revu ensemble les options et la configuration après l'essai",
                "j'ai eu une offre claire après l'essai, sans forcing",
            ),
            (
                "juste après l'essai le vendeur voulait me faire signer",
                "le vendeur était insistant et ne parlait que des offres du mois",
                "l'offre promise après l'essai n'est jamais arrivée",
                "le vendeur ne savait pas répondre à des questions simples sur l'équipement",
            ),
        ),
        "*": (
            (
                "le commercial a pris le temps de bien m'expliquer toute la gamme",
                "aucune pression, on m'a laissé réfléchir tranquillement",
                "le vendeur connaissait parfaitement le produit et m'a trouvé la bonne configuration",
                "l'offre était claire et sans mauvaise surprise",
                "la configuration a été faite avec moi étape par étape",
                "du devis à la commande tout a été fluide",
                "on ne m'a rien imposé",
            ),
            (
                "le commercial était insistant et voulait me vendre des options à tout prix",
                "j'ai eu l'impression d'être juste un chiffre de plus",
                "personne n'a su me confirmer l'équipement exact de {mycar}",
                "le bon de commande comportait des erreurs d'options, deux fois",
                "on m'a poussé à signer le jour même",
                "il a fallu trois rendez-vous pour obtenir un devis correct",
                "l'accompagnement commercial était vieillot et sans conviction",
            ),
        ),
        "repurchase": (
            (
                "le passage à la nouvelle voiture s'est fait très simplement",
                "en tant que client fidèle j'ai été traité comme tel",
                "ils se souvenaient de mes préférences sur la voiture précédente",
                "la reprise et la nouvelle commande ont été gérées en même temps, sans stress",
                "la fidélité est vraiment récompensée ici",
            ),
            (
                "des années de fidélité et ça ne compte pour rien",
                "c'est ma troisième voiture chez eux et on m'a traité comme un inconnu",
                "à la fin de ma LOA personne ne m'a contacté, j'ai dû relancer moi-même",
                "le changement de voiture a été mal organisé",
                "on m'a fait une meilleure offre ailleurs en tant que nouveau client",
            ),
        ),
    },
    "test_drive": {
        "*": (
            (
                "l'essai était assez long pour vraiment prendre en main {car}",
                "on m'a laissé faire un vrai essai sur autoroute, pas juste un tour du pâté de maisons",
                "le véhicule de démonstration était prêt et avec le plein à mon arrivée",
                "j'ai même pu garder la voiture tout l'après-midi",
                "le conseiller m'a expliqué les modes de conduite pendant l'essai",
                "j'ai pu faire l'essai seul, sans personne sur le dos",
            ),
            (
                "l'essai a duré dix minutes à peine dans la zone industrielle",
                "la voiture de démonstration n'était pas prête à mon arrivée",
                "le véhicule d'essai était sale avec un voyant allumé",
                "la motorisation que je voulais essayer n'était pas disponible",
                "l'essai a été annulé à la dernière minute",
                "le vendeur a passé tout l'essai au téléphone",
            ),
        ),
    },
    "handover_experience": {
        "*": (
            (
                "la livraison était un vrai moment, voiture sous bâche dans l'espace livraison",
                "ils ont pris plus d'une heure pour m'expliquer toutes les fonctions",
                "la présentation de {mycar} était impeccable",
                "ils ont configuré l'appli et mon téléphone avec moi avant mon départ",
                "il y avait même des fleurs et un petit cadeau à la livraison",
                "toute la livraison avait un vrai côté premium",
                "on a fait le tour de la voiture ensemble et on a répondu à toutes mes questions",
            ),
            (
                "livraison expédiée en cinq minutes, les clés et au revoir",
                "personne ne m'a expliqué les fonctions, j'ai dû me débrouiller avec la notice",
                "la voiture avait déjà une rayure sur la portière à la livraison",
                "{car} n'était même pas propre à la livraison",
                "la livraison s'est faite sur le parking sous la pluie",
                "il manquait la moitié des accessoires commandés",
                "la livraison a été complètement bâclée",
            ),
        ),
    },
    "finance_paperwork": {
        "*": (
            (
                "les papiers ont été faits rapidement et clairement",
                "tous les documents étaient prêts, je n'avais qu'à signer",
                "on m'a expliqué chaque document avant la signature",
            ),
            (
                "la paperasse a pris une éternité",
                "le contrat comportait des erreurs et il a fallu tout refaire",
                "j'ai dû envoyer les mêmes justificatifs trois fois",
            ),
        ),
        "finance": (
            (
                "le conseiller financement a expliqué toutes les options clairement",
                "le crédit a été accepté en une journée",
                "les mensualités sont exactement celles prévues",
                "aucun frais caché dans le contrat de financement",
                "le dossier de financement a été bouclé en une demi-heure",
                "ils ont trouvé un financement vraiment adapté à mon budget",
            ),
            (
                "le conseiller financement a voulu me placer des assurances dont je n'avais pas besoin",
                "l'accord de crédit a pris presque deux semaines",
                "les chiffres du contrat ne correspondaient pas à l'offre",
                "j'ai dû relancer plusieurs fois le service financement pour des documents",
                "personne ne m'a bien expliqué la valeur résiduelle",
                "le dossier de financement était un vrai bazar",
            ),
        ),
        "handover": (
            (
                "les papiers de livraison étaient déjà prêts, juste quelques signatures",
                "carte grise et documents étaient en ordre le jour J",
                "les formalités ont été vite réglées, on a pu se concentrer sur la voiture",
            ),
            (
                "on a passé plus de temps sur les papiers que sur la voiture à la livraison",
                "la carte grise n'était pas prête le jour de la livraison",
                "il a fallu m'envoyer les documents plus tard parce qu'ils les avaient oubliés",
                "la facture remise à la livraison comportait des erreurs",
            ),
        ),
    },
    "waiting_time": {
        "enquiry": (
            (
                "réponse à ma demande en ligne en moins d'une heure",
                "on m'a rappelé dans la matinée",
                "réponse ultra rapide à ma demande sur le site",
                "quelqu'un m'a recontacté le jour même",
            ),
            (
                "il a fallu quatre jours pour avoir une réponse à ma demande sur le site",
                "j'ai attendu une semaine un rappel qui n'est jamais venu",
                "j'ai dû renvoyer ma demande deux fois avant d'avoir une réponse",
                "aucune réponse à ma demande en ligne pendant des jours",
            ),
        ),
        "deposit": (
            (
                "la date de livraison a été confirmée tout de suite",
                "la voiture est arrivée plus tôt que prévu",
                "le délai était plus court que ce que je pensais",
            ),
            (
                "la date de livraison a déjà été repoussée trois fois",
                "les délais de livraison sont délirants",
                "des mois après l'acompte, toujours pas de date ferme",
            ),
        ),
        "finance": (
            (
                "l'accord de financement est arrivé très vite",
                "tout a été signé le jour même",
            ),
            (
                "l'attente pour l'accord de crédit a été beaucoup trop longue",
                "j'ai attendu deux heures à la concession que les documents soient prêts",
            ),
        ),
        "handover": (
            (
                "la voiture était prête à la date prévue",
                "aucune attente le jour de la livraison",
            ),
            (
                "la livraison a été repoussée deux fois sans vraie explication",
                "j'ai attendu plus d'une heure à la concession avant que la livraison commence",
                "la voiture a été prête deux semaines après la date promise",
            ),
        ),
        "service": (
            (
                "la voiture était prête à l'heure annoncée",
                "tout était fait en moins d'une heure",
                "j'ai récupéré la voiture le jour même",
                "l'atelier a même fini plus tôt que prévu",
                "j'ai attendu sur place et c'était très rapide",
            ),
            (
                "l'entretien a pris beaucoup plus de temps que prévu",
                "trois heures d'attente pour une simple vidange",
                "la voiture est restée quatre jours à l'atelier pour une journée de travail",
                "deux semaines pour avoir un rendez-vous à l'atelier",
                "on m'avait dit deux heures, j'ai attendu toute la journée",
            ),
        ),
    },
    "courtesy_car": {
        "*": (
            (
                "on m'a prêté un véhicule de courtoisie sans problème",
                "le véhicule de courtoisie était un modèle récent, très agréable",
                "la voiture de prêt était propre et prête à mon arrivée",
                "pour le véhicule de courtoisie tout s'est bien passé",
            ),
            (
                "pas de véhicule de courtoisie disponible alors que j'avais réservé il y a des semaines",
                "le véhicule de courtoisie était sale et presque sur la réserve",
                "on m'avait promis une voiture de prêt mais il n'y en avait pas",
                "on m'a donné une petite citadine comme véhicule de courtoisie",
                "on m'a facturé le carburant du véhicule de courtoisie",
            ),
        ),
    },
    "communication": {
        "event": (
            (
                "l'invitation et toutes les infos sont arrivées bien à l'avance",
                "le déroulé de la journée a été bien expliqué en amont",
            ),
            (
                "on a reçu le programme la veille au soir",
                "personne ne nous a prévenus du changement d'horaire",
            ),
        ),
        "*": (
            (
                "j'ai été tenu informé à chaque étape",
                "j'ai toujours eu des réponses claires à mes questions",
                "communication parfaite du début à la fin",
                "ils m'ont toujours rappelé quand ils l'avaient promis",
                "je savais toujours où en était mon dossier",
            ),
            (
                "personne ne m'a tenu informé, j'ai dû relancer pour tout",
                "le rappel promis n'est jamais venu",
                "mes mails sont restés sans réponse pendant des jours",
                "chaque interlocuteur me disait autre chose",
                "la communication était vraiment mauvaise",
            ),
        ),
        "enquiry": (
            (
                "la réponse à ma demande était personnalisée et détaillée, pas un copier-coller",
                "ils ont répondu par mail à toutes mes questions sur {car}",
                "le commercial m'a rappelé et a vraiment écouté ce que je cherchais",
                "ils ont fait un suivi sans être insistants",
            ),
            (
                "j'ai juste reçu un mail automatique et puis plus rien",
                "la réponse ne répondait à aucune de mes questions",
                "on m'a rappelé mais visiblement personne n'avait lu ma demande",
                "aucun suivi après le premier appel",
            ),
        ),
        "service": (
            (
                "le conseiller service m'a appelé pour tout expliquer avant de faire les travaux",
                "j'ai reçu une vidéo avec des photos des travaux, très pratique",
                "on m'a appelé pour me prévenir que la voiture était prête",
                "la facture m'a été expliquée ligne par ligne",
            ),
            (
                "personne ne m'a appelé pour dire que la voiture était prête",
                "ils ont fait des travaux supplémentaires sans me demander",
                "j'ai dû appeler trois fois pour avoir des nouvelles de {mycar}",
                "le conseiller était incapable d'expliquer ce qui avait été fait",
                "on ne m'a jamais prévenu du retard",
            ),
        ),
        "ownership": (
            (
                "sympa d'avoir un appel juste pour savoir si tout va bien avec la voiture",
                "l'appel était cordial et pas du tout commercial",
                "ils ont donné suite au petit souci signalé à la livraison",
                "ça fait plaisir de voir qu'on s'occupe encore de nous après la vente",
            ),
            (
                "l'appel de suivi n'était qu'un argumentaire commercial",
                "j'avais signalé un problème au dernier appel et rien n'a été fait",
                "aucune nouvelle de la concession depuis que j'ai récupéré la voiture",
                "ils ont appelé à une heure impossible et étaient pressés",
            ),
        ),
    },
    "price_value": {
        "*": (
            (
                "l'offre était juste et transparente",
                "j'ai eu une remise correcte sans devoir négocier pendant des heures",
                "bon rapport qualité-prix pour une voiture de ce niveau",
                "le prix final correspondait au devis à l'euro près",
            ),
            (
                "le prix a augmenté entre le devis et la commande",
                "zéro remise, c'est à prendre ou à laisser",
                "beaucoup trop cher par rapport aux autres concessions",
                "les options qui devraient être de série coûtent une fortune",
            ),
        ),
        "service": (
            (
                "la facture correspondait exactement au devis",
                "prix correct pour le travail effectué",
                "aucune mauvaise surprise sur la facture",
                "avec le contrat d'entretien le coût reste raisonnable",
            ),
            (
                "la facture était bien plus élevée que le devis",
                "beaucoup trop cher pour ce qui a été fait",
                "on m'a facturé des choses que je n'avais pas demandées",
                "le taux horaire de l'atelier est abusé",
                "presque 600 euros pour une révision de base, ce n'est pas normal",
            ),
        ),
        "finance": (
            (
                "le taux proposé était très compétitif",
                "les mensualités sont plus basses que prévu",
                "le financement était plus intéressant que celui de ma banque",
            ),
            (
                "le taux était plus élevé que celui de ma banque",
                "les mensualités ont augmenté au dernier moment",
                "avec tous les frais le financement revient cher",
            ),
        ),
        "repurchase": (
            (
                "la reprise de mon ancienne voiture était très correcte",
                "l'estimation de la reprise était meilleure que prévu",
                "j'ai eu une belle remise fidélité sur la nouvelle",
                "l'offre de reprise était juste et faite sur place",
            ),
            (
                "l'offre de reprise pour mon ancienne voiture était ridicule",
                "ils ont déduit de la reprise la moindre petite rayure",
                "aucune remise fidélité après trois voitures",
                "l'estimation de la reprise a baissé le jour de la livraison",
            ),
        ),
    },
    "staff_attitude": {
        "enquiry": (
            (
                "le commercial au téléphone était aimable et serviable",
                "très poli et professionnel au téléphone",
                "des mails sympas et personnalisés, pas robotiques du tout",
            ),
            (
                "le commercial au téléphone était hautain",
                "mon interlocuteur était désagréable et impatient",
                "on avait l'impression que je les dérangeais",
            ),
        ),
        "ownership": (
            (
                "la personne qui m'a appelé était aimable et vraiment intéressée",
                "échange très sympa avec le commercial qui m'a vendu la voiture",
                "interlocuteur poli et pas pressé",
            ),
            (
                "la personne au téléphone lisait un script sans s'intéresser à moi",
                "la personne au téléphone était impatiente",
                "le commercial qui m'a appelé était assez désagréable",
            ),
        ),
        "*": (
            (
                "le commercial était sympathique et très professionnel",
                "accueil chaleureux dès mon arrivée",
                "tout le monde était poli et a pris le temps",
                "l'équipe s'est vraiment mise en quatre",
                "des gens vraiment agréables, sans aucune arrogance",
            ),
            (
                "le vendeur était hautain et pas intéressé",
                "personne ne s'est occupé de moi pendant un bon moment en arrivant",
                "j'ai eu l'impression d'être jugé sur ma tenue",
                "le personnel était plus occupé par son téléphone que par moi",
                "le vendeur a été désagréable quand j'ai posé une simple question",
            ),
        ),
        "event": (
            (
                "les moniteurs étaient top et très patients",
                "les instructeurs donnaient de bons conseils à chaque tour",
                "les hôtes ont mis tout le monde à l'aise",
                "mon moniteur était drôle et très pro",
            ),
            (
                "les instructeurs étaient arrogants et ne donnaient presque aucun retour",
                "le moniteur était plus sur son téléphone qu'avec notre groupe",
                "l'équipe sur place était désorganisée et peu aimable",
                "personne ne s'occupait vraiment des invités",
            ),
        ),
        "service": (
            (
                "le conseiller service était aimable et compétent",
                "la personne à l'accueil de l'atelier était adorable et m'a proposé un café",
                "le conseiller a pris le temps de tout m'expliquer",
                "le personnel de l'atelier était poli et serviable",
            ),
            (
                "le conseiller service était désagréable et méprisant",
                "l'accueil de l'atelier était franchement désagréable",
                "le conseiller m'a fait sentir que je lui faisais perdre son temps",
                "à la réception de l'atelier, personne ne se sentait concerné",
            ),
        ),
        "finance": (
            (
                "le conseiller financement était patient et honnête",
                "on a pris le temps de tout nous expliquer sur le financement",
                "le responsable financement était sympa et pas du tout insistant",
            ),
            (
                "le conseiller financement était insistant et condescendant",
                "on nous a pris de haut comme si on ne savait pas compter",
                "le responsable financement était pressé et nous a bousculés",
            ),
        ),
    },
    "workmanship": {
        "*": (
            (
                "le travail a été bien fait du premier coup",
                "ils ont enfin trouvé le bruit que personne ne trouvait",
                "la voiture m'a été rendue nickel, lavée et aspirée",
                "tout a été fait exactement comme convenu",
                "la voiture roule comme neuve",
            ),
            (
                "le défaut est toujours là après le passage à l'atelier",
                "j'ai dû revenir car le travail n'était pas bien fait",
                "il y avait des traces de graisse sur le siège et le volant",
                "la voiture est revenue avec une nouvelle rayure sur le pare-chocs",
                "ils ont oublié de remettre à zéro l'indicateur d'entretien",
                "le voyant s'est rallumé deux jours après",
            ),
        ),
    },
    "vehicle_quality": {
        "test_drive": (
            (
                "{car} se conduit merveilleusement bien",
                "la tenue de route est incroyable",
                "la voiture m'a encore plus plu que prévu",
                "les accélérations sont bluffantes",
            ),
            (
                "la finition m'a paru moins haut de gamme que prévu",
                "les suspensions sont bien plus fermes que je pensais",
                "la voiture de démonstration avait des bruits partout",
                "le multimédia a planté deux fois pendant l'essai",
            ),
        ),
        "handover": (
            (
                "en vrai, c'est encore plus beau que sur le configurateur",
                "la voiture est exactement comme je l'ai configurée",
                "{car} est un vrai bijou",
            ),
            (
                "dès le premier jour, bug logiciel sur la voiture",
                "la voiture n'avait pas l'équipement commandé",
                "un voyant s'est allumé dès le trajet du retour",
            ),
        ),
        "event": (
            (
                "les voitures sur piste étaient parfaitement préparées",
                "enchaîner les derniers modèles, c'était top",
                "les voitures étaient neuves et en parfait état",
            ),
            (
                "la moitié des voitures avaient des pneus usés",
                "une des voitures est tombée en panne sur la piste",
                "au lieu des nouveaux modèles annoncés, on avait des anciennes voitures",
            ),
        ),
        "*": (
            (
                "{car} est un vrai plaisir à conduire",
                "la finition de {mycar} est superbe",
                "une voiture géniale, silencieuse, rapide et confortable",
                "la voiture est exactement ce que j'espérais",
                "{car} se conduit merveilleusement bien",
            ),
            (
                "{car} a des bruits parasites depuis le premier jour",
                "le système multimédia plante sans arrêt",
                "pour ce prix la qualité de finition est décevante",
                "dès la première semaine, bug logiciel sur {mycar}",
                "la voiture est déjà retournée trois fois à l'atelier pour le même problème",
            ),
        ),
    },
    "facilities": {
        "*": (
            (
                "le showroom est moderne et très accueillant",
                "salon d'attente agréable avec un bon café",
                "des locaux propres, lumineux et confortables",
            ),
            (
                "le showroom fait vieillot et mal rangé",
                "impossible de se garer à la concession",
                "l'espace d'attente était exigu et la machine à café en panne",
            ),
        ),
        "event": (
            (
                "le lieu et le traiteur étaient excellents",
                "super repas et bel espace d'accueil sur le circuit",
                "tout le cadre du circuit était impressionnant",
                "le déjeuner et les boissons étaient de grande qualité",
            ),
            (
                "le traiteur était médiocre et il n'y avait plus rien à midi",
                "aucun abri contre la pluie entre les sessions",
                "l'espace d'accueil était bien trop petit pour le nombre d'invités",
                "les sanitaires sur place étaient dans un état lamentable",
            ),
        ),
        "service": (
            (
                "le salon client est confortable et le wifi fonctionne",
                "espace d'attente agréable avec café et petits gâteaux",
                "réception atelier moderne et propre",
            ),
            (
                "l'espace d'attente est minuscule et le wifi ne marchait pas",
                "pas de vrai espace d'attente, juste trois chaises près de la porte",
                "le salon client était sale",
            ),
        ),
        "handover": (
            (
                "l'espace livraison est magnifique, on se sent vraiment privilégié",
                "un salon de livraison dédié avec champagne, très classe",
                "l'espace de livraison était calme et privé",
            ),
            (
                "il n'y a pas de vrai espace livraison, juste un coin du showroom",
                "l'espace livraison servait de stockage",
                "la livraison s'est faite dans un coin bruyant à côté de l'atelier",
            ),
        ),
    },
    "events": {
        "event": (
            (
                "la journée sur circuit était une expérience incroyable",
                "événement bien organisé avec beaucoup de temps au volant",
                "les exercices de conduite étaient exigeants et super amusants",
                "conduire sur un vrai circuit, c'était inoubliable",
                "le programme était varié et parfaitement minuté",
            ),
            (
                "l'événement était mal organisé et on a passé la journée à attendre",
                "seulement deux petits tours chacun pour une journée entière",
                "les sessions sur piste ont été écourtées sans explication",
                "beaucoup trop de monde pour le nombre de voitures",
                "le programme n'avait rien à voir avec ce qui était annoncé",
            ),
        ),
        "*": (
            (
                "j'apprécie beaucoup les invitations aux événements clients",
                "la soirée clients à la concession était très sympa",
                "l'invitation à un événement de conduite, c'est une belle attention",
            ),
            (
                "je ne suis jamais invité aux événements clients",
                "les événements clients sont toujours complets",
                "l'invitation est arrivée bien trop tard pour y aller",
            ),
        ),
    },
    "digital_app": {
        "*": (
            (
                "l'appli rend la prise de rendez-vous très simple",
                "la prise de rendez-vous en ligne a parfaitement fonctionné",
                "le configurateur sur le site est excellent",
                "j'ai pu suivre l'avancement de {mycar} dans l'appli",
                "les services connectés de l'appli marchent très bien",
            ),
            (
                "l'appli me déconnecte sans arrêt",
                "la réservation en ligne proposait des créneaux qui n'existaient pas",
                "le configurateur du site plantait sans arrêt",
                "{mycar} ne s'affiche pas correctement dans l'appli",
                "l'appli est lente et la moitié des fonctions ne marchent pas",
            ),
        ),
    },
}

NOUNS = {
    "sales_process": {
        "*": ("l'accompagnement commercial", "le processus d'achat"),
        "repurchase": ("le changement de voiture",),
    },
    "test_drive": {"*": ("l'essai",)},
    "handover_experience": {"*": ("la livraison", "la remise des clés")},
    "finance_paperwork": {
        "*": ("les papiers",),
        "finance": ("le financement", "le dossier de financement"),
        "handover": ("les papiers à la livraison",),
    },
    "waiting_time": {
        "enquiry": ("le délai de réponse",),
        "deposit": ("le délai de livraison",),
        "finance": ("le délai d'accord",),
        "handover": ("la date de livraison",),
        "service": ("le temps d'attente", "l'attente à l'atelier"),
    },
    "courtesy_car": {"*": ("le véhicule de courtoisie", "la voiture de prêt")},
    "communication": {
        "*": ("la communication",),
        "event": ("l'organisation en amont",),
        "enquiry": ("la réponse à ma demande",),
        "service": ("le suivi de l'atelier",),
        "ownership": ("l'appel de suivi",),
    },
    "price_value": {
        "*": ("le prix", "l'offre"),
        "service": ("la facture",),
        "finance": ("le taux", "les mensualités"),
        "repurchase": ("la reprise",),
    },
    "staff_attitude": {
        "*": ("l'accueil", "le vendeur"),
        "event": ("les moniteurs",),
        "service": ("le conseiller service",),
        "finance": ("le conseiller financement",),
    },
    "workmanship": {"*": ("le travail de l'atelier", "la réparation")},
    "vehicle_quality": {"*": ("la voiture", "{car}"), "event": ("les voitures",)},
    "facilities": {
        "*": ("le showroom",),
        "event": ("le lieu", "le traiteur"),
        "service": ("l'espace d'attente",),
        "handover": ("l'espace livraison",),
    },
    "events": {"event": ("l'événement", "la journée sur circuit"), "*": ("la soirée clients",)},
    "digital_app": {"*": ("l'appli", "le site")},
}

BANK = Bank(
    clauses=CLAUSES,
    nouns=NOUNS,
    neutral_templates=(
        "{n} : correct, sans plus",
        "{n} : rien à signaler",
        "rien de spécial concernant {n}",
        "{n}, dans la moyenne",
        "{n} : ni bien ni mal",
        "{n} : comme prévu",
        "pour {n}, rien à dire de particulier",
    ),
    name_clauses=(
        (
            "{name} a été top",
            "un grand merci à {name}",
            "{name} a été aux petits soins",
            "{name} est très pro",
            "{name} a été très à l'écoute",
            "mention spéciale pour {name}, super disponible",
        ),
        (
            "{name} n'était pas du tout à l'écoute",
            "{name} a été désagréable",
            "avec {name} tout était compliqué",
            "{name} ne rappelle jamais",
            "{name} n'a su répondre à aucune question",
        ),
    ),
    openers={
        "positive": (
            "Super expérience.",
            "Excellent !",
            "Très satisfait.",
            "Parfait du début à la fin.",
            "Vraiment impressionné.",
            "Rien à redire.",
            "Au top.",
            "Service impeccable.",
            "Très content dans l'ensemble.",
            "Quelle belle expérience!",
        ),
        "negative": (
            "Très déçu.",
            "Inacceptable.",
            "Expérience catastrophique.",
            "Franchement pas à la hauteur.",
            "Vraiment déçu.",
            "Médiocre.",
            "Par où commencer.",
            "Ce n'est pas ce qu'on attend d'une marque premium.",
            "Lamentable.",
            "Vraiment pas terrible.",
            "Franchement décevant.",
            "Quelle galère.",
        ),
        "mixed": (
            "Globalement correct.",
            "Expérience mitigée.",
            "Du bon et du moins bon.",
            "Pas mal dans l'ensemble.",
            "Bof.",
            "Avis partagé.",
        ),
        "neutral": ("Correct.", "Rien de spécial.", "Moyen.", "Comme prévu.", "Ça va."),
    },
    closers={
        "positive": (
            "Je reviendrai sans hésiter.",
            "Je recommande vivement !",
            "Merci à toute l'équipe.",
            "Continuez comme ça !",
            "Je recommande à tout le monde.",
            "Merci!",
            "Bravo à toute l'équipe.",
        ),
        "negative": (
            "Je ne reviendrai pas.",
            "Je m'attendais à beaucoup mieux.",
            "Indigne d'une marque premium.",
            "Je vais sérieusement regarder ailleurs la prochaine fois.",
            "Très décevant.",
            "À revoir d'urgence.",
            "Dommage.",
            "Très frustrant.",
            "Inadmissible.",
        ),
        "mixed": (
            "Peut mieux faire.",
            "Encore des progrès à faire.",
            "Corrigez ça et ce sera un 10.",
            "Pas mal mais pas top.",
            "J'espère que ce sera mieux la prochaine fois.",
        ),
        "neutral": ("Rien d'autre à dire.", "C'est tout.", "Ça fait le job."),
    },
    score_closers={
        "positive": ("{score}/10 !", "Le {score} est mérité.", "D'où le {score}."),
        "negative": ("D'où le {score}.", "{score}/10 et c'est généreux.", "C'est pour ça que je mets {score}."),
        "mixed": ("D'où le {score} et pas 10.", "C'est pour ça que je mets {score} et pas 10."),
        "neutral": ("{score}/10.", "D'où le {score}."),
    },
    join_same=(" et ", ", ", ". ", ". ", " et ", ". En plus, ", ", et en plus ", ". Et "),
    join_contrast=(" mais ", ", mais ", ". Par contre, ", ". En revanche, ", ", par contre ", ". Mais "),
    join_then_negative=(
        ". Seul bémol : ",
        ". Petit bémol : ",
        ". Seul point négatif : ",
        ". Un seul regret : ",
        ". Juste un truc : ",
    ),
    lead_ins={
        "negative": ("Franchement, ", "Malheureusement, ", "Honnêtement, ", "Bref, ", "Pour faire court, "),
        "positive": ("Franchement, ", "Honnêtement, ", "Sincèrement, ", "Bref, "),
        "mixed": ("Franchement, ", "Pour être honnête, ", "Globalement, "),
        "neutral": ("Bon, ", "Bref, ", "Honnêtement, "),
    },
    capitalise_after_colon=False,
    reservations=(
        "certains détails pourraient être améliorés",
        "tout n'était pas parfait",
        "il y a encore une marge de progression",
        "quelques petits détails ont un peu gâché l'expérience",
    ),
    soft_positives=(
        "dans l'ensemble c'était correct",
        "le reste était bien",
        "globalement l'expérience était correcte",
        "la plupart des choses se sont bien passées",
    ),
    short={
        "positive": (
            ("Parfait.", ()),
            ("Super !", ()),
            ("Top", ()),
            ("Nickel", ()),
            ("RAS, parfait", ()),
            ("Très bien", ()),
            ("Impeccable", ()),
            ("Rien à redire", ()),
            ("Au top !", ()),
            ("Génial", ()),
            ("Personnel très sympa", ("staff_attitude",)),
        ),
        "negative": (
            ("Nul.", ()),
            ("Catastrophique", ()),
            ("Lamentable", ()),
            ("Décevant.", ()),
            ("plus jamais", ()),
            ("très mauvais", ()),
            ("Médiocre", ()),
            ("Pas terrible du tout", ()),
            ("Honteux", ()),
            ("nul de chez nul", ()),
            ("Inadmissible !", ()),
        ),
        "mixed": (
            ("Bien mais peut mieux faire", ()),
            ("bof", ()),
            ("pas mal, sans plus", ()),
            ("Mitigé", ()),
        ),
        "neutral": (
            ("ok", ()),
            ("RAS", ()),
            ("correct", ()),
            ("-", ()),
            ("rien", ()),
            ("Sans avis", ()),
            ("moyen", ()),
        ),
    },
    short_by_context={
        "service": {
            "positive": (
                ("Rapide et efficace", ("waiting_time",)),
                ("service rapide", ("waiting_time",)),
                ("Bon travail", ("workmanship",)),
            ),
            "negative": (
                ("trop long", ("waiting_time",)),
                ("Trop cher", ("price_value",)),
                ("Pas de véhicule de courtoisie", ("courtesy_car",)),
                ("Facture abusive", ("price_value",)),
            ),
            "mixed": (
                ("Bon travail mais trop cher", ("workmanship", "price_value")),
                ("ok mais lent", ("waiting_time",)),
            ),
        },
        "handover": {
            "positive": (
                ("Livraison parfaite", ("handover_experience",)),
                ("Super livraison !", ("handover_experience",)),
            ),
            "negative": (
                ("livraison bâclée", ("handover_experience",)),
                ("voiture livrée en retard", ("waiting_time",)),
            ),
        },
        "sales": {
            "positive": (
                ("Bon conseil, aucune pression", ("sales_process",)),
                ("Vendeur très sympa", ("staff_attitude",)),
            ),
            "negative": (("commercial trop insistant", ("sales_process",)),),
        },
        "test_drive": {
            "positive": (("super essai", ("test_drive",)),),
            "negative": (("essai beaucoup trop court", ("test_drive",)),),
        },
        "enquiry": {
            "positive": (("réponse rapide", ("waiting_time",)),),
            "negative": (("jamais rappelé", ("communication",)), ("beaucoup trop lent à répondre", ("waiting_time",))),
        },
        "event": {
            "positive": (("Journée géniale !", ("events",)), ("super événement", ("events",))),
            "negative": (("mal organisé", ("events",)),),
        },
        "finance": {
            "positive": (("financement simple", ("finance_paperwork",)),),
            "negative": (("trop de paperasse", ("finance_paperwork",)),),
        },
        "ownership": {
            "positive": (("appel sympa", ("communication",)), ("voiture géniale", ("vehicle_quality",))),
            "negative": (("aucun suivi", ("communication",)),),
        },
        "repurchase": {
            "positive": (("bonne reprise", ("price_value",)),),
            "negative": (("reprise ridicule", ("price_value",)),),
        },
    },
    stories={
        "enquiry": (
            "J'ai fait une demande d'essai et de devis sur le site.",
            "Demande envoyée sur le site un dimanche soir.",
            "J'ai demandé un devis par internet.",
        ),
        "test_drive": (
            "Essai réservé en ligne.",
            "Je suis passé samedi pour essayer {car}.",
            "Ma femme et moi sommes venus pour un essai.",
        ),
        "deposit": (
            "Nous avons commandé la voiture et versé l'acompte le mois dernier.",
            "Commande passée au printemps.",
            "Bon de commande signé et acompte versé.",
        ),
        "experience_event": (
            "J'étais invité à la journée circuit.",
            "Je suis venu avec mon fils pour l'expérience de conduite.",
            "Nous étions invités par la concession au stage de conduite sur glace.",
        ),
        "finance_paperwork": (
            "Nous avons financé {mycar} par la concession.",
            "J'ai pris une LOA pour ma nouvelle voiture.",
            "Dossier de financement monté la semaine dernière.",
        ),
        "handover": (
            "J'ai récupéré {mycar} samedi.",
            "Livraison la semaine dernière, en famille.",
            "Livraison de {mycar} hier.",
        ),
        "first_service": (
            "Première révision de {mycar}.",
            "Premier entretien de la voiture.",
            "J'ai déposé la voiture pour la première révision.",
        ),
        "service_visit": (
            "Révision annuelle.",
            "Passage à l'atelier pour les freins et l'entretien.",
            "Voiture déposée à cause d'un voyant allumé.",
        ),
        "ownership_checkin": (
            "La concession m'a appelé quelques semaines après la livraison.",
            "Appel de suivi de la concession.",
            "On m'a appelé pour savoir si tout allait bien avec {mycar}.",
        ),
        "repurchase": (
            "C'est ma troisième voiture dans cette concession.",
            "J'ai fait reprendre mon ancienne voiture pour une neuve.",
            "Je suis revenu pour remplacer ma voiture en LOA.",
        ),
    },
    incentive=(
        "On m'a offert une révision pour un 10.",
        "Tapis de sol offerts pour une note de 10.",
        "Le vendeur m'a promis un lavage gratuit si je mettais 10.",
        "Bon d'achat pour la boutique accessoires en échange d'une bonne note.",
        "Ils ont dit que la première révision serait gratuite si le questionnaire revenait à 10/10.",
        "Remise sur les pneus hiver pour avoir rempli ce questionnaire avec la note max.",
        "Un plein offert pour un 10, donc voilà.",
        "Petit cadeau si on met 10, pourquoi pas.",
        "Réduction sur l'entretien contre un 10 au questionnaire.",
    ),
    coached=(
        ("On m'a demandé de mettre 10.", "neutral"),
        ("Le commercial m'a dit qu'en dessous de 10 c'est considéré comme un échec pour eux.", "neutral"),
        ("On m'a expliqué que seul un 10 compte dans cette enquête.", "neutral"),
        ("Le conseiller m'a dit qu'un 9 est une mauvaise note pour eux, donc 10.", "neutral"),
        ("On m'a demandé de mettre 10 au questionnaire si j'étais satisfait.", "neutral"),
        ("Ils m'ont expliqué le questionnaire et demandé la note maximale, 10.", "neutral"),
        ("Le vendeur m'a presque supplié de mettre 10, c'était gênant.", "negative"),
        ("Se faire dire que tout ce qui est en dessous de 10 est un échec, c'est un peu lourd.", "negative"),
        ("On m'a relancé trois fois pour mettre 10 à l'enquête, pas terrible.", "negative"),
    ),
    templated_heads=(
        ("Service {w} du début à la fin", ("impeccable", "parfait", "excellent", "irréprochable"), ()),
        ("Équipe très {w} et sympathique", ("professionnelle", "compétente", "réactive"), ("staff_attitude",)),
        ("Tout était {w}", ("parfait", "top", "impeccable", "nickel"), ()),
        ("Conseil {w} et aucune pression", ("excellent", "top", "parfait", "honnête"), ("sales_process",)),
        ("Une expérience {w}", ("géniale", "parfaite", "au top", "formidable"), ()),
        ("Démarches {w} et sans souci", ("rapides", "simples", "très rapides"), ("sales_process",)),
        ("Service {w} comme toujours", ("top", "parfait", "impeccable"), ()),
        ("Vraiment {w} dès le premier rendez-vous", ("ravi", "satisfait", "content"), ()),
    ),
    templated_tails=(
        (", merci à {name}", ()),
        (", {name} m'a tout parfaitement expliqué", ("staff_attitude",)),
        (". Je recommande vivement", ()),
        (", je recommande {name} les yeux fermés", ("staff_attitude",)),
        (". 10/10 grâce à {name}", ()),
        (". Merci à toute l'équipe", ()),
        (". Je reviendrai", ()),
        (". Avec {name} tout a été simple", ("staff_attitude",)),
    ),
    templated_endings=("!", ".", " !", "", " :)"),
    first_names=(
        "Julien",
        "Nicolas",
        "Sophie",
        "Camille",
        "Thomas",
        "Céline",
        "Maxime",
        "Laura",
        "Antoine",
        "Claire",
        "Romain",
        "Élodie",
        "Guillaume",
        "Manon",
        "Kevin",
        "Aurélie",
    ),
    car_forms={
        "{car}": ("la voiture", "le {model}", "l'{model}"),
        "{mycar}": ("ma voiture", "mon {model}", "mon {model}"),
    },
)
