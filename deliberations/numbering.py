"""Deliberation numbers from the body's pattern, e.g. `{year}/{short}{seq:05d}` → 2023/PMA00192."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

_FIELDS = ("year", "short", "seq")

# (literal text before the field, field name or None, format spec)
_Part = tuple[str, str | None, str]


def _parse_pattern(pattern: str) -> list[_Part]:
    """Split a numbering pattern, refusing anything but {year}, {short} and {seq…}."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(
            f"Modèle de numérotation invalide « {pattern} » : accolades mal appariées."
        ) from exc
    parts: list[_Part] = []
    for literal, field, spec, conversion in parsed:
        if field is not None and field not in _FIELDS:
            raise ValueError(
                f"Modèle de numérotation invalide « {pattern} » : champ « {{{field}}} » inconnu "
                "(seuls {year}, {short} et {seq} sont permis)."
            )
        if conversion or (spec and "{" in spec):
            raise ValueError(
                f"Modèle de numérotation invalide « {pattern} » : format du champ "
                f"« {field} » non pris en charge."
            )
        parts.append((literal, field, spec or ""))
    if not any(field == "seq" for _, field, _ in parts):
        # DESIGN §4.5: the number must carry the gapless sequence
        raise ValueError(f"Modèle de numérotation invalide « {pattern} » : il manque {{seq}}.")
    return parts


def format_number(pattern: str, *, year: int, short: str, seq: int) -> str:
    """The number of the `seq`-th deliberation, e.g. 2023/PMA00192."""
    _parse_pattern(pattern)
    if seq < 1:
        raise ValueError(f"Le numéro d'ordre doit être un entier positif (reçu {seq}).")
    try:
        return pattern.format(year=year, short=short, seq=seq)
    except ValueError as exc:
        raise ValueError(f"Modèle de numérotation invalide « {pattern} » : {exc}.") from exc


def parse_number(pattern: str, number: str, *, short: str) -> tuple[int, int] | None:
    """(year, seq) of a number written with `pattern`, or None when it does not fit.

    A pattern without {year} gives year 0.
    """
    regex: list[str] = []
    seen: set[str] = set()
    for literal, field, spec in _parse_pattern(pattern):
        regex.append(re.escape(literal))
        if field is None:
            continue
        if field == "short":
            regex.append(re.escape(format(short, spec)))
        elif field in seen:
            regex.append(f"(?P={field})")
        else:
            seen.add(field)
            digits = r"\d{4}" if field == "year" and not spec else r"\d+"
            regex.append(f"(?P<{field}>{digits})")
    match = re.fullmatch("".join(regex), number)
    if match is None:
        return None
    year = int(match.group("year")) if "year" in seen else 0
    seq = int(match.group("seq"))
    # Padding and widths are checked by writing the number back
    if seq < 1 or format_number(pattern, year=year, short=short, seq=seq) != number:
        return None
    return year, seq


def next_sequence(last: int | None) -> int:
    """The sequence number after `last` (None: the body's first deliberation)."""
    if last is None:
        return 1
    if last < 0:
        raise ValueError(f"Le dernier numéro d'ordre ne peut être négatif ({last}).")
    return last + 1


def check_gapless(sequences: Iterable[int], *, start: int | None = None) -> list[int]:
    """Sequence numbers missing between `start` (default: the lowest) and the highest."""
    present = set(sequences)
    if not present:
        return []
    low = min(present) if start is None else start
    return [n for n in range(low, max(present) + 1) if n not in present]
