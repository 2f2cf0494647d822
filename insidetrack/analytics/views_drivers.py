"""The "Moments of truth" and "Journeys as they happen" pages: one selector each, figures built here as plotly JSON
(the pages draw them with the same ``charts.js`` as the dashboard), and the plain-language readings.

Both pages are for staff; the scope comes from the selectors (a dealer sees its own customers). NPS by path reveals
scores, so a dealer whose brand hides scores sees paths, times and drop-offs without it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from insidetrack.core.charts import figure_json
from insidetrack.core.decorators import staff_role_required
from insidetrack.network.selectors import dealers_visible_to, regions_visible_to

from . import drivers as policy
from . import paths as path_policy
from . import selectors_drivers as selectors

_LAYOUT = {"template": "none", "font": {"family": "system-ui, sans-serif", "size": 12}, "hovermode": "closest"}
TOP_TRANSITIONS = 15
_INK, _MUTED, _GOOD, _ALERT = "#1f3a5f", "#8a94a6", "#1e7a46", "#b3261e"


def _importance_figure(outcome: selectors.OutcomeDrivers) -> dict[str, Any] | None:
    """Horizontal bars of each driver's share with its 95% interval as an error bar, largest at the top."""
    import plotly.graph_objects as go

    result = outcome.result
    if result is None:
        return None
    shares = list(reversed(result.shares))
    labels = [outcome.label(s) + ("" if s.driver.kind == policy.TOUCHPOINT else " " + _("(complaint)"))
              for s in shares]
    figure = go.Figure(go.Bar(
        x=[100 * s.share for s in shares], y=labels, orientation="h",
        marker={"color": [_INK if s.driver.kind == policy.TOUCHPOINT else _ALERT for s in shares]},
        error_x={"type": "data", "symmetric": False, "array": [100 * (s.high - s.share) for s in shares],
                 "arrayminus": [100 * (s.share - s.low) for s in shares], "color": _MUTED},
        customdata=[[100 * s.low, 100 * s.high, s.customers] for s in shares],
        hovertemplate="%{y}: %{x:.0f}% [%{customdata[0]:.0f}%, %{customdata[1]:.0f}%] · %{customdata[2]} "
                      + _("customers") + "<extra></extra>"))
    figure.update_layout(**_LAYOUT, height=120 + 26 * len(shares), margin={"l": 220, "r": 16, "t": 8, "b": 40},
                         xaxis={"title": {"text": _("Share of what the model explains (%)")}, "rangemode": "tozero"},
                         yaxis={"automargin": True})
    return figure_json(figure)


def _readings(outcome: selectors.OutcomeDrivers) -> list[str]:
    """Where improvement pays most, in words: the clear leaders, and a caution where the model explains little."""
    result = outcome.result
    if result is None:
        return [_("Too few customers to say what drives this yet (at least %(n)s are needed, with enough who did "
                  "and who did not).") % {"n": policy.MIN_CUSTOMERS}]
    lines = []
    clear = [s for s in result.shares if s.is_clear][:3]
    if clear:
        top = clear[0]
        lines.append(_("Improvement pays most at %(driver)s: %(share)s%% of what we can explain (95%% interval "
                       "%(low)s%% to %(high)s%%).") % {
            "driver": outcome.label(top), "share": round(100 * top.share), "low": round(100 * top.low),
            "high": round(100 * top.high)})
        if len(clear) > 1:
            lines.append(_("Next: %(drivers)s.") % {"drivers": ", ".join(
                f"{outcome.label(s)} ({round(100 * s.share)}%)" for s in clear[1:])})
    else:
        lines.append(_("No touchpoint or complaint stands out beyond sampling noise."))
    overlapping = len(clear) > 1 and clear[1].high >= clear[0].low
    if overlapping:
        lines.append(_("The intervals of the first two overlap: their order may change with more answers."))
    if result.positives is None:
        lines.append(_("Together these explain %(fit)s%% of the differences in the relationship score (R², 95%% "
                       "interval %(low)s%% to %(high)s%%); the rest depends on things no survey here measures.") % {
            "fit": round(100 * result.fit), "low": round(100 * result.fit_low), "high": round(100 * result.fit_high)})
    else:
        lines.append(_("%(yes)s of %(n)s customers did. Together the drivers explain %(fit)s%% of the differences "
                       "between who did and who did not (R², 95%% interval %(low)s%% to %(high)s%%).") % {
            "yes": result.positives, "n": result.customers, "fit": round(100 * result.fit, 1),
            "low": round(100 * result.fit_low, 1), "high": round(100 * result.fit_high, 1)})
    return lines


@staff_role_required
def moments_of_truth(request: HttpRequest) -> HttpResponse:
    """Importance bars with intervals per outcome and where improvement pays most."""
    report = selectors.drivers_report(actor=request.actor)
    sections = []
    for outcome in report.outcomes:
        sections.append({
            "code": outcome.code, "title": selectors.outcome_title(outcome.code), "outcome": outcome,
            "result": outcome.result, "figure": _importance_figure(outcome), "figure_id": f"figure-{outcome.code}",
            "readings": _readings(outcome),
            "rows": [{"label": outcome.label(s), "share": s, "is_theme": s.driver.kind == policy.THEME}
                     for s in (outcome.result.shares if outcome.result else ())],
        })
    return render(request, "analytics/drivers.html", {
        "report": report, "sections": sections, "bootstrap": policy.BOOTSTRAP, "min_answered": policy.MIN_ANSWERED,
    })


