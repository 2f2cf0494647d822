"""Closed-loop measures page for head office and regions: per region and dealer, how fast and how well they answer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from insidetrack.network.selectors import regions_visible_to

from . import measures as closed_loop


@login_required
def measures(request: HttpRequest) -> HttpResponse:
    """Head office sees every region and dealer (with a region filter), a region manager their dealers.

    Dealers and owners get 403: the issue shows these figures to head office and regions only.
    """
    actor = request.actor
    if not closed_loop.measures_visible(actor):
        return render(request, "403.html", status=403)
    days = closed_loop.period_days(request.GET.get("days"))
    # The filter only narrows what scoping allows; a region manager has one region and nothing to choose.
    region = request.GET.get("region", "") if actor.is_head_office else ""
    figures = closed_loop.closed_loop_measures(actor=actor, days=days, region=region)
    tables = [("by-dealer", _("By dealer"), figures.by_dealer, True)]
    if actor.is_head_office:
        tables.insert(0, ("by-region", _("By region"), figures.by_region, False))
    return render(request, "cases/measures.html", {
        "figures": figures,
        "tables": tables,
        "days": days,
        "periods": closed_loop.PERIODS,
        "region": region,
        "regions": list(regions_visible_to(actor)) if actor.is_head_office else [],
        "min_to_rank": closed_loop.MIN_FOLLOW_UPS_TO_RANK,
    })
