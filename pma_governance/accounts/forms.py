"""The accounts' forms: a TOTP code, and the password reset whose e-mail is plain text
built from data (no template: nothing in it is escaped twice or left unescaped)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMessage
from django.urls import reverse

from pma_governance.accounts.lifetime import duration_text

logger = logging.getLogger(__name__)

RESET_SUBJECT = "Choisir un nouveau mot de passe — PMA Governance"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label="Code à 6 chiffres",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": "Saisissez le code à 6 chiffres affiché par votre application.",
            "invalid": "Le code compte 6 chiffres, sans espace ni lettre.",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


def reset_email_text(*, user: Any, link: str) -> str:
    """The password reset e-mail, in French."""
    name = user.get_full_name() or user.get_username()
    validity = duration_text(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))
    lines = [
        f"Bonjour {name},",
        "",
        "Un nouveau mot de passe a été demandé pour votre compte "
        f"« {user.get_username()} » sur PMA Governance.",
        "",
        f"Pour le choisir, ouvrez ce lien (valable {validity}, une seule fois) :",
        link,
        "",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot "
        "de passe reste inchangé.",
        "",
        "-- ",
        "PMA Governance",
    ]
    return "\n".join(lines) + "\n"


class ResetForm(PasswordResetForm):
    """Django's password reset, its e-mail in French plain text with a link to SITE_URL
    (never to the Host header the request came with)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        body = reset_email_text(user=context["user"], link=settings.SITE_URL.rstrip("/") + path)
        message = EmailMessage(RESET_SUBJECT, body, from_email, [to_email])
        try:
            message.send()
        except Exception:
            # As Django's own form: the page says the same whether an e-mail left or not.
            logger.exception("Failed to send password reset email to %s", context["user"].pk)
