"""What each signal is called and asks, in the reviewer's language: the detectors speak in codes."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SIGNALS: dict[str, tuple[str, str]] = {
    "score_shape": (_("Too many 10s"), _("More 10s than dealers at the same level usually get")),
    "too_many_tens": (_("Too many 10s"), _("More 10s than dealers at the same level usually get")),
    "missing_middle": (_("Missing middle"), _("Few 7s, 8s and 9s: customers give a 10 or nothing")),
    "score_text_mismatch": (_("Score and words disagree"), _("10s whose verbatim is negative")),
    "incentive_language": (_("Incentive or coaching words"), _("Customers mention being asked for a 10 or "
                                                                "offered something for it")),
    "templated_verbatims": (_("Templated verbatims"), _("Near-identical verbatims from different customers")),
    "fast_answers": (_("Answered at once"), _("Surveys answered within minutes of the invitation")),
    "dealer_network": (_("Answered from the dealer's network"), _("Answers from a network only this dealer's "
                                                                   "customers use")),
    "shared_device": (_("One device, several customers"), _("A device answering for several customers")),
    "shared_contact": (_("Shared contact"), _("One e-mail or phone shared by unrelated customers")),
    "dealer_domain_contact": (_("Staff addresses as contacts"), _("Customer contacts at the dealer's own "
                                                                  "e-mail domain")),
    "contact_edited": (_("Contact edited before the survey"), _("Contact details changed just before the "
                                                                "invitation")),
    "quarter_end_spike": (_("Quarter-end response spike"), _("More answers in the last weeks of the quarter than "
                                                             "its invitations explain")),
    "quarter_end_scores": (_("Better scores at quarter end"), _("Scores in the last weeks of the quarter better "
                                                                "than in the rest")),
    "not_invited": (_("Customers not invited"), _("Fewer invitations per handover or service than the network")),
    "undeliverable": (_("Undeliverable contacts"), _("More bounced or invalid contacts than the network")),
    "nps_jump": (_("Sudden jump"), _("An NPS rise too abrupt for a dealer's usual movement")),
}


def signal_name(code: str) -> str:
    return str(SIGNALS[code][0]) if code in SIGNALS else code.replace("_", " ").capitalize()


def signal_question(code: str) -> str:
    return str(SIGNALS[code][1]) if code in SIGNALS else ""


PATTERNS: dict[str, str] = {
    "asking or paying for 10s": _("Asking or paying for 10s"),
    "quarter-end push": _("Quarter-end push"),
    "suppression or jump": _("Suppressed surveys or a sudden jump"),
    "on-site completion": _("Surveys completed on site"),
}

STRENGTHS: dict[str, str] = {"strong": _("strong"), "moderate": _("moderate"), "weak": _("weak"), "none": _("none")}


def pattern_name(code: str) -> str:
    return str(PATTERNS.get(code, code))


def strength_name(code: str) -> str:
    return str(STRENGTHS.get(code, code))


#: The innocent situations the combiner weighs (``combine.EXPLANATIONS``), as a reviewer would say them.
EXPLANATIONS: dict[str, str] = {
    "lounge": _("customers answering on the dealer's lounge Wi-Fi while they wait"),
    "fleet": _("fleet drivers whose invitations go to one fleet manager's address and device"),
    "lounge_and_fleet": _("both a customer lounge and fleet customers"),
    "polarised": _("a clientele that has always given more 10s and fewer 7-9s than the dealer's level suggests"),
}


def _percent(value: object) -> str:
    try:
        return f"{float(value):.0%}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "?"


def explanation_text(item: object, touchpoint_names: dict[str, str] | None = None) -> str:
    """One checked innocent explanation in the reader's language.

    The scan stores codes and figures (``combine._explanations``) so that an alert reads in German to a German
    analyst; rows written before that (plain English sentences) and unknown codes fall back to the stored text.
    """
    if not isinstance(item, dict):
        return str(item)
    code = item.get("code")
    place = (touchpoint_names or {}).get(str(item.get("touchpoint", "")), str(item.get("touchpoint", "")))
    if code in EXPLANATIONS and "risk_left" in item:
        return gettext("%(explanation)s: ruled out, the other signals of “%(pattern)s” remain (1 in 10^%(left)s "
                       "without the signals it could explain)") % {
            "explanation": EXPLANATIONS[code], "pattern": pattern_name(str(item.get("pattern", ""))),
            "left": f"{float(item['risk_left']):.1f}"}
    if code in EXPLANATIONS:
        return str(EXPLANATIONS[code])
    if code == "deliveries":
        return gettext("%(touchpoint)s: the quarter-end response peak (%(observed)s of answers in the last three "
                       "weeks, %(usual)s usually) is matched by a quarter-end invitation peak (%(invited)s of "
                       "invitations): deliveries, not pushing") % {
            "touchpoint": place, "observed": _percent(item.get("observed")), "usual": _percent(item.get("usual")),
            "invited": _percent(item.get("invited"))}
    if code == "gradual_rise":
        return gettext("%(touchpoint)s: the NPS rise (+%(rise)s points over four quarters) is gradual: improvement, "
                       "not a jump") % {"touchpoint": place, "rise": f"{float(item.get('rise', 0)):.0f}"}
    if code == "consistent_tens":
        return gettext("%(touchpoint)s: many 10s (%(tens)s against %(network)s in the network), but the middle is "
                       "not missing for the dealer's level and the verbatims agree with the scores") % {
            "touchpoint": place, "tens": _percent(item.get("tens")), "network": _percent(item.get("network"))}
    return str(item.get("text", code))
