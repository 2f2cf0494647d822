"""Flags on a verbatim that need a person rather than a statistic: incentive or coaching, and safety or legal issues.

Why rules and not the trained model: both flags are rare, have to be explainable ("flagged because of *asked me to
give a 10*"), and must work from day one in three languages without labelled examples. A rule also says exactly
which words triggered it, which is what a head office checks before calling a dealer.

Why precision comes first: an incentive flag accuses a dealer of gaming the survey, and a safety flag starts an
urgent process. So every rule needs the words that make the meaning unambiguous, not single keywords:

* a request needs a requesting verb, a rating verb and a score ("asked me to give a 10"); "I give them a 10" and
  "10 out of 10 service" have no request, "asked me to rate the car" has no score;
* a number is only a score when no unit follows it ("10 minutes", "9am", "10.000 km");
* the words between the parts of a rule may not cross a sentence, a comma (except in German, where an infinitive
  clause follows a comma: "hat mich gebeten, 10 Punkte zu geben") or a conjunction such as "and", "but", "und",
  "mais", so that two unrelated clauses do not make one phrase;
* a negation in the same clause before the phrase ("nobody asked me", "niemand hat mich gebeten", "personne ne m'a
  demandé", "no one was hurt") cancels it;
* a few rules have a veto for the innocent sentence they would otherwise catch ("I hope my score helps his bonus";
  "I filled in the survey on their tablet").

Texts are matched lower-cased, without accents and with "ß" as "ss" (so "Ölwechsel" and "OLWECHSEL", "lâché" and
"lache" meet the same pattern), but phrases are returned as the customer wrote them, through an index map from the
folded text back to the original. Rules of a language are compiled on first use; a text in a language without rules
of its own is read with all of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import permutations

__all__ = ["Flags", "detect_flags"]

_LANGUAGES = ("en", "de", "fr")


@dataclass(frozen=True, slots=True)
class Flags:
    incentive: tuple[str, ...]   # matched phrases (as they appear in the text) suggesting incentive or coaching
    safety: tuple[str, ...]      # matched phrases suggesting a safety or legal issue needing urgent handling

    @property
    def is_incentive(self) -> bool:
        return bool(self.incentive)

    @property
    def is_safety(self) -> bool:
        return bool(self.safety)


# --------------------------------------------------------------------------------------------------------------------
# Folding: lower case, no accents, with a map back to the original characters.

_SPECIAL_CHARS = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'", "\u0153": "oe",
                  "\u0152": "oe", "\u00e6": "ae", "\u00c6": "ae", "\u2013": "-", "\u2014": "-", "\u00a0": " ",
                  "\u202f": " ", "\u00df": "ss", "\u1e9e": "ss"}
_fold_cache: dict[str, str] = {}


def _fold_char(char: str) -> str:
    folded = _fold_cache.get(char)
    if folded is None:
        folded = _SPECIAL_CHARS.get(char)
        if folded is None:
            decomposed = unicodedata.normalize("NFKD", char)
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        _fold_cache[char] = folded
    return folded


def _fold(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, unless it is plain ASCII (same length, same positions), each folded char's origin."""
    if text.isascii():
        return text.lower(), None
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


# --------------------------------------------------------------------------------------------------------------------
# Building blocks of the patterns (all written in folded form: lower case, no accents, "ss" for "ß").

_STOP = {
    "en": r"\b(?:and|but|then|so|because|or|although|though|however)\b",
    "de": r"\b(?:und|aber|doch|sondern|dann|danach|weil|oder|jedoch|allerdings|trotzdem)\b",
    "fr": r"\b(?:et|mais|puis|donc|car|ou|cependant|pourtant|toutefois)\b",
}


def _gap(language: str, most: int, *, commas: bool = False) -> str:
    """Up to ``most`` characters inside one clause: no sentence end, no conjunction, and no comma unless allowed."""
    stops = ".!?;:\\n" if commas else ".!?;:,\\n"
    return rf"(?:(?!{_STOP[language]})[^{stops}]){{0,{most}}}?"


def _any_order(*parts: str, gap: str) -> str:
    """All the parts (each starting with a word boundary) in one clause, in any order."""
    bare = [part.removeprefix(r"\b") for part in parts]
    return r"\b(?:" + "|".join(gap.join([order[0], *(r"\b" + p for p in order[1:])])
                                for order in permutations(bare)) + ")"


def _alt(words: str) -> str:
    """A whitespace-separated word list as an alternation; "_" in a word stands for a space."""
    return "(?:" + "|".join(word.replace("_", r"\s+") for word in words.split()) + ")"


# A number is not a score when a unit or another digit follows it ("10 minutes", "9am", "10,000", "10-year-old"), nor
# when it is the end of a scale or a time ("rate my visit out of 10", "von 1 bis 10", "de 0 à 10", "back at 10").
_NOT_SCALE_EN = r"(?<!out\sof\s)(?<!scale\sof\s)(?<!\sto\s)(?<!at\s)(?<!by\s)(?<!until\s)(?<!before\s)(?<!after\s)"
_NOT_SCALE_DE = r"(?<!bis\s)(?<!von\s)(?<!um\s)(?<!ab\s)(?<!gegen\s)"
_NOT_SCALE_FR = r"(?<!sur\s)(?<!\sa\s)(?<!vers\s)(?<!des\s)"
_UNIT_EN = (r"(?![\d.,]\d|\d|\s*(?:%|-\s*\w|percent|per\s*cent|x\b|k\b|am\b|pm\b|h\b|hrs?\b|hours?|mins?\b|minutes?|"
            r"secs?\b|seconds?|days?|weeks?|months?|years?|yrs?|miles?|mph|km|kms|kilomet\w*|euros?|eur\b|€|£|\$|"
            r"pounds?|quid|bucks|dollars?|hundred|thousand|grand|litres?|liters?|o'?clock|:\d|th\b|st\b|nd\b|rd\b|"
            r"times?|people|cars?|others?|tyres?|tires?|seats?|speed|gears?))")
_UNIT_DE = (r"(?![\d.,]\d|\d|\.\s*(?:jan|feb|mar|apr|mai|jun|jul|aug|sep|okt|nov|dez)|\s*(?:%|-\s*\w|prozent|uhr|"
            r"h\b|std\w*|stunden?|min\w*|sek\w*|tage?n?\b|woche\w*|monat\w*|jahr\w*|km|kilometer\w*|euro\w*|eur\b|€|"
            r"liter\w*|mal\b|hundert|tausend|leute|personen|autos?\b|fahrzeug\w*|gang\w*|sitz\w*|reifen))")
_UNIT_FR = (r"(?![\d.,]\d|\d|\s*(?:%|-\s*\w|pour\s*cent|h\b|h\d|heures?|min\w*|sec\w*|jours?|semaines?|mois|ans?\b|"
            r"annees?|km|kilometres?|euros?|eur\b|€|litres?|fois|cents?\b|mille|personnes|gens|voitures?|vehicules?|"
            r"vitesses?|places?|pneus?))")

_SCORE_EN = (r"\b(?:"
             rf"(?:perfect\s+)?{_NOT_SCALE_EN}(?:10|9|ten|nine)(?:\s*/\s*10|\s+out\s+of\s+(?:10|ten))?{_UNIT_EN}"
             r"|(?:all\s+)?(?:10'?s|tens)\b"
             r"|(?:full|top|max|maximum|perfect|highest|high|good|great|positive|excellent|glowing|five[- ]star|"
             r"5[- ]star)\s+(?:scores?|ratings?|marks?|reviews?|feedback|surveys?|results?|points?|grades?)"
             r"|(?:5|five)\s+stars?|(?:as\s+)?(?:very|extremely|completely|highly|fully)\s+satisfied"
             r"|as\s+(?:excellent|outstanding|perfect)|top\s+box)")
_SCORE_DE = (r"\b(?:"
             rf"(?:(?:eine|die|der|einer|volle|vollen)\s+)?{_NOT_SCALE_DE}(?:10|9|zehn|neun)(?:\s*/\s*10|"
             r"\s+von\s+(?:10|zehn))?"
             rf"{_UNIT_DE}(?:\s+punkte?n?)?"
             r"|(?:10|zehn)er\b|zehner\b|(?:die\s+)?volle\w*\s+punkt\w*"
             r"|(?:die\s+)?(?:hochste|besten?|beste)\w*\s+(?:punkt\w*|bewertung\w*|note\w*|stufe)"
             r"|(?:die\s+)?(?:bestnote|hochstnote|hochstbewertung|topbewertung|top-bewertung)\w*"
             r"|(?:eine\s+|einen\s+)?(?:gute|positive|sehr\s+gute|top|hohe|tolle|super)[nrs]?\s+"
             r"(?:bewertung\w*|note\w*|beurteilung\w*|punktzahl|feedback|rezension\w*)|(?:5|funf)\s+sterne\w*"
             r"|mit\s+[\"']?(?:sehr\s+gut|sehr\s+zufrieden|hervorragend|ausgezeichnet)[\"']?)")
