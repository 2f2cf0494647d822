"""German phrase bank, written the way German owners write (Autohaus, Werkstatt, Übergabe), not translated.

German inflects articles, so car mentions go through {car}, which is the model name or "Wagen": both are
masculine, so "den {car}", "dem {car}" and "mein {car}" read correctly either way.
"""

from __future__ import annotations

from .base import Bank

CLAUSES = {
    "sales_process": {
        "enquiry": (
            (
                "ich habe ein übersichtliches Angebot mit allen Optionen bekommen",
                "der Verkäufer hat eine Probefahrt angeboten, ohne aufdringlich zu sein",
                "man hat mich eingeladen, die Konfiguration in Ruhe durchzugehen",
                "die Antworten waren ehrlich, auch wenn mal etwas nicht ging",
            ),
            (
                "man wollte mich nur ins Autohaus locken",
                "das Angebot war für das falsche Modell",
                "statt meine Frage zu beantworten, kamen gleich Finanzierungsangebote",
                "das Angebot war schwammig und die Hälfte der Optionen fehlte",
            ),
        ),
        "test_drive": (
            (
                "der Verkäufer kannte die Modelle genau und hat mich nicht gedrängt",
                "nach der Fahrt gab es null Druck, ich durfte in Ruhe überlegen",
                "danach sind wir die Ausstattung in Ruhe zusammen durchgegangen",
                "nach der Probefahrt gab es ein klares Angebot ohne Verkaufsdruck",
            ),
            (
                "direkt nach der Fahrt sollte ich unterschreiben",
                "der Verkäufer war aufdringlich und hat nur von Monatsaktionen geredet",
                "das versprochene Angebot nach der Probefahrt kam nie",
                "der Verkäufer konnte einfache Fragen zur Ausstattung nicht beantworten",
            ),
        ),
        "*": (
            (
                "die Beratung war top und ganz ohne Druck",
                "der Verkäufer kannte sich bestens aus und hat genau die richtige Ausstattung gefunden",
                "ich konnte mir alle Zeit der Welt lassen",
                "das Angebot war fair und nachvollziehbar",
                "die Konfiguration wurde Schritt für Schritt mit mir durchgegangen",
                "vom Angebot bis zur Bestellung lief alles reibungslos",
                "mir wurde nichts aufgeschwatzt",
            ),
            (
                "der Verkäufer war aufdringlich und wollte mir ständig Extras verkaufen",
                "man fühlt sich wie eine Nummer in der Verkaufsstatistik",
                "keiner konnte mir sagen, welche Ausstattung mein {car} genau bekommt",
                "in der Auftragsbestätigung standen zweimal die falschen Extras",
                "ich sollte am besten noch am selben Tag unterschreiben",
                "ich musste dreimal hinfahren, bis ich ein vernünftiges Angebot hatte",
                "die Beratung war oberflächlich und lieblos",
            ),
        ),
        "repurchase": (
            (
                "der Wechsel auf den neuen {car} war total unkompliziert",
                "als Stammkunde wird man hier auch so behandelt",
                "man kannte noch meine Wünsche vom letzten Auto",
                "der Umstieg vom alten aufs neue Auto lief nahtlos",
                "Treue wird hier wirklich belohnt",
            ),
            (
                "dass ich seit Jahren Kunde bin, hat niemanden interessiert",
                "obwohl das schon mein drittes Auto dort ist, wurde ich wie ein Fremder behandelt",
                "als mein Leasing auslief, hat sich keiner gemeldet, ich musste selbst hinterher sein",
                "der Wechsel auf das neue Auto war schlecht organisiert",
                "als Neukunde hätte ich woanders ein besseres Angebot bekommen",
            ),
        ),
    },
    "test_drive": {
        "*": (
            (
                "die Probefahrt war lang genug, um den {car} richtig kennenzulernen",
                "ich durfte auch auf die Autobahn und nicht nur einmal um den Block",
                "der Vorführwagen stand pünktlich und vollgetankt bereit",
                "ich konnte das Auto sogar den ganzen Nachmittag behalten",
                "der Verkäufer hat mir bei der Probefahrt die Fahrmodi erklärt",
                "ich durfte alleine fahren, ohne dass mir jemand über die Schulter schaut",
            ),
            (
                "die Probefahrt dauerte gerade mal zehn Minuten durchs Gewerbegebiet",
                "der Vorführwagen war bei meiner Ankunft nicht fertig",
                "das Vorführfahrzeug war dreckig und hatte eine Warnleuchte an",
                "die Motorisierung, die mich interessiert, war nicht verfügbar",
                "die Probefahrt wurde kurzfristig abgesagt",
                "der Verkäufer hat während der ganzen Probefahrt telefoniert",
            ),
        ),
    },
    "handover_experience": {
        "*": (
            (
                "die Übergabe war ein echtes Erlebnis, das Auto stand abgedeckt in der Auslieferungshalle",
                "man hat sich über eine Stunde Zeit genommen, um mir alle Funktionen zu erklären",
                "der {car} war top aufbereitet und wurde super präsentiert",
                "die App und mein Handy wurden noch vor Ort mit mir eingerichtet",
                "es gab sogar Blumen und ein kleines Geschenk bei der Übergabe",
                "die ganze Übergabe hat sich wirklich nach Premium angefühlt",
                "alle meine Fragen wurden in Ruhe beantwortet",
            ),
            (
                "die Übergabe war total gehetzt, Schlüssel in die Hand und tschüss",
                "mir hat niemand die Funktionen erklärt, ich musste mir alles aus der Anleitung zusammensuchen",
                "bei der Übergabe hatte das Auto schon einen Kratzer an der Tür",
                "der {car} war bei der Übergabe nicht mal richtig sauber",
                "die Übergabe fand im Regen auf dem Parkplatz statt",
                "die Hälfte vom bestellten Zubehör fehlte",
                "die Übergabe wirkte lieblos",
            ),
        ),
    },
    "finance_paperwork": {
        "*": (
            (
                "der Papierkram war schnell erledigt",
                "alle Unterlagen lagen fertig bereit, ich musste nur unterschreiben",
                "jedes Formular wurde mir vorher erklärt",
            ),
            (
                "der Papierkram hat ewig gedauert",
                "im Vertrag waren Fehler und alles musste neu gemacht werden",
                "ich musste dieselben Unterlagen dreimal schicken",
            ),
        ),
        "finance": (
            (
                "der Finanzierungsberater hat alle Optionen verständlich erklärt",
                "die Finanzierung war innerhalb eines Tages genehmigt",
                "die Rate ist genau so, wie besprochen",
                "keine versteckten Gebühren im Finanzierungsvertrag",
                "die Finanzierungsunterlagen waren in einer halben Stunde erledigt",
                "es wurde eine Finanzierung gefunden, die wirklich zu meinem Budget passt",
            ),
            (
                "der Finanzierungsberater wollte mir ständig Versicherungen andrehen",
                "die Kreditzusage hat fast zwei Wochen gedauert",
                "die Zahlen im Vertrag stimmten nicht mit dem Angebot überein",
                "ich musste wegen Unterlagen mehrmals hinterhertelefonieren",
                "die Schlussrate hat mir niemand richtig erklärt",
                "die Finanzierungsunterlagen waren ein einziges Chaos",
            ),
        ),
        "handover": (
            (
                "die Unterlagen bei der Auslieferung waren schon vorbereitet, nur noch ein paar Unterschriften",
                "Zulassung und Papiere waren am Tag der Übergabe komplett",
                "der Papierkram ging schnell, so blieb mehr Zeit fürs Auto",
            ),
            (
                "bei der Übergabe ging mehr Zeit für Formulare drauf als fürs Auto",
                "die Zulassungspapiere waren am Übergabetag nicht fertig",
                "der Fahrzeugbrief musste nachgeschickt werden, weil man ihn vergessen hatte",
                "die Rechnung bei der Auslieferung war fehlerhaft",
            ),
        ),
    },
    "waiting_time": {
        "enquiry": (
            (
                "auf meine Online-Anfrage kam innerhalb einer Stunde eine Antwort",
                "der Rückruf kam noch am selben Vormittag",
                "super schnelle Reaktion auf meine Anfrage",
                "es hat sich noch am selben Tag jemand gemeldet",
            ),
            (
                "auf meine Anfrage über die Website kam erst nach vier Tagen eine Antwort",
                "ich habe eine Woche auf einen Rückruf gewartet, der nie kam",
                "ich musste meine Anfrage zweimal schicken, bis sich jemand gerührt hat",
                "tagelang keine Reaktion auf meine Online-Anfrage",
            ),
        ),
        "deposit": (
            (
                "der Liefertermin wurde sofort bestätigt",
                "das Auto kam sogar früher als versprochen",
                "die Lieferzeit war kürzer als gedacht",
            ),
            (
                "der Liefertermin wurde schon dreimal verschoben",
                "die Lieferzeit für den {car} ist eine Zumutung",
                "Monate nach der Anzahlung habe ich immer noch keinen festen Termin",
            ),
        ),
        "finance": (
            (
                "die Kreditzusage war in kürzester Zeit da",
                "es war alles am selben Tag unterschrieben",
            ),
            (
                "auf die Kreditzusage musste ich viel zu lange warten",
                "ich saß zwei Stunden im Autohaus und habe auf die Unterlagen gewartet",
            ),
        ),
        "handover": (
            (
                "das Auto war pünktlich zum vereinbarten Termin fertig",
                "am Übergabetag gab es keine Wartezeit",
            ),
            (
                "die Auslieferung wurde zweimal ohne richtige Begründung verschoben",
                "ich habe über eine Stunde im Autohaus gewartet, bevor die Übergabe überhaupt anfing",
                "der Wagen war zwei Wochen später fertig als zugesagt",
            ),
        ),
        "service": (
            (
                "das Auto war wie versprochen pünktlich fertig",
                "nach knapp einer Stunde war alles erledigt",
                "ich hatte den Wagen noch am selben Nachmittag zurück",
                "die Werkstatt war sogar schneller als angekündigt",
                "ich habe in der Lounge gewartet und es ging ruckzuck",
            ),
            (
                "die Inspektion hat viel länger gedauert als zugesagt",
                "drei Stunden Wartezeit für einen simplen Ölwechsel",
                "für einen Tag Arbeit stand das Auto vier Tage in der Werkstatt",
                "zwei Wochen Wartezeit nur für einen Werkstatttermin",
                "es hieß zwei Stunden, am Ende war es der ganze Tag",
            ),
        ),
    },
    "courtesy_car": {
        "*": (
            (
                "ich habe problemlos einen Leihwagen bekommen",
                "der Leihwagen war ein nagelneues Modell, sehr schön",
                "der Ersatzwagen war sauber und stand schon bereit",
                "mit dem Leihwagen hat alles super geklappt",
            ),
            (
                "trotz Buchung vor Wochen war kein Leihwagen verfügbar",
                "der Leihwagen war dreckig und fast leer getankt",
                "mir wurde ein Ersatzwagen zugesagt, aber es gab keinen",
                "als Leihwagen gab es einen winzigen Kleinwagen",
                "für den Sprit im Leihwagen wurde mir extra was berechnet",
            ),
        ),
    },
    "communication": {
        "event": (
            (
                "die Einladung und alle Infos kamen rechtzeitig",
                "alle Details zum Ablauf wurden vorab klar kommuniziert",
            ),
            (
                "den Zeitplan haben wir erst am Abend vorher bekommen",
                "dass sich die Startzeit geändert hatte, hat uns keiner gesagt",
            ),
        ),
        "*": (
            (
                "ich wurde bei jedem Schritt auf dem Laufenden gehalten",
                "auf meine Fragen gab es immer eine klare Antwort",
                "die Kommunikation war von Anfang bis Ende top",
                "Rückrufe kamen immer wie versprochen",
                "ich wusste immer, was gerade passiert",
            ),
            (
                "niemand hat mich informiert, ich musste allem hinterherlaufen",
                "der versprochene Rückruf kam nie",
                "E-Mails blieben tagelang unbeantwortet",
                "jeder hat mir etwas anderes erzählt",
                "die Kommunikation war echt schlecht",
            ),
        ),
        "enquiry": (
            (
                "die Antwort auf meine Anfrage war ausführlich und persönlich, kein Standardtext",
                "alle meine Fragen zum {car} wurden per Mail beantwortet",
                "der Verkäufer hat zurückgerufen und wirklich zugehört",
                "es wurde nachgefasst, ohne aufdringlich zu sein",
            ),
            (
                "ich habe nur eine automatische Mail bekommen und dann nichts mehr",
                "die Antwort ging auf keine einzige meiner Fragen ein",
                "beim Rückruf hatte offensichtlich keiner meine Anfrage gelesen",
                "nach dem ersten Telefonat hat sich niemand mehr gemeldet",
            ),
        ),
        "service": (
            (
                "der Serviceberater hat vor jeder Arbeit angerufen und alles erklärt",
                "ich habe ein Video mit Fotos von der Reparatur bekommen, sehr hilfreich",
                "ich wurde angerufen, als das Auto fertig war",
                "die Rechnung wurde mir Punkt für Punkt erklärt",
            ),
            (
                "niemand hat angerufen, dass das Auto fertig ist",
                "es wurden Arbeiten gemacht, ohne mich vorher zu fragen",
                "ich musste dreimal anrufen, um zu erfahren, wie es um mein Auto steht",
                "der Serviceberater konnte nicht erklären, was eigentlich gemacht wurde",
                "über die Verzögerung hat mich keiner informiert",
            ),
        ),
        "ownership": (
            (
                "schön, dass man einfach mal anruft und fragt, ob mit dem Auto alles passt",
                "der Anruf war freundlich und kein Verkaufsgespräch",
                "man hat sich um die Kleinigkeit gekümmert, die ich bei der Übergabe erwähnt hatte",
                "gut zu wissen, dass man sich auch nach dem Kauf noch kümmert",
            ),
            (
                "der Anruf war nur ein verstecktes Verkaufsgespräch",
                "ich hatte beim letzten Mal ein Problem angesprochen, passiert ist nichts",
                "seit der Abholung habe ich vom Autohaus nichts mehr gehört",
                "der Anruf kam zu einer unmöglichen Zeit und war total gehetzt",
            ),
        ),
    },
    "price_value": {
        "*": (
            (
                "das Angebot war fair und transparent",
                "ich habe einen ordentlichen Nachlass bekommen, ohne lange feilschen zu müssen",
                "für die Qualität ist der Preis absolut in Ordnung",
                "der Endpreis entsprach exakt dem Angebot",
            ),
            (
                "zwischen Angebot und Bestellung ist der Preis plötzlich gestiegen",
                "null Rabatt, friss oder stirb",
                "im Vergleich zu anderen Händlern viel zu teuer",
                "Extras, die eigentlich Serie sein sollten, kosten ein Vermögen",
            ),
        ),
        "service": (
            (
                "die Rechnung entsprach genau dem Kostenvoranschlag",
                "fairer Preis für die Arbeit",
                "keine bösen Überraschungen auf der Rechnung",
                "mit dem Wartungspaket sind die Kosten echt überschaubar",
            ),
            (
                "die Rechnung war deutlich höher als der Kostenvoranschlag",
                "viel zu teuer für das, was gemacht wurde",
                "mir wurden Sachen berechnet, die ich gar nicht wollte",
                "die Stundensätze sind unverschämt",
                "fast 600 Euro für eine normale Inspektion geht gar nicht",
            ),
        ),
        "finance": (
            (
                "der Zinssatz war sehr gut",
                "die monatliche Rate ist niedriger als erwartet",
                "die Finanzierung war günstiger als bei meiner Hausbank",
            ),
            (
                "der Zins war höher als bei meiner Bank",
                "die Rate ist auf den letzten Metern noch gestiegen",
                "mit allen Gebühren ist die Finanzierung ganz schön teuer",
            ),
        ),
        "repurchase": (
            (
                "für meinen Gebrauchten habe ich einen sehr fairen Preis bekommen",
                "die Inzahlungnahme war besser als erwartet",
                "es gab einen guten Treuebonus auf den Neuen",
                "das Angebot für meinen alten Wagen war fair und kam sofort",
            ),
            (
                "das Angebot für meinen Gebrauchten war eine Frechheit",
                "für jeden kleinen Kratzer wurde bei der Inzahlungnahme was abgezogen",
                "nach drei Autos kein Cent Treuerabatt",
                "am Tag der Übergabe war die Bewertung für meinen Alten plötzlich niedriger",
            ),
        ),
    },
    "staff_attitude": {
        "enquiry": (
            (
                "der Verkäufer am Telefon war freundlich und hilfsbereit",
                "am Telefon sehr höflich und professionell",
                "freundliche und persönliche Mails, gar nicht roboterhaft",
            ),
            (
                "der Verkäufer am Telefon war arrogant",
                "mein Gesprächspartner war unhöflich und ungeduldig",
                "man hatte das Gefühl, dass ich störe",
            ),
        ),
        "ownership": (
            (
                "die Dame am Telefon war freundlich und wirklich interessiert",
                "nettes Gespräch mit dem Verkäufer, der mir das Auto verkauft hat",
                "der Anrufer war höflich und hatte Zeit",
            ),
            (
                "der Anrufer hat nur sein Skript abgelesen",
                "die Person am Telefon war ungeduldig",
                "der Verkäufer am Telefon war ziemlich unhöflich",
            ),
        ),
        "*": (
            (
                "der Verkäufer war freundlich und sehr professionell",
                "man wurde vom ersten Moment an herzlich empfangen",
                "alle waren höflich und haben sich Zeit genommen",
                "das Team hat sich echt ins Zeug gelegt",
                "sehr nette Leute, null arrogant",
            ),
            (
                "der Verkäufer war arrogant und desinteressiert",
                "im Showroom hat mich ewig keiner beachtet",
                "ich hatte das Gefühl, nach meinem Outfit beurteilt zu werden",
                "die Mitarbeiter waren mehr mit ihrem Handy beschäftigt als mit mir",
                "auf eine einfache Frage hat der Verkäufer patzig reagiert",
            ),
        ),
        "event": (
            (
                "die Instruktoren waren klasse und sehr geduldig",
                "die Fahrtrainer hatten in jeder Runde gute Tipps",
                "die Gastgeber haben sich toll um alle gekümmert",
                "mein Instruktor war lustig und total professionell",
            ),
            (
                "die Instruktoren waren arrogant und haben kaum Feedback gegeben",
                "der Instruktor war mehr am Handy als bei unserer Gruppe",
                "das Personal vor Ort war unorganisiert und unfreundlich",
                "um die Gäste hat sich keiner richtig gekümmert",
            ),
        ),
        "service": (
            (
                "der Serviceberater war freundlich und kompetent",
                "die Dame am Empfang war total nett und hat mir einen Kaffee gemacht",
                "der Serviceberater hat sich Zeit genommen und alles erklärt",
                "die Leute in der Werkstatt waren höflich und hilfsbereit",
            ),
            (
                "der Serviceberater war unfreundlich und herablassend",
                "am Empfang war man richtig unhöflich",
                "der Serviceberater tat so, als würde ich ihm die Zeit stehlen",
                "an der Serviceannahme hat sich niemand zuständig gefühlt",
            ),
        ),
        "finance": (
            (
                "der Finanzierungsberater war geduldig und ehrlich",
                "man hat sich viel Zeit genommen, uns die Finanzierung zu erklären",
                "der Berater für die Finanzierung war nett und überhaupt nicht aufdringlich",
            ),
            (
                "der Finanzierungsberater war aufdringlich und herablassend",
                "wir wurden behandelt, als könnten wir nicht rechnen",
                "der Finanzierungsberater war ungeduldig und hat uns gehetzt",
            ),
        ),
    },
    "workmanship": {
        "*": (
            (
                "die Arbeit wurde gleich beim ersten Mal ordentlich gemacht",
                "endlich hat jemand das Klappern gefunden",
                "das Auto kam blitzsauber zurück, sogar gewaschen und gesaugt",
                "alles wurde genau wie besprochen erledigt",
                "der Wagen fährt sich wieder wie neu",
            ),
            (
                "der Fehler ist nach dem Werkstattbesuch immer noch da",
                "ich musste nochmal hin, weil die Arbeit nicht ordentlich gemacht war",
                "Lenkrad und Sitz waren voller Fettflecken",
                "das Auto kam mit einem neuen Kratzer an der Stoßstange zurück",
                "die Serviceanzeige wurde nicht zurückgesetzt",
                "zwei Tage später ging die Warnleuchte wieder an",
            ),
        ),
    },
    "vehicle_quality": {
        "test_drive": (
            (
                "der {car} fährt sich traumhaft",
                "der {car} lag unglaublich satt auf der Straße",
                "das Auto war noch besser als erwartet",
                "die Beschleunigung vom {car} ist der Wahnsinn",
            ),
            (
                "der {car} wirkte weniger hochwertig als erwartet",
                "das Fahrwerk war viel härter als gedacht",
                "im Vorführwagen hat es überall geklappert",
                "das Infotainment ist während der Fahrt zweimal eingefroren",
            ),
        ),
        "handover": (
            (
                "der {car} sieht in echt noch besser aus",
                "das Auto ist genau so, wie ich es konfiguriert habe",
                "der {car} ist ein Traum",
            ),
            (
                "schon am ersten Tag hatte das Auto einen Softwarefehler",
                "das Auto hatte nicht die bestellte Ausstattung",
                "auf der Heimfahrt ging gleich eine Warnleuchte an",
            ),
        ),
        "event": (
            (
                "die Fahrzeuge auf der Strecke waren perfekt vorbereitet",
                "die neuesten Modelle direkt nacheinander zu fahren war klasse",
                "die Autos waren nagelneu und top in Schuss",
            ),
            (
                "die Hälfte der Autos hatte abgefahrene Reifen",
                "eines der Autos ist auf der Strecke liegen geblieben",
                "statt der angekündigten neuen Modelle gab es nur ältere Autos",
            ),
        ),
        "*": (
            (
                "der {car} fährt sich einfach traumhaft",
                "die Verarbeitung vom {car} ist erstklassig",
                "ein tolles Auto, leise, schnell und bequem",
                "das Auto ist genau das, was ich mir erhofft habe",
                "der {car} ist ein Traum",
            ),
            (
                "der {car} klappert seit dem ersten Tag",
                "das Infotainment stürzt ständig ab",
                "für den Preis ist die Verarbeitung enttäuschend",
                "schon in der ersten Woche hatte der {car} einen Softwarefehler",
                "das Auto war wegen desselben Problems schon dreimal in der Werkstatt",
            ),
        ),
    },
    "facilities": {
        "*": (
            (
                "der Showroom ist modern und einladend",
                "schöne Lounge mit gutem Kaffee",
                "sauberes, helles und gemütliches Autohaus",
            ),
            (
                "der Showroom wirkte abgenutzt und unaufgeräumt",
                "am Autohaus gibt es kaum Parkplätze",
                "der Wartebereich war eng und der Kaffeeautomat kaputt",
            ),
        ),
        "event": (
            (
                "Location und Catering waren hervorragend",
                "tolles Essen und eine schöne Hospitality an der Strecke",
                "das ganze Drumherum an der Rennstrecke war beeindruckend",
                "Mittagessen und Getränke waren erstklassig",
            ),
            (
                "das Catering war schwach und schon mittags leer",
                "zwischen den Sessions gab es keinen Platz, um sich vor dem Regen zu schützen",
                "der Aufenthaltsbereich war viel zu klein für so viele Gäste",
                "die Toiletten vor Ort waren eine Zumutung",
            ),
        ),
        "service": (
            (
                "die Kundenlounge ist gemütlich und das WLAN funktioniert",
                "schöner Wartebereich mit Kaffee und Snacks",
                "moderne und saubere Serviceannahme",
            ),
            (
                "der Wartebereich ist winzig und das WLAN ging nicht",
                "es gibt keinen richtigen Wartebereich, nur ein paar Stühle an der Tür",
                "die Kundenlounge war schmutzig",
            ),
        ),
        "handover": (
            (
                "der Auslieferungsbereich ist wunderschön, das hat sich besonders angefühlt",
                "ein eigener Übergaberaum mit Sekt, sehr stilvoll",
                "die Übergabe-Lounge war ruhig und privat",
            ),
            (
                "es gibt keinen richtigen Auslieferungsbereich, nur eine Ecke im Showroom",
                "der Übergabebereich wurde als Lager genutzt",
                "die Übergabe fand in einer lauten Ecke neben der Werkstatt statt",
            ),
        ),
    },
    "events": {
        "event": (
            (
                "das Fahrertraining war ein echtes Erlebnis",
                "super organisiertes Event mit viel Fahrzeit",
                "die Fahrübungen waren anspruchsvoll und haben riesig Spaß gemacht",
                "mal auf einer echten Rennstrecke zu fahren war unvergesslich",
                "das Programm war abwechslungsreich und perfekt getaktet",
            ),
            (
                "das Event war schlecht organisiert, die meiste Zeit haben wir gewartet",
                "nur zwei kurze Runden pro Person für einen ganzen Tag",
                "die Fahreinheiten wurden ohne Erklärung gekürzt",
                "viel zu viele Teilnehmer für die paar Autos",
                "das Programm hatte mit der Ausschreibung nichts zu tun",
            ),
        ),
        "*": (
            (
                "ich freue mich immer über die Einladungen zu Kundenevents",
                "der Kundenabend im Autohaus war richtig schön",
                "die Einladung zum Fahrevent war eine tolle Geste",
            ),
            (
                "zu den Kundenevents werde ich nie eingeladen",
                "die Kundenevents sind immer sofort ausgebucht",
                "die Einladung kam viel zu spät",
            ),
        ),
    },
    "digital_app": {
        "*": (
            (
                "über die App ist die Terminbuchung total einfach",
                "die Online-Terminbuchung hat perfekt funktioniert",
                "der Konfigurator auf der Website ist klasse",
                "in der App konnte ich den Status meines Autos verfolgen",
                "die Fernsteuerung über die App funktioniert super",
            ),
            (
                "die App meldet mich ständig ab",
                "bei der Online-Buchung wurden Termine angezeigt, die es gar nicht gab",
                "der Konfigurator auf der Website ist ständig abgestürzt",
                "mein Auto wird in der App nicht richtig angezeigt",
                "die App ist langsam und die Hälfte funktioniert nicht",
            ),
        ),
    },
}

