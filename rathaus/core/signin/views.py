"""The two OpenID Connect pages: start at the municipality's provider, and come back."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from rathaus.core.signin import selectors
from rathaus.core.signin.oidc import SESSION_KEY, ProviderSettings


class OidcSignInStart(ProviderSettings, OIDCAuthenticationRequestView):
    """``/konto/oidc/<municipality>/anmelden/``: to the provider of that municipality."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the parent would read a global provider here

    def get(self, request, municipality_slug):
        self.provider = selectors.oidc_provider_for(municipality_slug)
        if self.provider is None:
            raise Http404
        self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        request.session[SESSION_KEY] = municipality_slug
        return super().get(request)


class OidcSignInReturn(ProviderSettings, OIDCAuthenticationCallbackView):
    """``/konto/oidc/rueckkehr/``: signed in, or back to the login page with a message."""

    def login_failure(self):
        messages.error(
            self.request,
            gettext(
                "Die Anmeldung über den Anmeldedienst ist nicht gelungen. Ihr Konto hat "
                "dort keine Gruppe, die in Rathaus einer Rolle zugeordnet ist, oder die "
                "Anmeldung wurde abgebrochen."
            ),
        )
        return HttpResponseRedirect(reverse("login"))