_SCORE_FR = (r"\b(?:"
             rf"(?:(?:que\s+des|des|un|une|la|le)\s+)?(?:note\s+(?:de\s+)?)?{_NOT_SCALE_FR}(?:10|9|dix|neuf)"
             rf"(?:\s*/\s*(?:10|dix)|\s+sur\s+(?:10|dix))?{_UNIT_FR}(?:\s+partout)?"
             r"|(?:la|une)\s+note\s+(?:maximale|maximum|max|parfaite|la\s+plus\s+haute|de\s+(?:10|dix))"
             r"|(?:la\s+)?(?:note|evaluation)\s+maximale"
             r"|(?:une\s+|de\s+|des\s+)?(?:bonnes?|tres\s+bonnes?|excellentes?|parfaites?|meilleures?|hautes?|"
             r"super)\s+(?:notes?|evaluations?|avis|appreciations?|critiques?)"
             r"|(?:le\s+)?maximum\b|20\s*/\s*20|(?:5|cinq)\s+etoiles"
             r"|(?:tres|entierement|completement|pleinement)\s+satisfaits?)")

# Negation cues: one of these in the clause before a phrase cancels it.
_NEGATION = {
    "en": re.compile(r"\b(?:no\s?one|no-one|nobody|never|not|none|neither|nor|without|nothing|no)\b|n't\b|"
                     r"\b(?:didnt|wasnt|werent|dont|doesnt|havent|hasnt|hadnt|wont|cant|couldnt|wouldnt|isnt|arent)\b"),
    "de": re.compile(r"\b(?:nicht|nichts|nie|niemals|niemand\w*|kein\w*|weder|ohne|nirgends)\b"),
    "fr": re.compile(r"\b(?:personne|jamais|aucune?|ni|sans|nullement|pas|rien)\b|\bne\b|\bn'"),
}
_CLAUSE_BREAK = re.compile(r"[.!?;:,\n]|" + "|".join(_STOP.values()))
_SENTENCE_BREAK = re.compile(r"[.!?\n]")
_WINDOW = 60


@dataclass(frozen=True, slots=True)
class _Rule:
    language: str
    pattern: re.Pattern[str]
    word_start: bool                              # the phrase must start at a word boundary
    veto_before: re.Pattern[str] | None = None   # searched in the clause before the phrase
    veto_sentence: re.Pattern[str] | None = None  # searched in the whole sentence
    requires: tuple[str, ...] = ()                # the rule only runs on texts containing one of these (speed)


_LEADING_BOUNDARY = (r"\b", r"(?<!\w)")


def _compile(pattern: str) -> tuple[re.Pattern[str], bool]:
    """The pattern without a leading word-boundary assertion, which is checked after the search instead.

    Python's regex engine only skips ahead to positions where the first characters can match when the pattern
    starts with them; a leading ``\\b`` turns that off and made the rules ten times slower.
    """
    for boundary in _LEADING_BOUNDARY:
        if pattern.startswith(boundary):
            return re.compile(pattern[len(boundary):]), True
    return re.compile(pattern), False


def _top_level_alternatives(pattern: str) -> list[str]:
    """``a|b`` as ``[a, b]`` (outside groups and classes), so that each alternative gets ``_compile``'s speed-up."""
    parts: list[str] = []
    depth, in_class, escaped, begin = 0, False, False, 0
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[begin:index])
            begin = index + 1
    parts.append(pattern[begin:])
    return parts


def _rules(language: str, patterns: list[str], *, veto_before: str | None = None,
           veto_sentence: str | None = None, requires: tuple[str, ...] = ()) -> list[_Rule]:
    before = re.compile(veto_before) if veto_before else None
    sentence = re.compile(veto_sentence) if veto_sentence else None
    return [_Rule(language, *_compile(part), before, sentence, requires)
            for pattern in patterns for part in _top_level_alternatives(pattern)]


# --------------------------------------------------------------------------------------------------------------------
# English