NOUNS = {
    "sales_process": {"*": ("die Beratung", "der Kaufprozess"), "repurchase": ("der Wechsel aufs neue Auto",)},
    "test_drive": {"*": ("die Probefahrt",)},
    "handover_experience": {"*": ("die Übergabe", "die Auslieferung")},
    "finance_paperwork": {
        "*": ("der Papierkram",),
        "finance": ("die Finanzierung", "die Abwicklung der Finanzierung"),
        "handover": ("der Papierkram bei der Übergabe",),
    },
    "waiting_time": {
        "enquiry": ("die Reaktionszeit",),
        "deposit": ("die Lieferzeit",),
        "finance": ("die Bearbeitungszeit",),
        "handover": ("der Liefertermin",),
        "service": ("die Wartezeit", "die Dauer"),
    },
    "courtesy_car": {"*": ("der Leihwagen", "der Ersatzwagen")},
    "communication": {
        "*": ("die Kommunikation",),
        "event": ("die Organisation im Vorfeld",),
        "enquiry": ("die Antwort auf meine Anfrage",),
        "service": ("die Kommunikation mit der Werkstatt",),
        "ownership": ("der Anruf", "das Nachfassen"),
    },
    "price_value": {
        "*": ("der Preis", "das Angebot"),
        "service": ("die Rechnung",),
        "finance": ("der Zinssatz", "die Rate"),
        "repurchase": ("die Inzahlungnahme",),
    },
    "staff_attitude": {
        "*": ("der Verkäufer", "das Personal"),
        "event": ("das Instruktorenteam",),
        "service": ("der Serviceberater",),
        "finance": ("der Finanzierungsberater",),
    },
    "workmanship": {"*": ("die Arbeit der Werkstatt", "die Reparatur")},
    "vehicle_quality": {"*": ("das Auto", "der {car}"), "event": ("die Fahrzeugflotte",)},
    "facilities": {
        "*": ("der Showroom",),
        "event": ("die Location", "das Catering"),
        "service": ("der Wartebereich",),
        "handover": ("der Übergabebereich",),
    },
    "events": {"event": ("das Event", "das Fahrertraining"), "*": ("der Kundenabend",)},
    "digital_app": {"*": ("die App", "die Website")},
}

