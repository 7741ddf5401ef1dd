"""Validating a session document: its structure against the JSON Schema first, then, on
whatever of it can be read, the cross-references and CGCT rules. A valid document gives the
plan to write it; any other is refused with every problem, each located by its JSON path and
worded in French, listed in the order of the document — never only the first one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meetings.models import Session
from pma_governance.interchange.checks import check_document
from pma_governance.interchange.findings import Located
from pma_governance.interchange.schema import schema_problems


@dataclass(frozen=True)
class Problem:
    """One problem of a document, located by its JSON path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path} : {self.message}"


class DocumentError(Exception):
    """A document refused: every problem, nothing written."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Plan:
    """A valid document, ready to be written."""

    body: Mapping[str, Any]
    mandates: list[Mapping[str, Any]]
    session: Mapping[str, Any]
    date: dt.date
    reconvenes: Session | None


def validate_document(data: Any) -> Plan:
    """The plan to write a document, or DocumentError listing every problem by JSON path."""
    located = schema_problems(data)
    if not isinstance(data, Mapping):
        raise DocumentError([Problem(path, message) for path, message in located])
    # The checks read what the schema let through: a value of the wrong shape as absent.
    findings = check_document(data)
    located += findings.problems
    if located or findings.date is None:
        raise DocumentError([Problem(p, m) for p, m in in_document_order(located, data)])
    return Plan(
        body=data["body"],
        mandates=list(data.get("mandates") or []),
        session=data["session"],
        date=findings.date,
        reconvenes=findings.reconvenes,
    )


_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def in_document_order(problems: Sequence[Located], document: Any) -> list[Located]:
    """The problems from the top of the document to its end (stable for one place)."""
    return sorted(problems, key=lambda problem: _position(problem[0], document))


def _position(path: str, document: Any) -> tuple[int, ...]:
    """Where `$.session.items[3].vote` points: the rank of each key, each index."""
    position: list[int] = []
    node = document
    for key, index in _STEP.findall(path[1:]):
        if key:
            keys = list(node) if isinstance(node, Mapping) else []
            position.append(keys.index(key) if key in keys else len(keys))
            node = node.get(key) if isinstance(node, Mapping) else None
        else:
            position.append(int(index))
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
    return tuple(position)
