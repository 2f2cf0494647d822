"""Sign-in, the role-based landing redirect and switching between memberships."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from insidetrack.core.middleware import SESSION_MEMBERSHIP_KEY
from insidetrack.core.roles import Role

from .selectors import memberships_for_user


class SignInForm(AuthenticationForm):
    """People sign in with their e-mail address, which is also their username."""

    username = forms.CharField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "email"}))


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own landing page; a user without a membership is told so instead of seeing nothing."""
    actor = request.actor
    if actor.role == Role.OWNER:
        return redirect("portal:home")
    if actor.is_staff_role:
        return redirect("analytics:home")
    return render(request, "accounts/no_membership.html", status=403)


@require_POST
@login_required
def switch_membership(request: HttpRequest) -> HttpResponse:
    """Let a person with several roles (e.g. a principal of two dealers) choose which one they act in."""
    wanted = request.POST.get("membership")
    if wanted and wanted.isdigit() and any(m.pk == int(wanted) for m in memberships_for_user(request.user)):
        request.session[SESSION_MEMBERSHIP_KEY] = int(wanted)
    return redirect("home")
