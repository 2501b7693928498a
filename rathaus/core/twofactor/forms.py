"""One field each: the code from the authenticator app, or a recovery code."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm


class EnrolForm(KernForm):
    code = forms.CharField(
        label=_("Code aus der App"),
        help_text=_("Die sechs Ziffern, die Ihre Authenticator-App jetzt anzeigt."),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(KernForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_(
            "Die sechs Ziffern aus Ihrer Authenticator-App – oder einer Ihrer "
            "Wiederherstellungscodes (acht Zeichen); er ist danach verbraucht."
        ),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
