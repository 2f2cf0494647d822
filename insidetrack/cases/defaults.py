"""Default playbooks head office starts from: one per score band for every touchpoint, in three languages."""

from __future__ import annotations

PLAYBOOKS: tuple[dict[str, str], ...] = (
    {
        "band": "promoter",
        "title": "Call to say thank you", "title_de": "Anrufen und danken", "title_fr": "Appeler pour remercier",
        "instructions": "Thank the customer personally for their feedback. Ask what made the difference, and "
                        "whether they would be happy to recommend us to a friend.",
        "instructions_de": "Danken Sie dem Kunden persönlich für sein Feedback. Fragen Sie, was den Unterschied "
                           "gemacht hat und ob er uns einem Freund empfehlen würde.",
        "instructions_fr": "Remerciez personnellement le client pour son avis. Demandez-lui ce qui a fait la "
                           "différence et s'il nous recommanderait volontiers à un ami.",
    },
    {
        "band": "passive",
        "title": "Acknowledge and ask what would make it excellent",
        "title_de": "Bestätigen und fragen, was es hervorragend machen würde",
        "title_fr": "Accuser réception et demander ce qui l'aurait rendu excellent",
        "instructions": "Thank the customer and ask the one thing that would have made their experience excellent. "
                        "Record it as a note.",
        "instructions_de": "Danken Sie dem Kunden und fragen Sie nach dem einen Punkt, der sein Erlebnis "
                           "hervorragend gemacht hätte. Halten Sie ihn als Notiz fest.",
        "instructions_fr": "Remerciez le client et demandez-lui la chose qui aurait rendu son expérience "
                           "excellente. Notez-la.",
    },
    {
        "band": "detractor",
        "title": "Call to apologise, listen and put it right",
        "title_de": "Anrufen, entschuldigen, zuhören und in Ordnung bringen",
        "title_fr": "Appeler pour s'excuser, écouter et réparer",
        "instructions": "Call within the deadline. Apologise, listen without defending, agree what will put it "
                        "right and by when. Record the root cause, the resolution and any goodwill with its cost.",
        "instructions_de": "Rufen Sie innerhalb der Frist an. Entschuldigen Sie sich, hören Sie zu, ohne sich zu "
                           "rechtfertigen, und vereinbaren Sie, was die Sache bis wann in Ordnung bringt. Erfassen "
                           "Sie Ursache, Lösung und jede Kulanz mit ihren Kosten.",
        "instructions_fr": "Appelez dans le délai. Excusez-vous, écoutez sans vous justifier, convenez de ce qui "
                           "réparera le problème et de la date. Notez la cause, la solution et tout geste "
                           "commercial avec son coût.",
    },
)