def _sankey_figure(transitions: list[path_policy.Transition]) -> dict[str, Any] | None:
    """The directly-follows relation as a Sankey: each step a node, each band as wide as the journeys taking it.

    Steps that come back to an earlier one (finance before or after the experience event) would make a cycle, which
    a Sankey cannot draw; such links are drawn in the order they occur most, the rarer direction is left out here
    and stays in the table.
    """
    import plotly.graph_objects as go

    if not transitions:
        return None
    kept: list[path_policy.Transition] = []
    seen: set[tuple[str, str]] = set()
    for t in transitions:  # busiest first, so the commoner direction of a pair wins
        if (t.target, t.source) in seen:
            continue
        seen.add((t.source, t.target))
        kept.append(t)
    # Drop any link that still closes a longer cycle, keeping the busier ones first.
    order: dict[str, set[str]] = {}

    def reaches(a: str, b: str) -> bool:
        stack, visited = [a], set()
        while stack:
            node = stack.pop()
            if node == b:
                return True
            if node not in visited:
                visited.add(node)
                stack.extend(order.get(node, ()))
        return False

    links = []
    for t in kept:
        if reaches(t.target, t.source):
            continue
        order.setdefault(t.source, set()).add(t.target)
        links.append(t)
    nodes = list(dict.fromkeys([t.source for t in links] + [t.target for t in links]))
    index = {node: i for i, node in enumerate(nodes)}
    figure = go.Figure(go.Sankey(
        node={"label": [selectors.step_label(n) for n in nodes], "color": _INK, "pad": 18, "thickness": 14},
        link={"source": [index[t.source] for t in links], "target": [index[t.target] for t in links],
              "value": [t.journeys for t in links], "color": "rgba(31,58,95,0.25)",
              "customdata": [round(t.median_days, 1) for t in links],
              "hovertemplate": "%{source.label} → %{target.label}: %{value} " + _("journeys") + " · "
                               + _("median %{customdata} days") + "<extra></extra>"}))
    figure.update_layout(**_LAYOUT, height=380, margin={"l": 8, "r": 8, "t": 8, "b": 8})
    return figure_json(figure)


def _funnel_figure(steps: list[path_policy.FunnelStep]) -> dict[str, Any] | None:
    import plotly.graph_objects as go

    if not steps or not any(s.reached for s in steps):
        return None
    figure = go.Figure(go.Funnel(y=[selectors.step_label(s.step) for s in steps], x=[s.reached for s in steps],
                                 marker={"color": _INK}, textinfo="value"))
    figure.update_layout(**_LAYOUT, height=260, margin={"l": 200, "r": 16, "t": 8, "b": 8})
    return figure_json(figure)


@staff_role_required
def journeys(request: HttpRequest) -> HttpResponse:
    """Top paths with NPS by path, the flow between steps, time between steps and drop-off; for a period and, for
    head office and regions, a region or a dealer (a code the viewer may not choose is ignored: the scope holds)."""
    actor = request.actor
    try:
        months = int(request.GET.get("months", selectors.ANSWER_MONTHS))
    except ValueError:
        months = selectors.ANSWER_MONTHS
    months = months if months in selectors.PATH_MONTHS else selectors.ANSWER_MONTHS
    regions = list(regions_visible_to(actor).order_by("name").values_list("code", "name"))
    regions = regions if len(regions) > 1 else []
    region = request.GET.get("region", "")
    region = region if region in dict(regions) else ""
    dealer_rows = dealers_visible_to(actor).order_by("name")
    if region:
        dealer_rows = dealer_rows.filter(region__code=region)
    dealers = list(dealer_rows.values_list("code", "name"))
    dealers = dealers if len(dealers) > 1 else []
    dealer = request.GET.get("dealer", "")
    dealer = dealer if dealer in dict(dealers) else ""
    report = selectors.paths_report(actor=actor, months=months, region=region, dealer=dealer)
    return render(request, "analytics/paths.html", {
        "report": report,
        "months": months, "month_choices": selectors.PATH_MONTHS, "regions": regions, "dealers": dealers,
        "region": region, "dealer": dealer,
        "paths": [{"estimate": p, "steps": [selectors.step_label(k) for k in p.path]} for p in report.paths],
        "transitions": [{"row": t, "source": selectors.step_label(t.source), "target": selectors.step_label(t.target)}
                        for t in report.transitions[:TOP_TRANSITIONS]],
        "more_transitions": max(len(report.transitions) - TOP_TRANSITIONS, 0),
        "funnel": [{"row": s, "label": selectors.step_label(s.step),
                    "next": selectors.step_label(path_policy.FUNNEL[i + 1]) if i + 1 < len(path_policy.FUNNEL) else ""}
                   for i, s in enumerate(report.funnel)],
        "experience": report.experience,
        "sankey": _sankey_figure(report.transitions),
        "funnel_figure": _funnel_figure(report.funnel),
        "min_answers": path_policy.MIN_ANSWERS,
        "drop_days": path_policy.DROP_WINDOW.days,
        "grace_days": path_policy.ANSWER_GRACE.days,
    })
