"""Form helpers shared by every package: fields with their French error messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import QueryDict

from pma_governance.lib.limits import MaxLength, strip_controls

DATE_ERRORS = {
    "required": "Indiquez la date.",
    "invalid": "Saisissez une date valide (JJ/MM/AAAA).",
}


def date_field(label: str, help_text: str = "") -> forms.DateField:
    """A required date, refused in French."""
    return forms.DateField(label=label, help_text=help_text, error_messages=DATE_ERRORS)


def _without_controls(data: Any) -> Any:
    """The submitted data with control characters taken out of every text (files untouched)."""
    if isinstance(data, QueryDict):
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists():
            cleaned.setlist(key, [strip_controls(v) if isinstance(v, str) else v for v in values])
        return cleaned
    if isinstance(data, Mapping):
        return {k: strip_controls(v) if isinstance(v, str) else v for k, v in data.items()}
    return data


class BoundedForm(forms.Form):
    """A form whose texts are bounded (pma_governance.lib.limits).

    What was typed loses its control characters (NUL, bidi overrides: a paste from a word
    processor), and a text longer than its field's `max_length` is refused in French with
    both counts: « Ce texte ne peut dépasser 7 500 caractères (il en compte 7 612). »
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data: Any = _without_controls(self.data)

    def full_clean(self) -> None:
        # Here, not in __init__: some forms add their fields after it (one per agenda item).
        for field in self.fields.values():
            limit = getattr(field, "max_length", None)
            if limit is not None:
                field.validators = [
                    v for v in field.validators if type(v) is not MaxLengthValidator
                ]
                if not any(isinstance(v, MaxLength) for v in field.validators):
                    field.validators.append(MaxLength(int(limit)))
        super().full_clean()

    def add_error(self, field: str | None, error: Any) -> None:
        # A service's ValidationError may name a model field the form does not have
        # (`visas`, `debate_summary`): its messages then show above the form, not a 500.
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            known = {k: v for k, v in error.error_dict.items() if k in self.fields}
            others = [
                message
                for key, errors in error.error_dict.items()
                if key not in known
                for message in ValidationError(errors).messages
            ]
            if known:
                super().add_error(None, ValidationError(known))
            if others:
                super().add_error(None, ValidationError(others))
            return
        super().add_error(field, error)
