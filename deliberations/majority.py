"""Votes: votants, suffrages exprimés, majority, the president's casting vote."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Ballot = Literal["show_of_hands", "roll_call", "secret"]
Choice = Literal["for", "against", "abstain"]
CHOICE_LABELS: dict[str, str] = {"for": "pour", "against": "contre", "abstain": "abstention"}


class VoteError(ValueError):
    """A vote that cannot be recorded as given; the message is French."""


@dataclass(frozen=True)
class Tally:
    """The counted votes; `blank` (blancs et nuls) exists only in a secret ballot."""

    for_: int
    against: int = 0
    abstain: int = 0
    blank: int = 0


@dataclass(frozen=True)
class VoteOutcome:
    """The result of a vote as the act states it."""

    voters: int
    for_: int
    against: int
    abstain: int
    blank: int
    expressed: int
    result: Literal["adopted", "rejected"]
    unanimous: bool
    casting_vote: bool


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _tally_words(tally: Tally) -> list[str]:
    words = [
        _plural(tally.for_, "pour", "pour"),
        _plural(tally.against, "contre", "contre"),
        _plural(tally.abstain, "abstention", "abstentions"),
    ]
    if tally.blank:
        words.append(_plural(tally.blank, "blanc ou nul", "blancs ou nuls"))
    return words


def voters_count(*, present: int, represented: int, withheld: int) -> int:
    """Votants: present + represented − votes of members not taking part."""
    if present < 0 or represented < 0 or withheld < 0:
        raise VoteError(
            "Les nombres de présents, de représentés et de voix retenues ne peuvent être négatifs."
        )
    voters = present + represented - withheld
    if voters < 0:
        raise VoteError(
            f"Les voix des membres ne prenant pas part au vote ({withheld}) dépassent "
            f"celles des membres présents ou représentés ({present + represented})."
        )
    # CGCT L2121-20/21: those present or represented, less those not taking part
    return voters


def decide(
    *,
    voters: int,
    tally: Tally | None,
    ballot: Ballot = "show_of_hands",
    president_vote: Choice | None = None,
) -> VoteOutcome:
    """Decide a vote; `tally` None means « à l'unanimité » (every votant voted pour)."""
    if voters <= 0:
        raise VoteError(f"Aucun votant ({voters}) : le vote ne peut avoir lieu.")
    if tally is None:
        tally = Tally(for_=voters)
    if min(tally.for_, tally.against, tally.abstain, tally.blank) < 0:
        raise VoteError(
            f"Un nombre de voix ne peut être négatif ({', '.join(_tally_words(tally))})."
        )
    if tally.blank and ballot != "secret":
        # Blank and spoiled ballots exist only where there are ballots
        raise VoteError(
            "Les bulletins blancs ou nuls n'existent qu'au scrutin secret "
            f"({_plural(tally.blank, 'blanc ou nul', 'blancs ou nuls')} indiqués)."
        )
    total = tally.for_ + tally.against + tally.abstain + tally.blank
    if total != voters:
        raise VoteError(
            f"Les voix ({', '.join(_tally_words(tally))}) ne totalisent pas les "
            f"{_plural(voters, 'votant', 'votants')}."
        )
    if president_vote is not None:
        cast = {"for": tally.for_, "against": tally.against, "abstain": tally.abstain}
        if cast[president_vote] == 0:
            label = CHOICE_LABELS[president_vote]
            raise VoteError(
                f"Le vote du président (« {label} ») ne figure pas dans les voix "
                f"({', '.join(_tally_words(tally))})."
            )

    # CGCT L2121-20: abstentions, blank and spoiled ballots are not suffrages exprimés
    expressed = tally.for_ + tally.against
    adopted = 2 * tally.for_ > expressed
    casting_vote = False
    if tally.for_ == tally.against > 0 and ballot != "secret":
        # CGCT L2121-20: on a tie the president's vote decides, except in a secret ballot
        if president_vote is None:
            raise VoteError(
                f"Partage égal des voix ({_plural(tally.for_, 'pour', 'pour')}, "
                f"{_plural(tally.against, 'contre', 'contre')}) : indiquez le vote du "
                "président, prépondérant (CGCT L2121-20)."
            )
        # A president who abstained casts no deciding vote: no majority, rejected.
        casting_vote = president_vote in ("for", "against")
        adopted = president_vote == "for"
    return VoteOutcome(
        voters=voters,
        for_=tally.for_,
        against=tally.against,
        abstain=tally.abstain,
        blank=tally.blank,
        expressed=expressed,
        result="adopted" if adopted else "rejected",
        unanimous=tally.for_ == voters,
        casting_vote=casting_vote,
    )


def check_given(*, unanimous: bool, counts: Tally | None, named: Tally | None) -> None:
    """Refuse a vote given in contradictory ways: counts together with a roll call
    (`named`, the roll call counted), or « à l'unanimité » with votes against, abstentions
    or blank ballots. None means that way was not used."""
    if counts is not None and named is not None:
        raise VoteError(
            "Le vote est donné à la fois par un décompte des voix et par un appel "
            "nominal : indiquez l'un ou l'autre."
        )
    stated = counts if counts is not None else named
    if unanimous and stated is not None:
        dissent = [
            _plural(n, singular, plural)
            for n, singular, plural in (
                (stated.against, "contre", "contre"),
                (stated.abstain, "abstention", "abstentions"),
                (stated.blank, "blanc ou nul", "blancs ou nuls"),
            )
            if n
        ]
        if dissent:
            # DESIGN §4.4: « à l'unanimité » means every votant voted pour
            raise VoteError(
                "Un vote « à l'unanimité » ne compte ni voix contre, ni abstention, ni "
                f"bulletin blanc (ici : {', '.join(dissent)}) : choisissez l'unanimité ou "
                "le décompte des voix."
            )


def tally_from_roll_call(
    for_ids: Iterable[str], against_ids: Iterable[str], abstain_ids: Iterable[str]
) -> Tally:
    """Count a roll-call vote (scrutin public) from the members' ids."""
    seen: set[str] = set()
    counts: list[int] = []
    for ids in (for_ids, against_ids, abstain_ids):
        count = 0
        for member_id in ids:
            if member_id in seen:
                raise VoteError(
                    f"Le membre « {member_id} » figure deux fois dans le vote nominatif."
                )
            seen.add(member_id)
            count += 1
        counts.append(count)
    return Tally(for_=counts[0], against=counts[1], abstain=counts[2])


def result_phrase(outcome: VoteOutcome) -> str:
    """« à l'unanimité » or « par 10 voix pour, 3 voix contre et 2 abstentions »."""
    if outcome.unanimous:
        return "à l'unanimité"
    parts: list[str] = []
    if outcome.for_:
        parts.append(f"{outcome.for_} voix pour")
    if outcome.against:
        parts.append(f"{outcome.against} voix contre")
    if outcome.abstain:
        parts.append(_plural(outcome.abstain, "abstention", "abstentions"))
    if outcome.blank:
        parts.append(_plural(outcome.blank, "bulletin blanc ou nul", "bulletins blancs ou nuls"))
    if not parts:
        raise VoteError("Aucune voix à énoncer : le vote n'a pas de votants.")
    phrase = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"
    if outcome.casting_vote:
        return f"par {phrase}, la voix du président étant prépondérante"
    return f"par {phrase}"
