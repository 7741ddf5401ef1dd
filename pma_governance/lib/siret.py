"""The SIRET of a collectivity (SIREN + NIC) and its INSEE check digit (Luhn)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

SIRET_RE = re.compile(r"^\d{14}$")


def _luhn_sum(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total


def siret_is_valid(siret: str) -> bool:
    """14 digits whose Luhn key is right, as INSEE and the SCDL schemas check it."""
    return bool(SIRET_RE.match(siret)) and _luhn_sum(siret) % 10 == 0


def siret_with_key(first_13_digits: str) -> str:
    """The SIRET completed with the check digit that makes it valid (e.g. SIREN + NIC 0001)."""
    if not re.fullmatch(r"\d{13}", first_13_digits):
        raise ValueError(f"13 chiffres attendus : {first_13_digits!r}")
    key = (10 - _luhn_sum(first_13_digits + "0") % 10) % 10
    return f"{first_13_digits}{key}"


def validate_siret(value: str) -> None:
    """Model and form validator: 14 digits with a valid check digit, in French."""
    if not SIRET_RE.match(value):
        raise ValidationError("Le SIRET compte 14 chiffres.", code="siret_format")
    if not siret_is_valid(value):
        raise ValidationError(
            f"Le SIRET {value} n'est pas valide : sa clé de contrôle (algorithme de Luhn) est "
            "fausse. Vérifiez-le sur l'avis de situation SIRENE.",
            code="siret_key",
        )
