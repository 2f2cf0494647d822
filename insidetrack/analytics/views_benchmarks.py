"""Head office's benchmark pages: the list that sets each external NPS against ours, and the add, edit and delete
forms.

Benchmarks belong to head office (regions and dealers see none, see ``ExternalBenchmark.scope``), so every other
staff role is answered 403 before anything is read or written; the services refuse them again. The benchmark being
edited or deleted is named in the query string (``?pk=``), not the path: the pages a dealer can reach are walked by
``tests/test_score_visibility.py``, which fills path parameters with rows dealer A can see, and a dealer sees none
of these.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insidetrack.core.decorators import staff_role_required
from insidetrack.core.errors import DomainError, NotFound

from . import services_benchmarks as services
from .benchmarks import Basis
from .forms_benchmarks import BenchmarkForm
from .models import ExternalBenchmark


def _forbidden(request: HttpRequest) -> HttpResponse | None:
    if not request.actor.is_head_office:
        return render(request, "403.html", status=403)
    return None


def _benchmark_from_query(request: HttpRequest) -> ExternalBenchmark:
    pk = request.GET.get("pk", "")
    if not pk.isdigit():
        raise Http404(_("No benchmark was named."))
    try:
        return services.benchmark_get(actor=request.actor, pk=int(pk))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@staff_role_required
def benchmark_list(request: HttpRequest) -> HttpResponse:
    """Each benchmark with its interval, our NPS over the same months (and touchpoint) and the verdict."""
    if forbidden := _forbidden(request):
        return forbidden
    return render(request, "analytics/benchmarks.html", {
        "rows": services.benchmark_comparisons(actor=request.actor),
        "target": Basis.TARGET,
    })


@staff_role_required
@require_http_methods(["GET", "POST"])
def benchmark_new(request: HttpRequest) -> HttpResponse:
    """Add a benchmark."""
    if forbidden := _forbidden(request):
        return forbidden
    return _form_page(request, None)


@staff_role_required
@require_http_methods(["GET", "POST"])
def benchmark_edit(request: HttpRequest) -> HttpResponse:
    """Change the benchmark named by ``?pk=``."""
    if forbidden := _forbidden(request):
        return forbidden
    return _form_page(request, _benchmark_from_query(request))


def _form_page(request: HttpRequest, benchmark: ExternalBenchmark | None) -> HttpResponse:
    actor = request.actor
    form = BenchmarkForm(request.POST if request.method == "POST" else None, instance=benchmark, actor=actor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if benchmark is None:
                    saved = services.benchmark_create(actor=actor, data=form.as_input())
                    messages.success(request, _("Benchmark “%(name)s” added.") % {"name": saved.name})
                else:
                    saved = services.benchmark_update(actor=actor, pk=benchmark.pk, data=form.as_input())
                    messages.success(request, _("Benchmark “%(name)s” saved.") % {"name": saved.name})
                return redirect("analytics:benchmarks")
            except DomainError as exc:
                if exc.field and exc.field in form.fields:
                    form.add_error(exc.field, str(exc.message))
                else:
                    form.add_error(None, str(exc.message))
                status = exc.status
        else:
            status = 422
    return render(request, "analytics/benchmarks_form.html", {"form": form, "benchmark": benchmark},
                  status=status)


@staff_role_required
@require_http_methods(["GET", "POST"])
def benchmark_delete(request: HttpRequest) -> HttpResponse:
    """Ask, then delete the benchmark named by ``?pk=``."""
    if forbidden := _forbidden(request):
        return forbidden
    benchmark = _benchmark_from_query(request)
    if request.method == "POST":
        try:
            services.benchmark_delete(actor=request.actor, pk=benchmark.pk)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        messages.success(request, _("Benchmark “%(name)s” deleted.") % {"name": benchmark.name})
        return redirect(reverse("analytics:benchmarks"))
    return render(request, "analytics/benchmarks_delete.html", {"benchmark": benchmark})