def _english() -> tuple[list[_Rule], list[_Rule]]:
    g = lambda n: _gap("en", n)  # noqa: E731
    score = _SCORE_EN
    verb = _alt("asked ask asks asking told tell tells telling begged beg begging pressured pressuring pressure "
                "pressed pressing pushed pushing push urged urging urge encouraged encouraging encourage reminded "
                "remind reminding instructed instruct requested request pleaded_with pleading_with nudged coached "
                "prompted pestered hounded persuaded convinced expected wanted want wants")
    passive = _alt("asked told begged pressured pressed pushed urged encouraged reminded instructed requested nudged "
                   "coached prompted pestered persuaded expected")
    obj = (r"(?:me|us|you|everyone|customers?|people|my\s+(?:wife|husband|partner|son|daughter|dad|father|mum|mom|"
           r"mother|friend|colleague|boss))")
    rate = _alt("give giving rate score mark put tick select choose leave award grade answer click press circle vote "
                "fill")
    ask_tail = (rf"(?:to\s+(?:(?:just|only|please|definitely|always|really)\s+)?{rate}\b{g(25)}{score}"
                rf"|for\s+(?:(?:a|an|the|some|my|our)\s+)?{score})")
    reward = (r"(?:free|complimentary|gratis|vouchers?|gifts?|discount\w*|money\s+off|cash\s*back|freebies?|bribe\w*|"
              r"incentives?|rewards?|rewarded|upgrades?|perks?|[£$€]\s*\d+|\d+\s*(?:quid|pounds|euros?|dollars|bucks))")
    condition = (r"(?:for|if|in\s+exchange\s+for|in\s+return\s+for|provided|as\s+long\s+as|so\s+long\s+as|"
                 r"on\s+condition)")
    survey = r"(?:scores?|ratings?|surveys?|feedback|reviews?|answers?|marks?|results?|questionnaires?)"
    pay = (r"(?:bonus\w*|pay|paycheck|salary|salaries|commission|wages?|jobs?|livelihood|income|targets?|"
           r"pay\s+rise|raise)")
    incentive = _rules("en", [
        rf"\b{verb}\s+{obj}\b{g(40)}\b{ask_tail}",
        rf"\b(?:was|were|got|been|being|am|are|is|get|gets)\s+(?:(?!not\b|never\b)\w+\s+)?{passive}\b"
        rf"{g(40)}\b{ask_tail}",
        rf"\b(?:asked|asking|ask|asks)\s+(?:me\s+|us\s+)?(?:if|whether)\s+(?:i|we)\b{g(30)}\b(?:give|rate|score|"
        rf"mark|put|tick)\b{g(20)}{score}",
        rf"\binsist(?:ed|ing|s)?\s+(?:that\s+)?(?:i|we)\s+(?:should\s+|must\s+)?(?:give|gave|rate|rated|score|scored|"
        rf"put)\b{g(20)}{score}",
        rf"\bplease\s+(?:do\s+)?(?:give|rate|score|mark)\s+(?:us|me)\b{g(15)}{score}",
        rf"\b(?:remember|don'?t\s+forget)\s+to\s+(?:give|rate|score|mark)\s+(?:us|me)\b{g(15)}{score}",
        rf"\b(?:said|says|say|mentioned|explained|stressed|emphasi[sz]ed|made\s+(?:it\s+)?clear|hinted|warned)\b"
        rf"{g(20)}\b(?:i|we|you)\s+(?:should|must|have\s+to|had\s+to|need\s+to|needed\s+to|ought\s+to|were\s+to|"
        rf"was\s+to|could\s+only|can\s+only)\s+(?:(?:only|just|really|definitely)\s+)?(?:give|rate|score|mark|put|"
        rf"tick|select|choose)\b{g(20)}{score}",
        # "anything below 9 counts as a fail", "only a 10 counts", "a 9 is a fail"
        rf"\b(?:anything|everything|any\s+(?:score|rating|mark)|scores?|ratings?|marks?)\s+(?:below|under|less\s+than|"
        rf"lower\s+than|other\s+than|short\s+of|but)\s+(?:a\s+)?(?:9|10|nine|ten)(?:\s*/\s*10)?{_UNIT_EN}{g(40)}\b"
        r"(?:fail\w*|counts?\s+as|is\s+(?:a|like\s+a|seen\s+as|treated\s+as|considered)|zero|bad|negative|"
        r"penali[sz]\w*|hurts?|punish\w*|problem|not\s+good\s+enough|no\s+good|worthless|useless|disaster|"
        r"black\s+mark)",
        rf"\b(?:only|just)\s+(?:a\s+)?(?:10|ten|10/10|full\s+marks|top\s+marks|a\s+perfect\s+score){_UNIT_EN}\s+"
        r"(?:counts?|matters?|is\s+(?:a\s+pass|accepted|acceptable|good\s+enough|ok|okay|any\s+good)|will\s+do)",
        r"\b(?:a\s+)?(?:9|nine|8|eight)(?:\s*/\s*10|\s+out\s+of\s+(?:10|ten))?\s+(?:is|counts\s+as|=|equals|means)\s+"
        r"(?:a\s+|like\s+a\s+|the\s+same\s+as\s+a\s+|as\s+bad\s+as\s+a\s+)?(?:fail|failure|zero|0|negative|"
        r"bad\s+score|detractor)\b",
        # a reward for a score
        rf"(?<!\w){reward}\b{g(60)}\b{condition}\b{g(30)}{score}",
        rf"\bif\s+(?:i|we)\b{g(30)}{score}{g(50)}(?<!\w){reward}",
        rf"\b(?:for|in\s+exchange\s+for|in\s+return\s+for)\s+{score}{g(40)}(?<!\w){reward}",
    ]) + _rules("en", [
        # the survey affects someone's pay
        rf"\b{survey}\b{g(40)}\b(?:affects?|affected|affecting|impacts?|impacted|determines?|decides?|"
        r"counts?\s+towards|goes\s+towards|go\s+towards|(?:is|are)\s+tied\s+to|(?:is|are)\s+linked\s+to|"
        rf"feeds?\s+into|influences?)\b{g(30)}\b{pay}\b",
        rf"\b{pay}\s+(?:depends|depended|relies|relied|(?:is|was|are|were)\s+based|rides|hinges|hinged|"
        rf"(?:is|was|are|were)\s+tied|(?:is|was|are|were)\s+linked)\s+(?:on|to)\s+(?:(?:the|my|this|our|a|good|"
        rf"these|those|your)\s+)*{survey}\b",
    ], veto_sentence=r"\b(?:hope|hopefully|deserves?|wish)\b") + _rules("en", [
        # staff filled in the survey
        _any_order(r"\b(?:filled|fill|filling|completed|complete|completing|did|done|answered|answering|submitted|"
                   r"ticked|clicked)\b",
                   r"\b(?:survey|questionnaire|feedback\s+form|satisfaction\s+form)\b",
                   r"\b(?:for\s+me|for\s+us|on\s+my\s+behalf|on\s+our\s+behalf|in\s+my\s+name|instead\s+of\s+me|"
                   r"by\s+(?:the|a|my|our)\s+(?:staff|salesman|salesperson|sales\s+\w+|dealer\w*|advisor|adviser|"
                   r"employee|receptionist|manager)|(?:without|before)\s+(?:me|i)\b)", gap=g(40)),
    ], veto_before=r"\b(?:i|we|i've|we've|i\s+have|we\s+have|i\s+had|we\s+had)\s+(?:\w+\s+)?$",
       requires=("survey", "questionnaire", "form"))

    brake_subject = (r"\b(?:brakes?|braking|brake\s+system)\b(?!\s*(?:pads?|discs?|disks?|fluid|lights?|lamps?|noise|"
                     r"squeal\w*|dust|wear|service|check|job|calipers?|hoses?|sensors?))")
    fail = (r"(?<!n't\s)(?<!not\s)(?<!never\s)(?:fail(?:ed|ing|s|ure)?\b(?!\s+(?:the\s+|its\s+|their\s+)?"
            r"(?:mot|inspection|test|tuv|check))|gave\s+(?:out|way)|stopped\s+working|(?:did|do|does|would|will)\s*"
            r"(?:n't|not)\s+work|didnt\s+work|not\s+working|lock(?:ed|ing)?\s+up|seized|went\s+to\s+the\s+floor|"
            r"cut\s+out|packed\s+up)")
    driving = (r"(?:motorway|highway|freeway|dual\s+carriageway|autobahn|at\s+speed|while\s+driving|whilst\s+driving|"
               r"in\s+traffic|overtaking|roundabout|junction|fast\s+lane|at\s+\d+\s*(?:mph|km/?h))")
    stall = (r"(?:lost\s+(?:all\s+)?power|loss\s+of\s+power|losing\s+power|power\s+loss|cut(?:s|ting)?\s+out|"
             r"stall(?:ed|s|ing)?|shut\s+(?:itself\s+)?down|died|limp\s+(?:home\s+)?mode|engine\s+stopped)")
    safety = _rules("en", [
        rf"{brake_subject}{g(20)}{fail}",
        r"\b(?:brake|braking|steering)\s+(?:failure|failed|malfunction)\b",
        r"\b(?:lost|losing|loss\s+of|no)\s+(?:all\s+|the\s+)?(?:brakes|braking|steering|power\s+steering)\b",
        r"\b(?:power\s+)?steering\b(?<!heated\ssteering)"
        r"(?!\s+wheel\s+(?:heat|button|control|trim|leather|stitch))(?!\s+lock\b)"
        rf"{g(20)}(?:{fail}|went\s+(?:heavy|stiff)|locked\s+(?:up|solid)|jammed)",
        rf"(?:{stall}{g(40)}\b{driving}|{driving}{g(40)}\b{stall})",
        r"\b(?:caught|catch(?:es|ing)?|burst\s+into|went\s+up\s+in|was\s+on|set\s+on)\s+(?:fire|flames)\b",
        r"\b(?:engine|electrical|battery|car|vehicle|bonnet|hood|dashboard|charging|charger|wiring|cable)\s+fires?\b",
        r"\bfire\s+(?:brigade|service|department|engine|fighters?|crew)\b|\bflames\b|\bin\s+flames\b",
        rf"\bsmoke\b{g(30)}\b(?:from|out\s+of|coming|came|pouring|billowing|filled|filling|in\s+the\s+(?:cabin|car)|"
        r"under\s+the\s+(?:bonnet|hood)|engine|bonnet|dashboard|vents?)\b",
        r"\b(?:engine|bonnet|hood|dashboard|battery|car|exhaust|brakes?|wheel|charger|cable)\s+(?:was\s+|started\s+"
        r"|began\s+)?(?:smoking|to\s+smoke)\b",
        r"\b(?:smell\s+of\s+burning\s+(?:plastic|wires?|rubber)|electrical\s+burning\s+smell|burning\s+electrical)\b",
        rf"\bair\s?bags?\b{g(25)}\b(?:deploy\w*|went\s+off|go\s+off|fail\w*|fault\w*|warning|light|"
        r"didn'?t|did\s+not|inflat\w*|explod\w*|blew|malfunction\w*|error|defect\w*)",
        r"\b(?:faulty|defective|dangerous)\s+air\s?bags?\b",
        rf"\bwheels?\b(?!\s*(?:trims?|caps?|covers?|arch\w*|alignment)){g(25)}\b(?:came|come|coming|fell|falling|fall|"
        r"worked|working|nearly\s+came|almost\s+came)\s+(?:loose|off)\b",
        rf"\bwheels?\b(?!\s*(?:trims?|caps?|covers?|arch\w*|alignment)){g(10)}\b(?:was|were)\s+loose\b",
        r"\b(?:loose|missing)\s+(?:wheel\s+nuts?|wheel\s+bolts?|lug\s+nuts?)\b|\bloose\s+wheels?\b",
        rf"\b(?:wheel|lug)\s+(?:nuts?|bolts?)\b{g(20)}\b(?:loose|not\s+(?:been\s+)?tightened|missing|"
        r"(?:weren'?t|were\s+not)\s+tightened|not\s+torqued|fell\s+off)",
        r"\b(?:tyre|tire)\s+(?:blew\s+out|blowout|exploded|burst)\b",
        rf"\b(?:accident|crash|collision|near\s+miss)\b{g(50)}\b(?:because\s+of|due\s+to|caused\s+by|"
        rf"as\s+a\s+result\s+of)\b{g(40)}\b(?:brakes?|steering|fault\w*|fail\w*|defect\w*|malfunction\w*|wheel|"
        r"tyre|tire|airbag|software|"
        r"cruise\s+control|lane\s+assist|emergency\s+braking)",
        rf"\b(?:fault|failure|defect|malfunction)\w*\b{g(50)}\b(?:caused|cause|causing|led\s+to|leading\s+to|"
        r"resulted\s+in)\b\s+(?:an?\s+|the\s+)?(?:accident|crash|collision)",
        r"\b(?:i|we|my\s+(?:wife|husband|son|daughter|partner)|she|he)\s+(?:nearly|almost)\s+(?:crashed|"
        r"had\s+an?\s+(?:accident|crash)|hit\s+(?:another|someone|somebody|a\s+(?:car|tree|wall|"
        r"pedestrian|cyclist|child|barrier|lorry|truck|van|bollard|post|pole|person))|"
        r"(?:reversed|backed|drove|ran|crashed|slid|skidded)\s+into\s+(?:a|an|the|another|someone|somebody)?\s*"
        r"(?:bollard|post|pole|wall|tree|car|van|lorry|truck|pedestrian|cyclist|child|kid|person|barrier|"
        r"lamp\s*post)|died(?!\s+(?:laughing|of\s+(?:laughter|shock|"
        r"embarrassment)))|got\s+killed|was\s+killed|were\s+killed)\b",
        r"\bcould\s+have\s+(?:been\s+)?(?:killed|died|caused\s+an?\s+(?:accident|crash))\b",
        r"\b(?:unsafe|dangerous|life[- ]threatening|death\s+trap)\b",
        r"\binjur(?:y|ies|ed|ing)\b(?<!insult\sto\sinjury)",
        r"\b(?:ambulance|hospitali[sz]ed|taken\s+to\s+hospital|went\s+to\s+hospital|ended\s+up\s+in\s+hospital|"
        r"in\s+a&e|whiplash|paramedics?)\b",
        r"\b(?:was|were|got|been|i|we|child|son|daughter|wife|husband|passenger)\s+(?:badly\s+|seriously\s+)?(?:hurt|"
        r"injured)\b",
        r"\b(?:hurt|injured|burnt|burned|trapped|crushed|broke)\s+(?:my|his|her|their|our)\s+(?:hands?|fingers?|back|"
        r"head|legs?|arms?|knee|shoulder|neck|foot|feet|wrist|face|eyes?)\b",
        rf"\b(?:safety\s+|the\s+|a\s+|an\s+|open\s+|outstanding\s+|manufacturer'?s?\s+)recall(?:s|\s+work)?\b{g(50)}\b"
        r"(?:not\s+(?:been\s+)?(?:done|carried\s+out|performed|completed)|(?:was|wasn'?t|hasn'?t|has|had|have|haven'?t)"
        r"\s+(?:not\s+|never\s+)?(?:been\s+)?(?:ignored|missed|forgotten)|(?:wasn'?t|hasn'?t|haven'?t|had\s+not|"
        r"has\s+not|was\s+not)\s+(?:been\s+)?(?:done|carried\s+out|performed|completed)|never\s+(?:been\s+)?done|"
        r"still\s+(?:open|outstanding)|overdue|refused)",
        r"\b(?:didn'?t|did\s+not|never|forgot\s+to|refused\s+to|failed\s+to|haven'?t|hasn'?t|have\s+not|has\s+not)"
        r"\s+(?:do|did|done|carry\s+out|carried\s+out|perform|performed|complete|completed|fix|fixed)\s+(?:the\s+|"
        r"a\s+)?(?:safety\s+)?recall\b",
        r"\b(?:outstanding|open|pending|unresolved|ignored)\s+(?:safety\s+)?recall\b",
        r"\b(?:fuel|petrol|diesel|battery|brake\s+fluid|acid|hydrogen|lpg)\s+(?:leak\w*|was\s+leaking|is\s+leaking)\b",
        r"\bleak(?:ing|ed|s)?\s+(?:fuel|petrol|diesel|battery\s+acid|brake\s+fluid|acid)\b",
        r"\b(?:smell|smells|smelled|smelt|stink\w*|reek\w*)\s+(?:strongly\s+)?of\s+(?:fuel|petrol|diesel)\b",
        r"\b(?:fuel|petrol|diesel)\s+(?:smell|fumes)\b",
        r"\bbattery\s+(?:overheat\w*|thermal\s+runaway|swell\w*|swollen)\b",
        # legal
        r"\b(?:lawyers?|solicitors?|attorneys?|legal\s+(?:action|proceedings|advice|steps|team|route)|lawsuit|"
        r"litigation|small\s+claims|trading\s+standards|ombudsman|consumer\s+(?:protection|rights|association)|"
        r"citizens\s+advice|gdpr\s+(?:breach|violation|complaint)|breach\w*\s+(?:of\s+)?(?:the\s+)?gdpr|"
        r"data\s+protection\s+(?:breach|violation|complaint|authority|officer)|data\s+breach|data\s+leak|"
        r"identity\s+theft|forged\s+(?:my\s+|his\s+|her\s+|our\s+|the\s+)?signatures?|forgery|mis-?sold|"
        r"mis-?selling)\b",
        r"\b(?:will|going\s+to|gonna|i'?ll|we'?ll|shall|intend\s+to|considering|threaten(?:ed|ing)?\s+to|might|may|"
        r"could|would|should|want\s+to|plan\s+to|planning\s+to)\s+sue\b|\bsu(?:ing|ed)\b",
        r"\b(?:to|in|into|before\s+a|through\s+the|take\s+\w+\s+to)\s+court\b|\bcourt\s+(?:case|action|proceedings|"
        r"claim|order|hearing)\b",
        r"\b(?:call(?:ed|ing)?|contact(?:ed|ing)?|report(?:ed|ing)?\s+(?:it\s+|this\s+|them\s+|him\s+|her\s+)?to|"
        r"involv(?:e|ed|ing))\s+the\s+police\b|\bpolice\s+(?:report|complaint)\b",
        r"\b(?:de)?fraud\w*",
        rf"\b(?:my|our)\s+(?:personal\s+)?(?:data|details|information)\b{g(20)}\b(?:leaked|sold\s+to|stolen|"
        r"exposed|shared\s+with\s+(?:another|other|a\s+third|third)|sent\s+to\s+(?:another|other|the\s+wrong|"
        r"a\s+stranger|someone\s+else))\b",
        r"\b(?:discriminat\w*|racis[tm]|sexis[tm]|sexual(?:ly)?\s+harass\w*)\b",
    ])
    return incentive, safety


