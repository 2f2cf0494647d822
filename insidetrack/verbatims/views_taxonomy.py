"""Head office's pages that teach the text analysis: the taxonomy and its forms, the labelling queue, the models, and
the emerging themes (groups of verbatims no theme fits).

Every page is head office's: other staff roles get the 403 page and signed-out visitors the sign-in page, before
anything is read or written (the services refuse them again).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from insidetrack.core.decorators import head_office_required
from insidetrack.core.errors import DomainError
from insidetrack.core.tasks import enqueue_on_commit
from insidetrack.journeys import services as journeys_services
from insidetrack.journeys.selectors import touchpoints_for

from . import selectors_taxonomy as selectors
from . import services, tasks
from .forms import LabelForm, ThemeForm
from .models import Sentiment

# --------------------------------------------------------------------------------------------------------------------
# Taxonomy


@head_office_required
@require_GET
def taxonomy_page(request: HttpRequest) -> HttpResponse:
    """The brand's themes with their names, touchpoints, examples, recent verbatims and how well they are learnt."""
    return render(request, "verbatims/taxonomy.html", {
        "rows": selectors.taxonomy_rows(actor=request.actor),
        "recent_days": selectors.RECENT_DAYS,
    })


def _safe_next(request: HttpRequest, value: str) -> str | None:
    """Only a path of this site under the labelling page (where a theme made from a cluster sends head office)."""
    label_path = reverse("verbatims:label")
    if value and value.startswith(label_path) and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return value
    return None


def _theme_form_page(request: HttpRequest, theme) -> HttpResponse:
    actor = request.actor
    source = request.POST if request.method == "POST" else request.GET
    next_url = _safe_next(request, source.get("next", ""))
    if request.method == "POST":
        form = ThemeForm(request.POST, actor=actor, theme=theme)
    else:
        initial = None
        if theme is None:  # prefilled from an emerging cluster
            initial = {"code": request.GET.get("code", "")[:40], "name": request.GET.get("name", "")[:120]}
        form = ThemeForm(actor=actor, theme=theme, initial=initial) if initial else ThemeForm(actor=actor,
                                                                                             theme=theme)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if theme is None:
                    saved = journeys_services.theme_create(actor=actor, **form.as_input())
                    messages.success(request, _("Theme “%(name)s” added. The analysis learns to find it once some "
                                                "verbatims are labelled with it and the model is retrained.")
                                     % {"name": saved.name})
                else:
                    saved = journeys_services.theme_update(actor=actor, **form.as_input())
                    if saved.is_active:
                        messages.success(request, _("Theme “%(name)s” saved. The model takes the change into "
                                                    "account once it is retrained.") % {"name": saved.name})
                    else:
                        messages.success(request, _("Theme “%(name)s” deactivated. The next model no longer "
                                                    "looks for it; its history is kept.") % {"name": saved.name})
                return redirect(next_url or reverse("verbatims:taxonomy"))
            except DomainError as exc:
                if exc.status == 404:
                    raise Http404(str(exc.message)) from exc
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                status = exc.status
        else:
            status = 422
    return render(request, "verbatims/theme_form.html", {"form": form, "theme": theme, "next": next_url or ""},
                  status=status)


@head_office_required
@require_http_methods(["GET", "POST"])
def theme_new(request: HttpRequest) -> HttpResponse:
    """Add a theme (optionally prefilled with ``?code=&name=`` from an emerging cluster)."""
    return _theme_form_page(request, None)


