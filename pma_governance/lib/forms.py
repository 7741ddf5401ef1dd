"""Form helpers shared by every package: fields with their French error messages."""

from __future__ import annotations

from django import forms

DATE_ERRORS = {
    "required": "Indiquez la date.",
    "invalid": "Saisissez une date valide (JJ/MM/AAAA).",
}


def date_field(label: str, help_text: str = "") -> forms.DateField:
    """A required date, refused in French."""
    return forms.DateField(label=label, help_text=help_text, error_messages=DATE_ERRORS)