# --------------------------------------------------------------------------------------------------------------------
# German

def _german() -> tuple[list[_Rule], list[_Rule]]:
    g = lambda n: _gap("de", n)  # noqa: E731
    gc = lambda n: _gap("de", n, commas=True)  # noqa: E731
    score = _SCORE_DE
    give = (r"(?:zu\s+)?(?:geb\w*|zu\s*geben|vergeb\w*|bewert\w*|ankreuz\w*|anzukreuzen|anklick\w*|anzuklicken|"
            r"auswahl\w*|auszuwahlen|wahl\w*|setz\w*|verteil\w*|gibst|gibt)\b")
    asked = _alt("gebeten bat baten bittet bitten aufgefordert forderte forderten gedrangt drangte drangten drangt "
                 "angehalten uberredet uberreden uberredete genotigt notigte bedrangt bedrangte nahegelegt legte "
                 "ermutigt ermutigte angewiesen wies gedrangelt gepusht")
    told = _alt("gesagt sagte sagten sagt meinte meinten meint erklart erklarte erklarten hiess betont betonte "
                "darauf_hingewiesen wies_darauf_hin")
    modal = _alt("soll solle sollte sollten sollen muss musse musste mussten mussen moge mochte bitte nur")
    reward = (r"(?:kostenlos\w*|gratis|umsonst|geschenkt\w*|gutschein\w*|rabatt\w*|nachlass\w*|preisnachlass\w*|"
              r"geschenk\w*|kostenfrei\w*|praemie|pramie\w*|belohn\w*|bestech\w*|\d+\s*(?:euro|eur|€)|€\s*\d+|"
              r"aufmerksamkeit|upgrade)")
    # at the end of a phrase, compounds too ("Tankgutschein"); not at its start, where it would slow every search
    reward_word = rf"(?:{reward}|\w+(?:gutschein|rabatt|nachlass|geschenk|pramie|belohnung)\w*)"
    survey = (r"(?:bewertung\w*|umfrage\w*|befragung\w*|note\w*|punkte\w*|feedback\w*|fragebogen\w*|"
              r"zufriedenheitsumfrage\w*|kundenbefragung\w*)")
    pay = (r"(?:provision\w*|bonus\w*|boni|gehalt\w*|lohn\w*|pramie\w*|verdienst\w*|vergutung\w*|bezahlung\w*|job\w*|"
           r"arbeitsplatz\w*|zielvereinbarung\w*|jahresziel\w*|ziele)")
    incentive = _rules("de", [
        rf"\b{asked}\b{gc(60)}{score}{gc(25)}{give}",
        rf"\b{asked}\b{gc(30)}\b(?:um|fur)\s+{score}",
        rf"\b(?:um|fur)\s+{score}\s+(?:gebeten|bitten|bittet|bat|baten|gefragt|gedrangt|angebettelt)\b",
        rf"\b{told}\b{gc(40)}\b{modal}\b{gc(30)}{score}{gc(25)}{give}",
        rf"\bbitte\b{g(30)}\b(?:geben|bewerten|vergeben|ankreuzen|kreuzen|gebt|bewertet)\b{g(20)}{score}",
        rf"\bbitte\b{g(30)}{score}{g(20)}{give}",
        rf"\b(?:nicht\s+vergessen|denken\s+sie\s+daran|denk\s+daran)\b{gc(30)}{score}{gc(20)}{give}",
        # "alles unter 9 ist durchgefallen", "nur eine 10 zählt", "eine 9 ist schon schlecht"
        rf"\b(?:alles|jede\s+(?:bewertung|note|punktzahl)|alle\s+bewertungen|werte?|bewertungen|noten)\s+(?:unter|"
        rf"unterhalb|kleiner\s+als|weniger\s+als|ausser|ausserhalb)\s+(?:einer\s+|der\s+)?(?:9|10|neun|zehn)"
        rf"{_UNIT_DE}{gc(40)}\b(?:durchgefallen|fehler|misserfolg|versag\w*|schlecht\w*|negativ\w*|null|"
        r"zahlt\s+(?:als|wie|nicht)|gilt\s+(?:als|nicht)|ist\s+wie|schadet|schaden|strafe|bestraft|problem|"
        r"nicht\s+gut|katastrophe|ungenugend|ein\s+drama)",
        rf"\b(?:nur|ausschliesslich|allein)\s+(?:eine\s+|die\s+)?(?:10|zehn){_UNIT_DE}(?:\s+punkte?)?\s+(?:zahlt|"
        r"zahlen|gilt|gelten|ist\s+gut|wird\s+gewertet|ist\s+ok|ist\s+okay|ist\s+akzeptabel)",
        rf"\b(?:eine\s+)?(?:9|neun|8|acht)(?:\s*/\s*10)?{_UNIT_DE}\s+(?:ist|sei|zahlt|gilt|ware)\s+(?:schon\s+|"
        r"bereits\s+|wie\s+)?(?:als\s+)?(?:eine?\s+)?(?:durchgefallen|schlecht|negativ|null|0|fehler|misserfolg|"
        r"nicht\s+bestanden|ungenugend|versagen)\b",
        # a reward for a score
        rf"(?<!\w){reward}\b{gc(60)}\b(?:fur|gegen|wenn|falls|sofern|im\s+gegenzug\s+fur|"
        rf"als\s+dank\s+fur)\b{g(30)}{score}",
        rf"\b(?:wenn|falls|sofern)\s+(?:ich|wir)\b{gc(40)}{score}{gc(50)}(?<!\w){reward_word}",
        rf"\b(?:fur|gegen)\s+{score}{g(40)}(?<!\w){reward_word}",
    ]) + _rules("de", [
        rf"\b{survey}\b{gc(40)}\b(?:beeinflusst\w*|beeinflussen|wirkt\s+sich|wirken\s+sich|auswirkung\w*|entscheidet|"
        rf"bestimmt|fliesst|fliessen|zahlt\s+fur|relevant\s+fur|wichtig\s+fur|ausschlaggebend\s+fur|hangt)\b"
        rf"{gc(40)}\b{pay}\b",
        rf"\b{pay}\b{gc(40)}\b(?:hangt|hange|hingen|hing|abhangig|basiert|beruht|richtet\s+sich|gekoppelt|gebunden|"
        rf"verknupft|berechnet)\b{gc(40)}\b{survey}",
    ], veto_sentence=r"\b(?:hoffe|hoffentlich|verdient|wunsche)\b") + _rules("de", [
        _any_order(r"\b(?:umfrage|fragebogen|befragung|bewertungsbogen|feedbackbogen)\w*\b",
                   r"\b(?:fur\s+mich|fur\s+uns|in\s+meinem\s+namen|an\s+meiner\s+stelle|statt\s+mir|ohne\s+mich|"
                   r"stellvertretend|vom\s+(?:verkaufer|mitarbeiter|berater|serviceberater|handler|personal)\w*|"
                   r"von\s+(?:dem|der)\s+(?:verkaufer|mitarbeiter|berater|serviceberaterin?|handler)\w*)\b",
                   r"\b(?:ausgefullt|ausgefuellt|ausfullen|ausgefullt|beantwortet|abgeschickt|angeklickt|angekreuzt|"
                   r"erledigt|abgesendet)\b", gap=gc(40)),
    ], veto_before=r"\b(?:ich|wir)\s+(?:habe|haben|hatte|hatten)?\s*(?:\w+\s+)?$",
       requires=("umfrage", "frageb", "befragung", "bogen"))

    brake_subject = r"\b(?:bremsen?|bremsanlage|bremssystem|fussbremse|handbremse|parkbremse)\b"
    fail = (r"(?:versag\w*|ausgefallen|fiel(?:en)?\s+aus|funktionierten?\s+nicht|gingen?\s+nicht|greift\s+nicht|"
            r"griffen?\s+nicht|blockiert\w*|nicht\s+(?:mehr\s+)?(?:funktioniert\w*|gegriffen|reagiert\w*|gebremst)|"
            r"totalausfall|ohne\s+funktion|ins\s+leere)")
    driving = (r"(?:autobahn|bundesstrasse|landstrasse|schnellstrasse|uberhol\w*|wahrend\s+der\s+fahrt|"
               r"bei\s+voller\s+fahrt|in\s+voller\s+fahrt|bei\s+\d+\s*(?:km/?h|sachen)|im\s+verkehr|kreuzung|"
               r"kreisverkehr|linken\s+spur|mitten\s+im\s+verkehr)")
    stall = (r"(?:leistungsverlust|leistungsabfall|notlauf\w*|ging\s+(?:einfach\s+|plotzlich\s+)?aus|ausgegangen|"
             r"abgestorben|keine\s+leistung|motor\s+aus|liegengeblieben|liegen\s+geblieben|stehen\s+geblieben|"
             r"stehengeblieben|abgewurgt|abgeschaltet)")
    legal = (r"(?:(?:rechts)?anwalt\w*|anwaltin\w*|anwalte\w*|(?<!zur\s)(?<!zu\s)klage|klagen\s+gegen|verklag\w*|"
             r"vor\s+gericht|gerichtlich\w*|gerichtsverfahren|amtsgericht|landgericht|rechtliche\w*\s+(?:schritte|"
             r"konsequenzen|mittel)|rechtsweg|rechtsschutz\w*|verbraucherschutz\w*|verbraucherzentrale|"
             r"schlichtungsstelle|ombuds\w*|(?:ist|war|reiner|reinen|glatter|glatten|purer|puren|versuchter|ein|einen|"
             r"das|der|den|dem|wegen|nach|klarer|eindeutig|offensichtlich|schlicht|echter|grenzt\s+an)\s+betrug|"
             r"betrugs\w+|betrogen|betruger\w*|anzeige\s+(?:erstatten|erstattet|gegen)|strafanzeige|"
             r"zur\s+anzeige\s+(?:bringen|gebracht)|"
             r"polizei\s+(?:gerufen|geholt|eingeschaltet|informiert|verstandigt|rufen|holen|einschalten)|"
             r"(?:zur|an\s+die|bei\s+der)\s+polizei|"
             r"datenschutz(?:verletzung|verstoss|beauftragte\w*|behorde|beschwerde)|datenpanne|datenleck|"
             r"dsgvo-?(?:verstoss|verletzung|beschwerde)|verstoss\w*\s+gegen\s+(?:die\s+)?dsgvo|"
             r"urkundenfalschung|unterschrift\s+gefalscht|gefalschte\w*\s+unterschrift|diskriminier\w*|rassist\w*)")
    safety = _rules("de", [
        rf"{brake_subject}{g(30)}{fail}",
        r"\b(?:bremsversagen|bremsausfall|bremsdefekt|bremskraftverlust|lenkungsausfall|lenkversagen|"
        r"lenkungsversagen)\b",
        r"\b(?:versag\w*|ausgefallen\w*)\s+(?:die\s+|der\s+)?(?:bremse|bremsen|lenkung|servolenkung)\b",
        r"\b(?:keine|ohne)\s+(?:bremswirkung|bremsen|lenkung|servolenkung|lenkunterstutzung)\b",
        rf"\b(?:lenkung|servolenkung|lenkhilfe|lenkunterstutzung|lenkrad)\b(?!\w*heiz){g(30)}(?:{fail}|"
        r"schwergangig\s+plotzlich|plotzlich\s+schwergangig)",
        rf"(?:{stall}{gc(40)}\b{driving}|{driving}{gc(40)}\b{stall})",
        r"\b(?:rauch|rauchentwicklung|qualm)\b",
        r"\b(?:motor|auto|wagen|fahrzeug|batterie|akku|motorhaube|motorraum|bremse\w*|armaturenbrett|ladekabel|wallbox|"
        rf"ladestation|kabel)\b{g(30)}\b(?:rauchte|qualmte|qualmt|raucht|fing\s+feuer|in\s+flammen|"
        r"in\s+brand|brannte\s+(?:aus|ab|lichterloh))",
        r"\b(?:fahrzeugbrand|motorbrand|kabelbrand|batteriebrand|akkubrand|schwelbrand|motorraumbrand|brandgeruch|"
        r"schmorgeruch|verschmort\w*|feuerwehr)\b",
        r"\b(?:in\s+brand|brand\s+geraten|geriet\w*\s+in\s+brand|fing\s+feuer|feuer\s+gefangen|in\s+flammen|"
        r"ausgebrannt|abgebrannt|(?:ein|einen|der|den|einem)\s+brand)\b",
        rf"\bairbag\w*\b{g(30)}\b(?:ausgelost|los|aufgegangen|nicht\s+(?:ausgelost|aufgegangen|funktioniert\w*)|"
        r"defekt\w*|fehler\w*|warn\w*|leuchte\w*|kontrollleuchte\w*|explodiert\w*|fehlfunktion\w*|leuchtet)",
        r"\b(?:defekte?[nrs]?|fehlerhafte?[nrs]?)\s+airbag\w*|\bairbag(?:kontroll)?(?:leuchte|lampe|fehler|warnung|"
        r"problem)\w*",
        rf"\b(?:rad|rader|radmutter\w*|radschraube\w*|radbolzen)\b{g(30)}\b(?:locker\w*|lose|gelost|gelockert|"
        r"abgefallen|fiel\s+ab|abgeflogen|nicht\s+(?:richtig\s+)?(?:fest|festgezogen|angezogen|nachgezogen))\b",
        r"\b(?:ein|das|ein\s+ganzes)\s+rad\s+verloren\b|\blockere?n?\s+(?:rad|rader|radmuttern|radschrauben)\b",
        r"\b(?:reifen)\s+(?:geplatzt|explodiert)\b|\breifenplatzer\b",
        rf"\bunfall\b{g(50)}\b(?:wegen|durch|aufgrund|weil|infolge|verursacht)\b{g(40)}\b(?:defekt\w*|fehler\w*|"
        r"versag\w*|brems\w*|lenk\w*|ausfall\w*|reifen|airbag\w*|rad|software|notbrems\w*|assistent\w*)",
        rf"\b(?:defekt|fehler|versagen|ausfall)\w*\b{g(40)}\b(?:unfall|kollision|zusammenstoss)\w*\b{g(20)}"
        r"(?:verursacht|gefuhrt|ausgelost)",
        r"\b(?:fast|beinahe|beinah|um\s+ein\s+haar|fast\s+einen|beinahe\s+einen)\s+(?:einen\s+)?(?:unfall|gecrasht|"
        r"verungluckt|aufgefahren|zusammengestossen)\b|\bbeinahe-?unfall\b",
        r"\b(?:fast|beinahe|beinah|um\s+ein\s+haar)\s+(?:gegen|in|auf)\s+(?:einen|eine|ein|den|die|das)\s+(?:poller|"
        r"pfosten|pfeiler|mauer|wand|baum|laterne|auto|wagen|fussganger\w*|kind|radfahrer\w*|person)\s+"
        r"(?:gefahren|geprallt|gekracht|gerollt|gerutscht|gestossen)\b",
        rf"\bhatte\b{g(30)}\b(?:todlich|bose|schlimm|ubel)\s+(?:enden|ausgehen)\s+konnen\b",
        r"\b(?:gefahrlich\w*|lebensgefahr\w*|lebensgefahrlich\w*|verkehrsunsicher\w*|nicht\s+(?:mehr\s+)?"
        r"verkehrssicher|todesfalle|sicherheitsrisiko)\b",
        r"\b(?:verletzt\w*|verletzung\w*|ins\s+krankenhaus|im\s+krankenhaus\s+gelandet|notaufnahme|rettungswagen|"
        r"krankenwagen|notarzt|schleudertrauma|verbrennung\w*|verbruh\w*)\b",
        rf"\b(?:ruckrufaktion\w*|ruckruf-aktion\w*|sicherheitsruckruf\w*|kba-ruckruf\w*|herstellerruckruf\w*)\b{g(50)}"
        r"\b(?:(?:nicht|nie|noch\s+nicht|immer\s+noch\s+nicht)\s+(?:durchgefuhrt|gemacht|erledigt|umgesetzt|"
        r"ausgefuhrt|bearbeitet|beachtet)|vergessen|ignoriert|verweigert|unterlassen|(?:ist|sind)\s+(?:noch\s+)?offen|"
        r"steh(?:t|en)\s+(?:noch\s+)?aus)",
        rf"\b(?:vergessen|ignoriert|verweigert|unterlassen)\b{g(30)}\b(?:ruckrufaktion|sicherheitsruckruf)\w*",
        r"\b(?:offene|ausstehende)n?\s+(?:ruckrufaktion|sicherheitsruckruf)\w*",
        rf"\b(?:benzin|diesel|kraftstoff|sprit|treibstoff|batterie|akku|hochvolt\w*|bremsflussigkeit)\w*\b{g(20)}\b"
        r"(?:leck\w*|lauft\s+aus|ausgelaufen|tropft\w*|tritt\s+aus|ausgetreten|undicht)",
        r"\b(?:benzingeruch|dieselgeruch|kraftstoffgeruch|spritgeruch|benzinleck|kraftstoffleck|tankleck|"
        r"(?:riecht|roch|stinkt|stank)\s+(?:stark\s+)?nach\s+(?:benzin|diesel|kraftstoff|sprit))\b",
        r"\b(?:akku|batterie)\w*\s+(?:uberhitz\w*|aufgeblaht|geblaht)\b",
        rf"\b{legal}\b",
        rf"\b(?:meine|unsere)\s+(?:personlichen\s+)?(?:daten|kundendaten|adresse|kontaktdaten)\b{g(30)}\b(?:"
        r"weitergegeben|verkauft|geleakt|veroffentlicht|gestohlen|an\s+dritte)\b",
    ])
    return incentive, safety


