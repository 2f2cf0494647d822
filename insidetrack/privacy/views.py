"""Head office's personal-data pages: the queue of requests with their due dates, one request with its audit trail,
and the actions (record a request received by letter or phone, process, refuse, download a copy)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from insidetrack.core.decorators import head_office_required
from insidetrack.core.errors import DomainError, NotFound, ValidationFailed
from insidetrack.core.personal_data import sections
from insidetrack.core.views import run_step
from insidetrack.customers.models import Customer

from . import selectors, services
from .policies import RequestKind, RequestStatus


@head_office_required
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    """The requests to deal with, the soonest due first; completed and refused ones are the audit."""
    show = request.GET.get("show", "open")
    if show not in selectors.QUEUE_FILTERS:
        show = "open"
    counts = selectors.request_counts(actor=request.actor)
    labels = {"open": _("To process"), "completed": RequestStatus.COMPLETED.label,
              "refused": RequestStatus.REFUSED.label, "all": _("All")}
    return render(request, "privacy/queue.html", {
        "rows": selectors.request_queue(actor=request.actor, show=show),
        "show": show,
        "filters": [(value, labels[value], counts[value]) for value in selectors.QUEUE_FILTERS],
        "today": timezone.localdate(),
        "kinds": RequestKind.choices,
    })


def _customer_pk(actor, value: str) -> int:
    """A customer number or e-mail, as a letter or a call gives it; one live customer of the brand, or an error."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_("Please give the customer's number or e-mail."), field="customer")
    customers = Customer.objects.visible_to(actor).filter(erased_at__isnull=True)
    matches = customers.filter(pk=int(value)) if value.isdigit() else customers.filter(email__iexact=value)
    pks = list(matches.values_list("pk", flat=True)[:2])
    if not pks:
        raise NotFound(_("No customer of the brand has the number or e-mail “%(value)s”.") % {"value": value},
                       field="customer")
    if len(pks) > 1:
        raise ValidationFailed(_("Several customers share this e-mail; please give the customer's number."),
                               field="customer")
    return pks[0]


@head_office_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    try:
        created = services.privacy_request_create(
            actor=request.actor, kind=request.POST.get("kind", ""),
            customer_pk=_customer_pk(request.actor, request.POST.get("customer", "")))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("privacy:queue"))
    messages.success(request, _("Request %(reference)s recorded.") % {"reference": created.reference})
    return redirect(reverse("privacy:request", args=[created.pk]))


@head_office_required
@require_GET
def request_page(request: HttpRequest, request_pk: int) -> HttpResponse:
    try:
        detail = selectors.request_detail(actor=request.actor, request_pk=request_pk, today=timezone.localdate())
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    privacy_request = detail.request
    customer = privacy_request.customer
    return render(request, "privacy/request.html", {
        "d": detail,
        "r": privacy_request,
        "customer": customer if customer is not None and customer.erased_at is None else None,
        "is_open": privacy_request.status in (RequestStatus.REQUESTED, RequestStatus.PROCESSING),
        "can_download": privacy_request.kind == RequestKind.EXPORT
        and privacy_request.status == RequestStatus.COMPLETED,
        "rows": _rows_by_section(privacy_request.rows_changed or {}),
    })


def _rows_by_section(rows: dict[str, int]) -> list[tuple[str, str, int]]:
    """Rows changed per section, under the sections' titles in export order (a section gone since: its key)."""
    titles = {section.key: str(section.title) for section in sections()}
    order = {section.key: index for index, section in enumerate(sections())}
    return [(key, titles.get(key, key), count)
            for key, count in sorted(rows.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))]


def _done(request: HttpRequest, request_pk: int, action, success: str) -> HttpResponse:
    return run_step(request, action, success=success, back_to=reverse("privacy:request", args=[request_pk]))


@head_office_required
@require_POST
def process(request: HttpRequest, request_pk: int) -> HttpResponse:
    return _done(request, request_pk,
                 lambda: services.privacy_request_process(actor=request.actor, request_pk=request_pk),
                 _("Request processed."))


@head_office_required
@require_POST
def refuse(request: HttpRequest, request_pk: int) -> HttpResponse:
    return _done(request, request_pk,
                 lambda: services.privacy_request_refuse(actor=request.actor, request_pk=request_pk,
                                                         reason=request.POST.get("reason", "")),
                 _("Request refused; the reason is in its history."))


@head_office_required
@require_GET
def download(request: HttpRequest, request_pk: int) -> HttpResponse:
    try:
        document = services.privacy_request_export(actor=request.actor, request_pk=request_pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(reverse("privacy:request", args=[request_pk]))
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{request_pk}.json"'
    return response
