"""How long a text may be, and which characters no text may hold: the bounds of every input.

Each limit is twenty times the longest such text of the seed PV (the Comité syndical of
13 June 2023, as the demo imports it: `pma_governance/demo/pma-2023-06-13.json`, rich text
as stored, tags included), rounded up to the next 2,500 characters:

    considérants of one act (2023/PMA00192)    6,742  × 20 = 134,840 → 135,000
    debate of one item (« Actualités »)        4,204  × 20 =  84,080 →  85,000
    preamble of the PV                           479  × 20 =   9,580 →  10,000
    dispositif of one act (2023/PMA00194)        370  × 20 =   7,400 →   7,500
    one visa                                     123  × 20 =   2,460 →   2,500
    the visas of one act (4 visas)               479  × 20 =   9,580 →  10,000

An erratum and the PV's closing text are bounded like the preamble. At these limits the
extrait of a deliberation whose every text is full renders in a few seconds
(`benchmarks/bounds.py`); the short texts (titles, names, places) keep their columns'
`max_length`. The forms, the services (model validation), the import and the database
(CHECK constraints) all read these numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible

CONSIDERANTS = 135_000
DEBATE = 85_000
PV_TEXT = 10_000  # preamble, closing text
DISPOSITIF = 7_500
ERRATUM = 10_000
VISA = 2_500
VISAS_TOTAL = 10_000
VISAS_COUNT = 80  # 4 visas × 20
# Why a member takes no part in a vote: the column of the vote's own reason.
NOT_VOTING_REASON = 300
# An élu's private note on one projet: no seed text to measure, so bounded like a debate
# summary, the longest text an élu would write about one item.
PRIVATE_NOTE = DEBATE

# Characters no text may hold: C0 controls but tab and line breaks, DEL, C1 controls, lone
# surrogates (PostgreSQL refuses them), and the bidirectional embeddings, overrides and
# isolates, which make a text read otherwise than it is stored (« Trojan Source »).
CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def french_count(number: int) -> str:
    """135000 → « 135 000 », grouped by thousands with a narrow no-break space."""
    return f"{number:,}".replace(",", "\u202f")


def too_long_message(limit: int, length: int, subject: str = "Ce texte") -> str:
    return (
        f"{subject} ne peut dépasser {french_count(limit)} caractères "
        f"(il en compte {french_count(length)})."
    )


def strip_controls(text: str) -> str:
    """The text without the characters no text may hold (a paste from a word processor)."""
    return CONTROL_CHARACTERS.sub("", text)


def control_characters(text: str) -> list[str]:
    """The forbidden characters of a text, each once, as U+XXXX."""
    return sorted({f"U+{ord(c):04X}" for c in CONTROL_CHARACTERS.findall(text)})


def control_message(found: Iterable[str]) -> str:
    return (
        "ce texte contient des caractères de contrôle interdits "
        f"({', '.join(found)}) : retirez-les."
    )


@deconstructible
class MaxLength(MaxLengthValidator):
    """A text's maximum length, refused in French with both counts."""

    def __call__(self, value: Any) -> None:
        length = self.clean(value)
        if self.compare(length, self.limit_value):
            raise ValidationError(
                too_long_message(int(self.limit_value), length), code="max_length"
            )


@deconstructible
class NoControlCharacters:
    """Refuses a text holding a control character or a bidirectional override."""

    def __call__(self, value: Any) -> None:
        found = control_characters(str(value))
        if found:
            message = control_message(found)
            raise ValidationError(message[0].upper() + message[1:], code="control_characters")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters)

    def __hash__(self) -> int:
        return hash(NoControlCharacters)


def text_validators(limit: int | None = None) -> list[Callable[[Any], None]]:
    """What a model's free-text field checks: its length (TextField) and its characters."""
    return [MaxLength(limit), NoControlCharacters()] if limit else [NoControlCharacters()]


def length_constraint(field: str, limit: int, name: str) -> models.CheckConstraint:
    """The database's own refusal of a text over its limit."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=name,
        violation_error_message=f"Ce texte ne peut dépasser {french_count(limit)} caractères.",
    )


def visas_problem(visas: Any) -> str:
    """Why a list of visas is over its bounds, in French, or ""."""
    if not isinstance(visas, list):
        return ""
    texts = [v.get("text", "") if isinstance(v, dict) else v for v in visas]
    texts = [t for t in texts if isinstance(t, str)]
    if len(visas) > VISAS_COUNT:
        return f"Un acte ne peut viser plus de {VISAS_COUNT} textes (il en vise {len(visas)})."
    for rank, text in enumerate(texts, start=1):
        if len(text) > VISA:
            return too_long_message(VISA, len(text), f"Le visa n° {rank}")
    total = sum(map(len, texts))
    if total > VISAS_TOTAL:
        return too_long_message(VISAS_TOTAL, total, "L'ensemble des visas")
    return ""


@deconstructible
class VisasBounds:
    """Refuses visas too many or too long, and visas holding control characters."""

    def __call__(self, value: Any) -> None:
        problem = visas_problem(value)
        if problem:
            raise ValidationError(problem, code="visas_bounds")
        for visa in value if isinstance(value, list) else []:
            NoControlCharacters()(visa.get("text", "") if isinstance(visa, dict) else visa)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VisasBounds)

    def __hash__(self) -> int:
        return hash(VisasBounds)