# --------------------------------------------------------------------------------------------------------------------
# French

def _french() -> tuple[list[_Rule], list[_Rule]]:
    g = lambda n: _gap("fr", n)  # noqa: E731
    score = _SCORE_FR
    asked = _alt("demande demandee demandait demandaient demandent demander prie priee supplie suppliee incite "
                 "incitee pousse poussee insiste insistait conseille conseillee encourage encouragee exige exigee "
                 "exigeait presse pressee sollicite sollicitee recommande dit disait dire rappele rappelee oblige "
                 "obligee force forcee suggere suggeree fait_comprendre")
    give = _alt("mettre mette mettes mettiez mettions donner donne donniez donnions attribuer attribuiez noter notiez "
                "cocher cochiez evaluer choisir repondre")
    reward = (r"(?:offert\w*|offrir|offre|gratuit\w*|cadeaux?|bons?\s+d'achat|remise|reduction|geste\s+commercial|"
              r"rabais|ristourne|recompense\w*|pot-de-vin|\d+\s*(?:euros?|eur|€)|€\s*\d+|surclassement)")
    condition = (r"(?:pour|contre|en\s+echange\s+d[e']|si|a\s+condition\s+d[e']|en\s+contrepartie\s+d[e']|"
                 r"moyennant)")
    survey = r"(?:notes?|evaluations?|enquetes?|questionnaires?|avis|sondages?|reponses?|satisfaction)"
    pay = r"(?:primes?|bonus|salaires?|commissions?|remunerations?|paie|paye|variable|emploi|poste|objectifs?)"
    incentive = _rules("fr", [
        rf"\b{asked}\b{g(30)}(?:\b(?:de|pour\s+que|que|a)\b|\bd'|\bqu'){g(20)}\b{give}\b{g(25)}{score}",
        rf"\b(?:demande|demandee|demandait|demander|supplie|exige|exigee|sollicite|reclame|reclamait)\b{g(15)}{score}",
        rf"\b(?:merci\s+de|n'oubliez\s+pas\s+de|pensez\s+a|veuillez|svp|s'il\s+vous\s+plait)\b{g(20)}\b(?:nous\s+|"
        rf"lui\s+|me\s+)?(?:mettre|donner|attribuer|noter|cocher|mettez|donnez)\b{g(20)}{score}",
        rf"\b(?:mettez|donnez|attribuez|notez|cochez)[- ]?(?:nous|moi|lui)?\b{g(15)}{score}"
        r"(?=[^.!?\n]{0,40}\b(?:svp|s'il\s+vous\s+plait|merci)\b)",
        rf"\b(?:mettez|donnez|attribuez)[- ](?:nous|moi|lui)\b{g(15)}{score}",
        # "toute note en dessous de 9 est un échec"
        rf"\b(?:en\s+dessous|en-dessous|au-dessous|au\s+dessous|inferieure?s?|moins)\s+(?:de|a|que)\s+(?:9|10|neuf|"
        rf"dix){_UNIT_FR}{g(40)}\b(?:echec|zero|negatif|negative|mauvais|mauvaise|compte\s+comme|equivaut|"
        r"penalis\w*|sanction\w*|catastroph\w*|pas\s+bon|probleme|nul\w*|rate)\b",
        rf"\b(?:seul|seule|seulement|uniquement)\s+(?:le\s+|un\s+|une\s+|la\s+note\s+de\s+)?(?:10|dix){_UNIT_FR}\s+"
        r"(?:compte|est\s+accepte|est\s+valable|est\s+pris\s+en\s+compte|est\s+bon|vaut)",
        rf"\b(?:un|une\s+note\s+de)\s+(?:9|neuf|8|huit){_UNIT_FR}\s+(?:est|c'est|serait|compte|vaut)\s+(?:considere\s+"
        r"comme\s+|comme\s+)?(?:un\s+|une\s+)?(?:echec|zero|mauvaise\s+note|note\s+negative|negatif)",
        # a reward for a score
        rf"(?<!\w){reward}{g(60)}\b{condition}{g(30)}{score}",
        rf"\bsi\s+(?:je|j'|nous|on)\b{g(30)}{score}{g(50)}(?<!\w){reward}",
        rf"\b(?:pour|contre)\s+{score}{g(40)}(?<!\w){reward}",
    ]) + _rules("fr", [
        rf"\b{survey}\b{g(40)}\b(?:influence\w*|impacte\w*|affecte\w*|compte\w*\s+pour|joue\w*\s+sur|determine\w*|"
        rf"conditionne\w*|a\s+un\s+impact\s+sur|a\s+une\s+incidence\s+sur|se\s+repercut\w*\s+sur|depend\w*)\b{g(30)}"
        rf"\b{pay}\b",
        rf"\b{pay}\b{g(40)}\b(?:depend\w*|est\s+liee?s?|sont\s+liee?s?|basee?s?|calculee?s?|indexee?s?)\b{g(40)}"
        rf"\b{survey}\b",
    ], veto_sentence=r"\b(?:j'espere|espere|esperons|merite\w*|souhaite)\b") + _rules("fr", [
        _any_order(r"\b(?:rempli\w*|repondu|complete\w*|fait|envoye\w*|coche\w*|saisi\w*)\b",
                   r"\b(?:enquete|questionnaire|sondage|formulaire|evaluation)s?\b",
                   r"\b(?:a\s+ma\s+place|pour\s+moi|en\s+mon\s+nom|a\s+notre\s+place|pour\s+nous|sans\s+moi|"
                   r"par\s+(?:le|la|un|une)\s+(?:vendeur|vendeuse|conseiller|conseillere|commercial|commerciale|"
                   r"concession\w*|garagiste|employe\w*|receptionniste))\b", gap=g(40)),
    ], veto_before=r"\b(?:j'ai|nous\s+avons|je\s+l'ai|je)\s+(?:\w+\s+)?$",
       requires=("enquete", "questionnaire", "sondage", "formulaire", "evaluation"))

    brake_subject = r"\b(?:freins?|freinage|frein\s+a\s+main)\b"
    fail = (r"(?:lache\w*|ont\s+lache|a\s+lache|defaillan\w*|(?:ne|n')\s*(?:fonctionn\w*|march\w*|repond\w*)\s+"
            r"(?:plus|pas)|n'ont\s+(?:plus|pas)\s+(?:fonctionne|repondu|marche)|hors\s+service|bloque\w*|en\s+panne|"
            r"a\s+(?:completement\s+)?cede)")
    driving = (r"(?:autoroute|voie\s+rapide|nationale|en\s+roulant|en\s+pleine\s+circulation|a\s+\d+\s*km/?h|"
               r"en\s+doublant|rond-point|carrefour|peripherique|pleine\s+vitesse|en\s+depassant)")
    stall = (r"(?:perte\s+(?:totale\s+)?de\s+puissance|mode\s+degrade|coupure\s+(?:du\s+)?moteur|moteur\s+(?:s'est\s+)?"
             r"coupe|a\s+cale|s'est\s+arretee?|tombee?\s+en\s+panne|plus\s+aucune\s+puissance|s'est\s+eteint\w*)")
    legal = (r"(?:avocats?|avocates?|juristes?|proces(?!-verbal|\s+verbal)|tribunal|tribunaux|en\s+justice|"
             r"devant\s+la\s+justice|saisir\s+la\s+justice|action\s+(?:en\s+justice|judiciaire)|poursuites\s+"
             r"judiciaires|poursuivre\s+en\s+justice|porter\s+plainte|porte\s+plainte|deposer\s+(?:une\s+)?plainte|"
             r"depose\s+(?:une\s+)?plainte|depot\s+de\s+plainte|plainte\s+(?:contre|aupres|officielle|formelle|"
             r"penale)|mise\s+en\s+demeure|contentieux|litige|mediateur|mediation\s+de\s+la\s+consommation|"
             r"associations?\s+de\s+consommateurs|ufc|que\s+choisir|dgccrf|protection\s+des\s+consommateurs|"
             r"repression\s+des\s+fraudes|fraud\w*|escroc\w*|escroqu\w*|vol\s+de\s+donnees|"
             r"fuite\s+de\s+donnees|violation\s+de\s+donnees|(?:violation|non-respect|plainte)\s+(?:du\s+)?rgpd|cnil|"
             r"faux\s+et\s+usage\s+de\s+faux|"
             r"signature\s+(?:imitee|falsifiee)|(?:appel\w*|preven\w*|contact\w*)\s+(?:la\s+)?(?:police|gendarmerie)|"
             r"(?:au\s+commissariat|a\s+la\s+gendarmerie|a\s+la\s+police)|discriminat\w*|racis\w*)")
    safety = _rules("fr", [
        rf"{brake_subject}{g(30)}{fail}",
        r"\b(?:defaillance|panne|perte|rupture)\s+(?:totale\s+)?(?:de|du|des)\s+(?:la\s+)?(?:freins?|freinage|"
        r"direction\s+assistee|direction)\b",
        r"\b(?:plus|pas|aucun)\s+de\s+(?:freins?|freinage)\b",
        rf"\b(?:direction\s+assistee|assistance\s+de\s+direction|colonne\s+de\s+direction)\b"
        rf"{g(30)}(?:{fail}|s'est\s+bloque\w*|hs\b|devenu\w*\s+(?:dur|tres\s+dur)\s+d'un\s+coup)",
        rf"(?:{stall}{g(40)}\b{driving}|{driving}{g(40)}{stall})",
        r"\b(?:incendies?|en\s+feu|pris\s+feu|prend\s+feu|prendre\s+feu|mis\s+le\s+feu|debut\s+d'incendie|"
        r"depart\s+de\s+feu|flammes|pompiers)\b",
        r"\bfumees?\b",
        r"\bodeur\s+de\s+(?:brule|plastique\s+brule|cable\s+brule|fumee|carburant|essence|gasoil|gazole)\b",
        rf"\b(?:airbags?|coussins?\s+gonflables?)\b{g(30)}\b(?:declench\w*|deploy\w*|defectu\w*|defaillan\w*|voyant|"
        r"temoin|ne\s+s'est\s+pas|pas\s+(?:ouvert|declenche)|explos\w*|probleme|panne|erreur|allume)",
        r"\b(?:voyant|temoin)\s+(?:d'|de\s+l'|de\s+)?airbags?\b",
        rf"\b(?:roues?|ecrous?|boulons?|vis\s+de\s+roue)\b{g(30)}\b(?:desserre\w*|detache\w*|pas\s+(?:ete\s+)?serre\w*|"
        r"mal\s+serre\w*|pas\s+resserre\w*|tombee?s?|partie|arrache\w*|lache\w*)\b",
        r"\bperdu\s+une\s+roue\b|\b(?:pneu|pneus)\s+(?:a\s+)?(?:eclate|explose)\b",
        rf"\baccident\b{g(50)}\b(?:a\s+cause\s+d[e']|du\s+a|due\s+a|cause\s+par|suite\s+a|en\s+raison\s+d[e']|"
        rf"lie\s+a)\s*{g(40)}\b(?:frein\w*|direction|defaut\w*|defaillan\w*|panne\w*|defectu\w*|roue|pneu\w*|airbag\w*|"
        r"logiciel|regulateur|freinage\s+d'urgence|vice)",
        r"\b(?:failli|manque|presque|frole)\s+(?:avoir\s+)?(?:un\s+|l')?(?:accident|me\s+tuer|nous\s+tuer|mourir|"
        r"percuter|emboutir|heurter|renverser|ecraser)\b",
        r"\b(?:failli|manque|presque)\s+(?:reculer|rentrer|foncer|taper)\s+(?:dans|contre|sur)\s+(?:un|une|le|la|"
        r"les|l')\s*(?:plot|poteau|borne|mur|muret|pilier|arbre|voiture|pieton|enfant|cycliste|personne)\b",
        r"\baurait\s+pu\s+(?:me\s+|nous\s+|les\s+)?(?:tuer|etre\s+(?:mortel|fatal|dramatique|grave)|causer\s+un\s+"
        r"accident|provoquer\s+un\s+accident|finir\s+(?:tres\s+)?mal)\b",
        r"\b(?:dangereu\w*|danger\s+de\s+mort|mise\s+en\s+danger|mis\s+(?:ma|notre|nos|leur)\s+vies?\s+en\s+danger|"
        r"en\s+danger|pas\s+securitaire|pas\s+en\s+securite)\b",
        r"\b(?:blesse|blessee|blesses|blessees|blessure|blessures|hospitalise\w*|ambulance|samu|coup\s+du\s+lapin|"
        r"brulure\w*)\b",
        r"\b(?:fini\w*|termine\w*|emmene\w*|transporte\w*|conduit\w*|passe\w*)\s+(?:a\s+l'|aux\s+)(?:hopital|"
        r"urgences)\b",
        rf"\b(?:campagne\s+de\s+rappel|rappel\s+constructeur|rappel\s+de\s+securite|rappel\s+du\s+constructeur|"
        rf"rappel\s+obligatoire|rappel\s+officiel)\b{g(50)}\b(?:(?:pas|jamais|non)\s+(?:ete\s+)?(?:fait|faite|"
        r"effectue\w*|realise\w*|traite\w*|applique\w*)|oubli\w*|ignore\w*|toujours\s+en\s+attente|en\s+suspens|"
        r"refuse\w*)",
        rf"\b(?:oubli\w*|pas\s+(?:fait|effectue|realise)|refuse\w*|ignore\w*)\b{g(30)}\b(?:campagne\s+de\s+rappel|"
        r"rappel\s+constructeur|rappel\s+de\s+securite)",
        r"\bfuites?\s+(?:de\s+|d')\s*(?:carburant|essence|gazole|gasoil|diesel|batterie|acide|liquide\s+de\s+frein|"
        r"hydrogene)\b",
        r"\b(?:odeurs?|sent|sentait|puait|pue)\s+(?:fort\s+)?(?:d'|de\s+l'|de\s+la\s+|le\s+|l')?\s*(?:essence|"
        r"carburant|gasoil|gazole)\b",
        rf"\b(?:batterie|reservoir)\b{g(20)}\b(?:fuit|fuyait|coule|gonfle\w*|surchauff\w*)\b",
        rf"\b{legal}\b",
        rf"\b(?:mes|nos)\s+(?:donnees|coordonnees|informations)\s*(?:personnelles)?\b{g(30)}\b(?:divulgu\w*|partage\w*|"
        r"vendu\w*|transmis\w*|vole\w*|publie\w*)",
    ])
    return incentive, safety