@head_office_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Rename a theme, change its touchpoints, or (de)activate it."""
    theme = selectors.theme_for_edit(actor=request.actor, code=code)
    if theme is None:
        raise Http404(_("theme not found"))
    return _theme_form_page(request, theme)


# --------------------------------------------------------------------------------------------------------------------
# Labelling


def _queue_filters(request: HttpRequest) -> selectors.QueueFilters:
    responses = tuple(int(v) for v in request.GET.getlist("response") if v.strip().isdigit())
    return selectors.QueueFilters(
        theme=request.GET.get("theme", "").strip()[:40],
        language=request.GET.get("language", "").strip()[:8],
        touchpoint=request.GET.get("touchpoint", "").strip()[:40],
        q=request.GET.get("q", "").strip()[:200],
        responses=responses[:selectors.MAX_NAMED_RESPONSES],
    )


@head_office_required
@require_http_methods(["GET", "POST"])
def label_page(request: HttpRequest) -> HttpResponse:
    """The labelling queue: the verbatims the model is least sure about, each with a form to say what it is about.

    A label is posted to the page's own address (filters included), saved through ``verbatim_label`` and followed
    by a redirect back to the queue, where the labelled verbatim has made room for the next one. A refused label is
    shown on its verbatim, with what was ticked, and nothing is saved.
    """
    actor = request.actor
    filters = _queue_filters(request)
    error = None
    status = 200
    failed = None
    if request.method == "POST":
        form = LabelForm(request.POST)
        if not form.is_valid():
            error, status = _("This label could not be read; please try again."), 400
        else:
            data = form.cleaned_data
            try:
                services.verbatim_label(actor=actor, response_pk=data["response"], theme_codes=data["themes"],
                                        sentiment=data["sentiment"])
            except DomainError as exc:
                error, status = str(exc.message), exc.status
                failed = data
            else:
                messages.success(request, _("Label saved. The model learns from it at its next retraining."))
                return redirect(request.get_full_path())
    items = selectors.label_queue(actor=actor, filters=filters)
    if failed is not None:
        items = [item for item in items if item.analysis.pk != failed["response"]]
        retry = selectors.label_queue(actor=actor, filters=selectors.QueueFilters(responses=(failed["response"],)),
                                      limit=1)
        for item in retry:
            item.checked_themes = set(failed["themes"])
            item.checked_sentiment = failed["sentiment"]
        items = retry + items
    return render(request, "verbatims/label.html", {
        "items": items,
        "filters": filters,
        "error": error,
        "error_pk": failed["response"] if failed else None,
        "themes": [t for t in selectors.brand_themes(actor) if t.is_active],
        "touchpoints": touchpoints_for(actor),
        "languages": settings.LANGUAGES,
        "sentiments": Sentiment.choices,
        "history": selectors.label_history(actor=actor),
        "action": request.get_full_path(),
    }, status=status)


# --------------------------------------------------------------------------------------------------------------------
# Models


@head_office_required
@require_http_methods(["GET", "POST"])
def model_page(request: HttpRequest) -> HttpResponse:
    """The active model and its predecessors with their cross-validated figures, and a button to retrain now."""
    actor = request.actor
    if request.method == "POST":
        enqueue_on_commit(tasks.retrain, actor.brand_id, actor.user_id)
        messages.success(request, _("Retraining started. It takes up to a minute, then every verbatim is analysed "
                                    "again with the new model."))
        return redirect("verbatims:model")
    return render(request, "verbatims/model.html", {
        "overview": selectors.model_overview(actor=actor),
        "quiet_minutes": int(services.RETRAIN_QUIET.total_seconds() // 60),
    })


# --------------------------------------------------------------------------------------------------------------------
# Emerging themes


def _emerging_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", selectors.EMERGING_DEFAULT_DAYS))
    except ValueError:
        return selectors.EMERGING_DEFAULT_DAYS
    return days if days in selectors.EMERGING_WINDOWS else selectors.EMERGING_DEFAULT_DAYS


@head_office_required
@require_GET
def emerging_page(request: HttpRequest) -> HttpResponse:
    """Groups of recent verbatims that fit no theme, new or ongoing, each with quotes and a way to make it a theme."""
    result = selectors.emerging_clusters(actor=request.actor, days=_emerging_days(request))
    label_url = reverse("verbatims:label")
    new_url = reverse("verbatims:theme_new")
    clusters = []
    for cluster in result.clusters:
        named = cluster.response_pks[:selectors.MAX_NAMED_RESPONSES]
        label_link = f"{label_url}?{urlencode([('response', pk) for pk in named])}"
        clusters.append({
            "cluster": cluster,
            "label_url": label_link,
            "new_theme_url": f"{new_url}?" + urlencode({"code": cluster.suggested_code,
                                                        "name": cluster.suggested_name, "next": label_link}),
        })
    return render(request, "verbatims/emerging.html", {
        "result": result,
        "clusters": clusters,
        "windows": selectors.EMERGING_WINDOWS,
        "low_fit": services.LOW_FIT,
        "background_days": selectors.EMERGING_BACKGROUND_DAYS,
        "max_texts": selectors.EMERGING_MAX_TEXTS,
    })
