"""Sign-in (password for staff, a one-time e-mailed link for owners), the role-based landing redirect and switching
between memberships."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from insidetrack.core.errors import DomainError, ValidationFailed
from insidetrack.core.roles import Role

from . import services
from .middleware import SESSION_MEMBERSHIP_KEY
from .selectors import memberships_for_user


class SignInForm(AuthenticationForm):
    """People sign in with their e-mail address, which is also their username."""

    username = forms.CharField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True,
                                                                                 "autocomplete": "email"}))


class OwnerLinkForm(forms.Form):
    """The owner's way in: only an e-mail address; the service decides whether a link goes out."""

    # The label must not contain "E-mail": the password form's field is found by that label.
    email = forms.CharField(label=_("Where should we send the link?"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email",
                                                           "placeholder": "name@example.com"}))


class SignInView(auth_views.LoginView):
    """Staff sign in with their password; owners ask for a link on the same page."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("link_form", OwnerLinkForm())
        return context


def _client_ip(request: HttpRequest) -> str:
    """The client's address, from the proxy's header when one is configured (its last entry is the proxy's own)."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def _sign_in_page(request: HttpRequest, *, link_form: OwnerLinkForm, link_error: str, status: int) -> HttpResponse:
    return render(request, "accounts/sign_in.html", {
        "form": SignInForm(request), "link_form": link_form, "link_error": link_error, "next": "",
    }, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def owner_link_request(request: HttpRequest) -> HttpResponse:
    """An owner asks for a sign-in link; the answer is the same whether or not the address is known."""
    if request.method == "GET":
        return redirect("login")
    form = OwnerLinkForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _sign_in_page(request, link_form=form, link_error=message, status=422)
    try:
        email = services.sign_in_link_request(email=form.cleaned_data["email"], client_ip=_client_ip(request))
    except services.TooManyRequests:
        return _sign_in_page(request, link_form=form, status=429, link_error=gettext_now(
            "Too many sign-in links were requested. Please wait a while and try again."))
    except ValidationFailed:
        return _sign_in_page(request, link_form=form, status=422,
                             link_error=gettext_now("Please enter a valid e-mail address."))
    return render(request, "accounts/link_sent.html", {
        "email": email, "minutes": settings.SIGN_IN_LINK_LIFETIME_MINUTES,
    })


def _link_language(link) -> str:
    language = link.language if link is not None else translation.get_language()
    return language if language in services.LANGUAGES else "en"


def _link_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    link = getattr(exc, "link", None)
    with translation.override(_link_language(link)):
        if isinstance(exc, services.SignInLinkUsed):
            title = gettext_now("This sign-in link has been used already")
            detail = gettext_now("Each link works only once. Ask for a new link below; if you did not use this one, "
                                 "please tell your dealer.")
        elif isinstance(exc, services.SignInLinkExpired):
            title = gettext_now("This sign-in link has expired")
            detail = gettext_now("Links work for %(minutes)s minutes. Ask for a new link below.") % {
                "minutes": settings.SIGN_IN_LINK_LIFETIME_MINUTES}
        elif isinstance(exc, services.SignInLinkNoAccount):
            title = gettext_now("We cannot sign you in with this link")
            detail = gettext_now("No owner account uses this e-mail address any more. Please contact your dealer.")
        else:
            title = gettext_now("This sign-in link is not valid")
            detail = gettext_now("It may have been copied incompletely. Open it straight from the e-mail, or ask "
                                 "for a new link below.")
        email = link.email if link is not None and not isinstance(exc, services.SignInLinkNoAccount) else ""
        response = render(request, "accounts/link_error.html", {
            "title": title, "detail": detail, "link_form": OwnerLinkForm(initial={"email": email}),
            "offer_new_link": not isinstance(exc, services.SignInLinkNoAccount),
        }, status=exc.status)
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def owner_link_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a "Sign in" button (mail scanners that open links do not burn them); POST uses the link."""
    if request.method == "GET":
        try:
            link = services.sign_in_link_get(token)
        except DomainError as exc:
            return _link_error(request, exc)
        with translation.override(_link_language(link)):
            return render(request, "accounts/link_confirm.html", {"email": link.email})
    try:
        user = services.sign_in_link_use(raw_token=token)
    except DomainError as exc:
        return _link_error(request, exc)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    response = redirect("portal:home")
    # The portal speaks the owner's language from the first page on; the language menu can still change it.
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.preferred_language, max_age=365 * 24 * 3600,
                        samesite="Lax")
    return response


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
