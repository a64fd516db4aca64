import json

from allauth.socialaccount.forms import DisconnectForm
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.account_sections import account_sections
from accounts.context_processors import DEMO_SESSION_KEY
from accounts.forms import DeleteAccountForm, ProfileForm
from accounts.models import User
from accounts.providers import configured_providers, profile_from_provider_data, provider_name
from accounts.services import user_delete, user_export, user_update_profile

DEMO_USERNAME = "demo-member"


@login_required
def account(request):
    """The member's own page: name, picture, sign-in methods, other apps' settings (the comment
    mail), their data."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            user_update_profile(user=user, display_name=form.cleaned_data["display_name"])
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:account")
    else:
        form = ProfileForm(instance=user)
    connected = [
        {
            "pk": social.pk,
            "provider_name": provider_name(social.provider),
            "label": profile_from_provider_data(social.extra_data).name,
            "provider": social.provider,
        }
        for social in SocialAccount.objects.filter(user=user).order_by("date_joined")
    ]
    connected_ids = {social["provider"] for social in connected}
    return render(
        request,
        "accounts/account_detail.html",
        {
            "form": form,
            "connected_accounts": connected,
            "can_disconnect": len(connected) > 1,
            "providers_to_connect": [
                provider for provider in configured_providers() if provider.id not in connected_ids
            ],
            "sections": account_sections(request),  # other apps' settings: comment mail
        },
    )


@login_required
@require_POST
def disconnect(request):
    """Remove one sign-in method, never the last (allauth's form and checks do the work)."""
    form = DisconnectForm(request.POST, request=request)
    if form.is_valid():
        form.save()
        messages.success(request, _("That sign-in method is disconnected."))
    else:
        for error in form.errors.get("__all__", []) or [_("Choose a sign-in method.")]:
            messages.error(request, error)
    return redirect("accounts:account")


@login_required
def export(request):
    """Everything we keep about the member, as a JSON download."""
    data = user_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    filename = f"lectern-{request.user.username}-{timezone.now():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request):
    """Delete the member's account after they confirm it."""
    if request.user.is_staff:
        messages.error(request, _("Staff accounts are removed by an administrator."))
        return redirect("accounts:account")
    form = DeleteAccountForm(request.POST) if request.method == "POST" else DeleteAccountForm()
    if form.is_bound and form.is_valid():
        user_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account and everything of yours is deleted."))
        return redirect("blog:home")
    return render(request, "accounts/account_delete.html", {"form": form})


@never_cache
@require_safe
def csrf_token(request):
    """A CSRF token for a sign-in button pressed on a cached public page (see sign-in.js).

    The token's secret is kept in the session this starts, so the sign-in POST is bound to the
    reader's session as any other form is; pages themselves carry no token."""
    return JsonResponse({"token": get_token(request)})


@require_POST
def demo_sign_in(request):
    """Development only: sign in as a demo member without any provider (works offline)."""
    if not settings.DEBUG:
        raise Http404
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"display_name": "Demo Member"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[DEMO_SESSION_KEY] = True
    return redirect(safe_next_url(request) or "blog:home")


def safe_next_url(request) -> str:
    """The `next` address of the request, when it points into this site."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""