_BUILDERS = {"en": _english, "de": _german, "fr": _french}


@cache
def _rules_of(language: str) -> tuple[list[_Rule], list[_Rule]]:
    """A language's (incentive, safety) rules, compiled on first use: importing the module stays cheap."""
    return _BUILDERS[language]()


# --------------------------------------------------------------------------------------------------------------------
# Matching

def _clause_before(folded: str, start: int) -> str:
    window = folded[max(0, start - _WINDOW):start]
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(window)]
    return window[breaks[-1]:] if breaks else window


def _sentence(folded: str, start: int, end: int) -> str:
    before = folded.rfind("\n", 0, start)
    for mark in ".!?":
        before = max(before, folded.rfind(mark, 0, start))
    after = _SENTENCE_BREAK.search(folded, end)
    return folded[before + 1:after.start() if after else len(folded)]


def _matches(rule: _Rule, folded: str) -> Iterator[tuple[int, int]]:
    """Like ``finditer``, with the leading word boundary that ``_compile`` took out of the pattern checked here."""
    search = rule.pattern.search
    position = 0
    while (match := search(folded, position)) is not None:
        start, end = match.span()
        if rule.word_start and start > 0 and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
            position = start + 1
            continue
        yield start, end
        position = max(end, start + 1)


def _find(folded: str, rules: list[_Rule]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for rule in rules:
        if rule.requires and not any(word in folded for word in rule.requires):
            continue
        for start, end in _matches(rule, folded):
            clause = _clause_before(folded, start)
            if _NEGATION[rule.language].search(clause):
                continue
            if rule.veto_before is not None and rule.veto_before.search(clause):
                continue
            if rule.veto_sentence is not None and rule.veto_sentence.search(_sentence(folded, start, end)):
                continue
            spans.append((start, end))
    return spans


def _phrases(text: str, origin: list[int] | None, spans: list[tuple[int, int]]) -> tuple[str, ...]:
    """The original wording of each span, overlapping spans merged into one, in the order of the text."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    phrases: list[str] = []
    for start, end in kept:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        phrase = text[start:end].strip()
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases)


def detect_flags(text: str, language: str) -> Flags:
    """Incentive/coaching and safety/legal phrases in ``text``, read with the rules of ``language``.

    A language without rules of its own (or an unknown one) is read with the rules of every supported language,
    since a text whose language is unsure is better checked too much than not at all.
    """
    if not text or not text.strip():
        return Flags(incentive=(), safety=())
    code = (language or "").strip().lower()[:2]
    languages = (code,) if code in _BUILDERS else _LANGUAGES
    folded, origin = _fold(text)
    incentive: list[tuple[int, int]] = []
    safety: list[tuple[int, int]] = []
    for lang in languages:
        incentive_rules, safety_rules = _rules_of(lang)
        incentive += _find(folded, incentive_rules)
        safety += _find(folded, safety_rules)
    return Flags(incentive=_phrases(text, origin, incentive), safety=_phrases(text, origin, safety))
