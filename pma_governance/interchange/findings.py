"""What the checks of a session document find, and how they read it. The schema has
already said what is wrong with the shape of each value; here a value of the wrong shape
reads as absent (an object as empty, a list as empty, a text as ""), so that the checks
never stumble on it nor report it a second time. `Findings` collects the problems by JSON
path, with the mandate ids a document refers to checked against those it lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from meetings.models import Session

Located = tuple[str, str]  # (JSON path, French message)


@dataclass
class Findings:
    """What the checks found, and what the import needs of it when there is no problem."""

    problems: list[Located] = field(default_factory=list)
    date: dt.date | None = None
    reconvenes: Session | None = None

    def add(self, path: str, message: str) -> None:
        self.problems.append((path, message))

    def ids(self, values: Any, path: str, known: Collection[str]) -> list[str]:
        """The known mandate ids of a list, each once; the others are problems."""
        ids: list[str] = []
        for index, value in enumerate(as_list(values)):
            if not isinstance(value, str):
                continue
            if value not in known:
                self.add(f"{path}[{index}]", f"identifiant de mandat inconnu : {value!r}.")
            elif value in ids:
                self.add(f"{path}[{index}]", f"« {value} » figure deux fois.")
            else:
                ids.append(value)
        return ids

    def ref(self, parent: Mapping[str, Any], key: str, path: str, known: Collection[str]) -> str:
        """The known mandate id at `key`, or "" (absent, or a problem)."""
        value = parent.get(key)
        if not isinstance(value, str):
            return ""
        if value not in known:
            self.add(f"{path}.{key}", f"identifiant de mandat inconnu : {value!r}.")
            return ""
        return value


def obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def objects(value: Any) -> list[Mapping[str, Any]]:
    """The objects of a list, a non-object as an empty one (so that indices still hold)."""
    return [obj(element) for element in as_list(value)]


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def one_of(value: Any, choices: Collection[str]) -> bool:
    """Whether a JSON value is one of the allowed strings (lists and objects never are)."""
    return isinstance(value, str) and value in choices


def count(value: Any) -> int | None:
    """A count of votes or proxies: a JSON integer, zero or more."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
