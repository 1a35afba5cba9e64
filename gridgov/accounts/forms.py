"""Sign-in forms: they only shape the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PasswordLoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "placeholder": _("Enter your username"),
            }
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "placeholder": _("Enter your password")}
        ),
    )


class CodeLoginForm(forms.Form):
    """Phone + code; asking for a code needs the phone only (``require_code=False``)."""

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "numeric",
                "autocomplete": "tel-national",
                "maxlength": "13",
                "placeholder": _("11-digit mobile number"),
            }
        ),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "maxlength": "6",
                "placeholder": _("6-digit code"),
            }
        ),
    )

    def __init__(self, *args, require_code: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = require_code


class TotpCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    code = forms.CharField(
        label=_("Code from the app"),
        max_length=7,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "maxlength": "7",
                "placeholder": _("6-digit code"),
                "autofocus": True,
            }
        ),
    )