BANK = Bank(
    clauses=CLAUSES,
    nouns=NOUNS,
    neutral_templates=(
        "{n} war okay",
        "{n} war in Ordnung, nichts Besonderes",
        "{n} war so wie erwartet",
        "{n}: passt",
        "{n} war ganz normal",
        "{n} war weder gut noch schlecht",
        "{n}: nichts Besonderes, aber auch nichts Schlimmes",
    ),
    name_clauses=(
        (
            "{name} war super",
            "großes Dankeschön an {name}",
            "{name} hat sich toll gekümmert",
            "{name} war sehr kompetent",
            "mit {name} war alles unkompliziert",
            "ein Lob an {name}, sehr hilfsbereit",
        ),
        (
            "{name} war total desinteressiert",
            "{name} war unfreundlich",
            "mit {name} war es echt mühsam",
            "{name} hatte keine Ahnung",
            "{name} konnte keine einzige Frage richtig beantworten",
        ),
    ),
    openers={
        "positive": (
            "Super Erfahrung.",
            "Alles bestens!",
            "Sehr zufrieden.",
            "Rundum top.",
            "Wirklich beeindruckend.",
            "Besser geht's nicht.",
            "Klasse!",
            "Top Service.",
            "Ich bin rundum zufrieden.",
            "Was für ein tolles Erlebnis!",
        ),
        "negative": (
            "Sehr enttäuschend.",
            "Nicht akzeptabel.",
            "Eine Katastrophe.",
            "Ehrlich gesagt nicht gut genug.",
            "Ich bin wirklich enttäuscht.",
            "Schwach.",
            "Wo soll ich anfangen.",
            "Das erwarte ich nicht von einer Premiummarke.",
            "Unterirdisch.",
            "Echt ärgerlich.",
            "Ein Trauerspiel.",
            "Mehr als enttäuschend.",
        ),
        "mixed": (
            "Im Großen und Ganzen ok.",
            "Gemischte Gefühle.",
            "Licht und Schatten.",
            "Insgesamt nicht schlecht.",
            "Ganz okay.",
            "Grundsätzlich in Ordnung.",
        ),
        "neutral": ("War okay.", "Passt.", "Nichts Besonderes.", "Durchschnitt.", "Wie erwartet."),
    },
    closers={
        "positive": (
            "Gerne wieder!",
            "Absolut empfehlenswert.",
            "Danke an das ganze Team!",
            "Weiter so!",
            "Kann ich nur empfehlen.",
            "Vielen Dank!",
            "Ich komme auf jeden Fall wieder.",
        ),
        "negative": (
            "Nie wieder.",
            "Ich hatte deutlich mehr erwartet.",
            "Für eine Premiummarke ein Armutszeugnis.",
            "Beim nächsten Auto schaue ich mich woanders um.",
            "Sehr schwach.",
            "Bitte dringend verbessern.",
            "Schade.",
            "Sehr ärgerlich.",
            "So geht das nicht!",
        ),
        "mixed": (
            "Da ist noch Luft nach oben.",
            "Geht besser.",
            "Wenn das passt, gibt's auch die 10.",
            "Nicht schlecht, aber auch nicht super.",
            "Hoffentlich klappt es nächstes Mal besser.",
        ),
        "neutral": ("Mehr gibt es nicht zu sagen.", "Das war's.", "Erfüllt seinen Zweck."),
    },
    score_closers={
        "positive": ("{score} von 10!", "Dafür gibt's die {score}.", "Klare {score}."),
        "negative": ("Deshalb nur die {score}.", "{score} von 10 und das ist noch großzügig.", "Daher die {score}."),
        "mixed": ("Deshalb die {score} und keine 10.", "Daher nur {score} von 10."),
        "neutral": ("{score} von 10.", "Daher die {score}."),
    },
    join_same=(" und ", ", ", ". ", ". ", " und ", ", und ", " - ", ", auch "),
    join_contrast=(", aber ", " aber ", ". Aber ", ", doch ", " - aber "),
    join_then_negative=(
        ", nur ",
        ". Einziger Minuspunkt: ",
        ". Nur: ",
        ". Einziges Manko: ",
        ". Kleiner Kritikpunkt: ",
        ". Was nicht so toll war: ",
    ),
    lead_ins={
        "negative": ("Ganz ehrlich: ", "Leider muss ich sagen: ", "Kurz gesagt: ", "Fazit: ", "Tja. "),
        "positive": ("Ganz ehrlich: ", "Muss ich wirklich sagen: ", "Kurz gesagt: ", "Fazit: "),
        "mixed": ("Ganz ehrlich: ", "Fazit: ", "Um fair zu sein: "),
        "neutral": ("Naja. ", "Kurz gesagt: ", "Fazit: "),
    },
    capitalise_after_colon=True,
    reservations=(
        "ein paar Kleinigkeiten könnten besser sein",
        "es war nicht alles perfekt",
        "es gibt noch Luft nach oben",
        "ein, zwei Details haben gestört",
    ),
    soft_positives=(
        "im Großen und Ganzen war es okay",
        "der Rest war in Ordnung",
        "insgesamt war es eine ordentliche Erfahrung",
        "das meiste hat gut geklappt",
    ),
    short={
        "positive": (
            ("Alles bestens", ()),
            ("Super!", ()),
            ("Top", ()),
            ("Alles top!", ()),
            ("Sehr gut.", ()),
            ("Perfekt", ()),
            ("passt alles", ()),
            ("Klasse", ()),
            ("Spitze!", ()),
            ("Nichts zu meckern", ()),
            ("Sehr freundliches Personal", ("staff_attitude",)),
        ),
        "negative": (
            ("Schlecht.", ()),
            ("Katastrophe", ()),
            ("Unterirdisch", ()),
            ("Enttäuschend.", ()),
            ("nie wieder", ()),
            ("mangelhaft", ()),
            ("schwach", ()),
            ("Sehr schlecht", ()),
            ("Frechheit!", ()),
            ("ärgerlich", ()),
            ("ungenügend", ()),
        ),
        "mixed": (
            ("Gut, aber ausbaufähig", ()),
            ("geht so", ()),
            ("Licht und Schatten", ()),
            ("teils gut, teils schlecht", ()),
        ),
        "neutral": (
            ("ok", ()),
            ("passt", ()),
            ("OK", ()),
            ("-", ()),
            ("k.A.", ()),
            ("Durchschnitt", ()),
            ("nichts", ()),
        ),
    },
    short_by_context={
        "service": {
            "positive": (
                ("Schnell und unkompliziert", ("waiting_time",)),
                ("schneller Service", ("waiting_time",)),
                ("Gute Arbeit", ("workmanship",)),
            ),
            "negative": (
                ("zu langsam", ("waiting_time",)),
                ("Zu teuer", ("price_value",)),
                ("Kein Leihwagen", ("courtesy_car",)),
                ("Wucherpreise", ("price_value",)),
            ),
            "mixed": (
                ("Gute Arbeit, aber zu teuer", ("workmanship", "price_value")),
                ("ok, aber langsam", ("waiting_time",)),
            ),
        },
        "handover": {
            "positive": (
                ("Perfekte Übergabe", ("handover_experience",)),
                ("Tolle Auslieferung!", ("handover_experience",)),
            ),
            "negative": (("Übergabe lieblos", ("handover_experience",)), ("Auto kam zu spät", ("waiting_time",))),
        },
        "sales": {
            "positive": (
                ("Nette Beratung ohne Druck", ("sales_process",)),
                ("Freundlicher Verkäufer", ("staff_attitude",)),
            ),
            "negative": (("Verkäufer zu aufdringlich", ("sales_process",)),),
        },
        "test_drive": {
            "positive": (("tolle Probefahrt", ("test_drive",)),),
            "negative": (("Probefahrt viel zu kurz", ("test_drive",)),),
        },
        "enquiry": {
            "positive": (("schnelle Antwort", ("waiting_time",)),),
            "negative": (("kein Rückruf", ("communication",)), ("reagieren viel zu langsam", ("waiting_time",))),
        },
        "event": {
            "positive": (("Toller Tag!", ("events",)), ("Super Event", ("events",))),
            "negative": (("schlecht organisiert", ("events",)),),
        },
        "finance": {
            "positive": (("unkomplizierte Finanzierung", ("finance_paperwork",)),),
            "negative": (("zu viel Papierkram", ("finance_paperwork",)),),
        },
        "ownership": {
            "positive": (("netter Anruf", ("communication",)), ("tolles Auto", ("vehicle_quality",))),
            "negative": (("es meldet sich keiner", ("communication",)),),
        },
        "repurchase": {
            "positive": (("guter Preis für meinen Alten", ("price_value",)),),
            "negative": (("mieses Angebot für die Inzahlungnahme", ("price_value",)),),
        },
    },
    stories={
        "enquiry": (
            "Ich habe über die Website eine Anfrage zum {car} geschickt.",
            "Anfrage am Sonntagabend online gestellt.",
            "Ich wollte ein Angebot für den {car} haben.",
        ),
        "test_drive": (
            "Probefahrt online gebucht.",
            "Ich war am Samstag zur Probefahrt mit dem {car} da.",
            "Meine Frau und ich waren zur Probefahrt im Autohaus.",
        ),
        "deposit": (
            "Wir haben den {car} letzten Monat bestellt und angezahlt.",
            "Bestellung im Frühjahr aufgegeben.",
            "Vertrag unterschrieben und Anzahlung geleistet.",
        ),
        "experience_event": (
            "Ich war zum Fahrertraining an der Rennstrecke eingeladen.",
            "War mit meinem Sohn beim Fahrerlebnis.",
            "Wir waren als Gäste des Autohauses beim Wintertraining.",
        ),
        "finance_paperwork": (
            "Wir haben den {car} über das Autohaus finanziert.",
            "Ich habe für das neue Auto eine Finanzierung abgeschlossen.",
            "Letzte Woche lief der Finanzierungsantrag.",
        ),
        "handover": (
            "Am Samstag habe ich meinen neuen {car} abgeholt.",
            "Letzte Woche mit der ganzen Familie das Auto abgeholt.",
            "Gestern war die Übergabe von meinem {car}.",
        ),
        "first_service": (
            "Erste Inspektion an meinem {car}.",
            "Das Auto war zur ersten Inspektion in der Werkstatt.",
            "Habe den {car} zum ersten Service gebracht.",
        ),
        "service_visit": (
            "Jährliche Inspektion.",
            "Der {car} war für Bremsen und Service in der Werkstatt.",
            "Auto war wegen einer Warnleuchte in der Werkstatt.",
        ),
        "ownership_checkin": (
            "Ein paar Wochen nach der Auslieferung hat das Autohaus angerufen.",
            "Das Autohaus wollte wissen, wie ich mit dem {car} zurechtkomme.",
            "Nachfassanruf vom Autohaus bekommen.",
        ),
        "repurchase": (
            "Das ist schon mein drittes Auto bei diesem Händler.",
            "Ich habe meinen alten Wagen für den neuen {car} in Zahlung gegeben.",
            "Bin wieder hier, um meinen Leasingwagen zu ersetzen.",
        ),
    },
    incentive=(
        "Für eine 10 gab es eine Gratis-Inspektion.",
        "Habe kostenlose Fußmatten für die Bestnote bekommen.",
        "Der Verkäufer hat mir eine kostenlose Fahrzeugwäsche versprochen, wenn ich 10 gebe.",
        "Für eine gute Bewertung gab es einen Gutschein fürs Zubehör.",
        "Bei 10 von 10 gibt's die erste Inspektion umsonst, hieß es.",
        "Dafür, dass ich hier die volle Punktzahl gebe, gab es Rabatt auf Winterreifen.",
        "Es gab eine Tankfüllung geschenkt für eine 10.",
        "Gratis-Autowäsche für eine 10, also bitte schön.",
        "Für die Bestnote gab's einen Gutschein, warum nicht.",
    ),
    coached=(
        ("Der Verkäufer meinte, alles unter 10 zählt für sie als durchgefallen.", "neutral"),
        ("Ich wurde gebeten, in der Umfrage 10 zu geben.", "neutral"),
        ("Man hat mir gesagt, nur eine 10 zählt bei dieser Bewertung.", "neutral"),
        ("Der Serviceberater hat erklärt, dass eine 9 für sie schon schlecht ist, also 10.", "neutral"),
        ("Wurde gebeten, bei Zufriedenheit 10 Punkte zu geben.", "neutral"),
        ("Man hat mir die Umfrage erklärt und um die volle Punktzahl gebeten, also 10.", "neutral"),
        ("Der Verkäufer hat regelrecht um eine 10 gebettelt, das war unangenehm.", "negative"),
        ("Dass alles unter 10 als durchgefallen gilt, finde ich schon etwas übertrieben.", "negative"),
        ("Ich wurde dreimal daran erinnert, in der Umfrage 10 zu geben, nicht so toll.", "negative"),
    ),
    templated_heads=(
        ("{w} Service von Anfang bis Ende", ("Hervorragender", "Super", "Toller", "Perfekter"), ()),
        ("Sehr {w} und freundliches Team", ("professionelles", "kompetentes", "engagiertes"), ("staff_attitude",)),
        ("Alles war {w}", ("perfekt", "super", "bestens", "top"), ()),
        ("{w} Beratung ganz ohne Druck", ("Tolle", "Super", "Kompetente", "Perfekte"), ("sales_process",)),
        ("Ein {w} Erlebnis", ("tolles", "super", "rundum tolles", "perfektes"), ()),
        ("{w} und unkomplizierte Abwicklung", ("Schnelle", "Reibungslose", "Zügige"), ("sales_process",)),
        ("{w} Service wie immer", ("Top", "Super", "Erstklassiger"), ()),
        ("Vom ersten Besuch an {w}", ("begeistert", "zufrieden", "rundum zufrieden"), ()),
    ),
    templated_tails=(
        (", vielen Dank an {name}", ()),
        (", {name} hat alles perfekt erklärt", ("staff_attitude",)),
        (". Absolut empfehlenswert", ()),
        (", {name} kann ich nur empfehlen", ("staff_attitude",)),
        (". 10 von 10, danke {name}", ()),
        (". Danke an das ganze Team", ()),
        (". Gerne wieder", ()),
        (". Mit {name} war alles so einfach", ("staff_attitude",)),
    ),
    templated_endings=("!", ".", "!!", "", " :)"),
    first_names=(
        "Thomas",
        "Stefan",
        "Julia",
        "Markus",
        "Sabine",
        "Andreas",
        "Katrin",
        "Michael",
        "Jan",
        "Lena",
        "Tobias",
        "Nicole",
        "Florian",
        "Anja",
        "Sven",
        "Melanie",
    ),
    car_forms={"{car}": ("Wagen", "{model}", "{model}")},
)
