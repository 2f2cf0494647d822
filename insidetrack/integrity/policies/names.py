"""What each signal is called and asks, in the reviewer's language: the detectors speak in codes."""

from __future__ import annotations

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
    "on-site completion": _("Surveys completed on site"),
}

STRENGTHS: dict[str, str] = {"strong": _("strong"), "moderate": _("moderate"), "weak": _("weak"), "none": _("none")}


def pattern_name(code: str) -> str:
    return str(PATTERNS.get(code, code))


def strength_name(code: str) -> str:
    return str(STRENGTHS.get(code, code))
