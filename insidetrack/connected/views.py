"""Head office's pages: the connected-car rules (list, create, edit, switch off) and the data providers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from insidetrack.core.decorators import head_office_required
from insidetrack.core.errors import DomainError

from . import selectors, services
from .forms import RULE_FIELDS, ProviderForm, RuleForm


@head_office_required
def rule_list(request: HttpRequest) -> HttpResponse:
    return render(request, "connected/rules.html", {"rules": list(selectors.brand_rules(actor=request.actor))})


@head_office_required
def rule_edit(request: HttpRequest, rule_pk: int | None = None) -> HttpResponse:
    rule = None
    if rule_pk is not None:
        rule = selectors.brand_rule(actor=request.actor, pk=rule_pk)
        if rule is None:
            raise Http404
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in RULE_FIELDS}
            try:
                saved = services.rule_save(actor=request.actor, values=values, rule_pk=rule_pk)
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
                return redirect("connected:rules")
        status = 422
    else:
        status = 200
    return render(request, "connected/rule_form.html", {"form": form, "rule": rule}, status=status)


@require_POST
@head_office_required
def rule_switch(request: HttpRequest, rule_pk: int) -> HttpResponse:
    is_active = request.POST.get("is_active") == "1"
    try:
        rule = services.rule_switch(actor=request.actor, rule_pk=rule_pk, is_active=is_active)
    except DomainError as exc:
        raise Http404 from exc
    if rule.is_active:
        messages.success(request, _("Rule “%(name)s” is on.") % {"name": rule.name})
    else:
        messages.success(request, _("Rule “%(name)s” is off: it no longer reads new events.") % {"name": rule.name})
    return redirect("connected:rules")


@require_POST
@head_office_required
def rule_defaults(request: HttpRequest) -> HttpResponse:
    added = services.rules_seed_defaults(brand_id=request.actor.brand_id)
    messages.success(request, _("%(count)s default rules added.") % {"count": added})
    return redirect("connected:rules")


@head_office_required
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    raw_token = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _provider, raw_token = services.provider_create(actor=request.actor, name=form.cleaned_data["name"])
            form = ProviderForm()
        else:
            status = 422
    return render(request, "connected/providers.html", {
        "providers": list(selectors.brand_providers(actor=request.actor)), "form": form, "raw_token": raw_token,
        "endpoint": request.build_absolute_uri(reverse("api-1:telemetry_ingest")),
    }, status=status)


@require_POST
@head_office_required
def provider_revoke(request: HttpRequest, provider_pk: int) -> HttpResponse:
    try:
        provider = services.provider_revoke(actor=request.actor, provider_pk=provider_pk)
    except DomainError as exc:
        raise Http404 from exc
    messages.success(request, _("The token of %(name)s is revoked.") % {"name": provider.name})
    return redirect("connected:providers")
