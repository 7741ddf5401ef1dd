"""Writes of the deliberations app: drafting, numbering and recording votes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from deliberations.majority import (
    CHOICE_LABELS,
    Ballot,
    Choice,
    Tally,
    VoteError,
    check_given,
    decide,
    tally_from_roll_call,
)
from deliberations.models import (
    Deliberation,
    Erratum,
    NamedVote,
    VisaTemplate,
    Vote,
)
from deliberations.numbering import format_number, next_sequence, parse_number
from meetings.deports import deports_reason
from meetings.facts import item_figures, member_key, session_roll
from meetings.models import AgendaItem, Deport, ProcesVerbal, Session
from meetings.quorum import quorum_message
from meetings.selectors import declared_names
from meetings.services import agenda_item_add, agenda_item_update, pv_adopt
from members.models import Body, Mandate
from pma_governance.lib.db import refused_when_frozen
from pma_governance.lib.limits import strip_controls
from pma_governance.lib.richtext import normalize


@transaction.atomic
def deliberation_create(
    *,
    body: Body,
    title: str,
    matiere: str,
    dispositif: str,
    nature: str = "1",
    visas: Sequence[str] = (),
    considerants: str = "",
    item: AgendaItem | None = None,
    budget_year: int | None = None,
) -> Deliberation:
    if item is not None and item.session.body_id != body.pk:
        raise ValidationError("Ce point de l'ordre du jour appartient à une autre assemblée.")
    deliberation = Deliberation(
        body=body,
        title=title,
        nature=nature,
        matiere=matiere,
        visas=list(visas),
        considerants=normalize(considerants),
        dispositif=dispositif,
        item=item,
        budget_year=budget_year,
    )
    deliberation.full_clean()
    deliberation.save()
    return deliberation


@transaction.atomic
def number_assign(*, deliberation: Deliberation, number: str | None = None) -> Deliberation:
    """Give a deliberation its number: once, gapless, unique per body (DESIGN §4.5).

    With `number` (an archive being imported) that number is kept and the body's
    counter moves past it.
    """
    # The body row lock serialises numbering: two votes closing at once get two numbers.
    body = Body.objects.select_for_update().get(pk=deliberation.body_id)
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if deliberation.number:
        return deliberation
    session_year = deliberation.item.session.date.year if deliberation.item is not None else None
    if number is None:
        sequence = next_sequence(body.last_deliberation_sequence)
        if session_year is None:
            raise ValidationError("Une délibération est numérotée lors de son vote en séance.")
        number = format_number(
            body.numbering_pattern, year=session_year, short=body.short_name, seq=sequence
        )
    else:
        parsed = parse_number(body.numbering_pattern, number, short=body.short_name)
        if parsed is None:
            raise ValidationError(
                f"Le numéro {number} ne suit pas le modèle de numérotation "
                f"{body.numbering_pattern} de l'assemblée."
            )
        sequence = parsed[1]
    if Deliberation.objects.filter(body=body, number=number).exists():
        raise ValidationError(f"Le numéro {number} est déjà attribué à une autre délibération.")
    deliberation.number = number
    deliberation.sequence = sequence
    deliberation.save(update_fields=["number", "sequence"])
    if sequence > body.last_deliberation_sequence:
        body.last_deliberation_sequence = sequence
        body.save(update_fields=["last_deliberation_sequence"])
    return deliberation


def _named_tally(roll_call: dict[str, Collection[Mandate]] | None) -> Tally | None:
    """The roll call counted (names as given, before any check), None without one."""
    if roll_call is None:
        return None
    return Tally(
        for_=len(roll_call.get("for", ())),
        against=len(roll_call.get("against", ())),
        abstain=len(roll_call.get("abstain", ())),
    )


def _check_given(
    *,
    unanimous: bool,
    tally: Tally | None,
    roll_call: dict[str, Collection[Mandate]] | None,
) -> None:
    """Contradictory input (unanimity with dissent, counts and names) as a French error."""
    try:
        check_given(unanimous=unanimous, counts=tally, named=_named_tally(roll_call))
    except VoteError as exc:
        raise ValidationError(str(exc)) from exc


def vote_given(
    mode: str,
    *,
    tally: Tally | None = None,
    roll_call: dict[str, Collection[Mandate]] | None = None,
) -> dict[str, Any]:
    """The vote as `vote_record` takes it, from how it was given: « unanimous », « counts »
    (the counts) or « roll_call » (the names for, against, abstaining).

    `tally` and `roll_call` are what was typed (None: nothing); input contradicting the
    mode (unanimity with votes against, counts beside a roll call) is refused.
    """
    if mode not in {"unanimous", "counts", "roll_call"}:
        raise ValidationError(
            f"Mode de vote inconnu « {mode} » : unanimité, décompte ou appel nominal."
        )
    _check_given(unanimous=mode == "unanimous", tally=tally, roll_call=roll_call)
    if mode == "unanimous":
        return {"unanimous": True}
    if mode == "counts":
        return {"tally": tally if tally is not None else Tally(for_=0, against=0, abstain=0)}
    return {"roll_call": roll_call or {}}


def _president_choice(
    session: Session, roll_call: dict[str, Collection[Mandate]], president_vote: Choice | None
) -> Choice | None:
    """The president's vote in a roll call: his own name's choice (CGCT L2121-20)."""
    recorded: Choice | None = None
    for choice in ("for", "against", "abstain"):
        if any(m.pk == session.president_id for m in roll_call.get(choice, ())):
            recorded = choice  # type: ignore[assignment]
    if recorded is None:
        return president_vote
    if president_vote is not None and president_vote != recorded:
        raise ValidationError(
            f"Le vote du président indiqué (« {CHOICE_LABELS[president_vote]} ») diffère de "
            f"celui de l'appel nominal (« {CHOICE_LABELS[recorded]} »)."
        )
    return recorded


@transaction.atomic
def vote_record(
    *,
    item: AgendaItem,
    unanimous: bool = False,
    tally: Tally | None = None,
    roll_call: dict[str, Collection[Mandate]] | None = None,
    ballot: Ballot = "show_of_hands",
    not_voting: Collection[Mandate] | None = None,
    not_voting_reason: str = "",
    president_vote: Choice | None = None,
    number: str | None = None,
) -> Vote:
    """Record the vote on an item: quorum, votants and result are computed and checked.

    Exactly one of `unanimous`, `tally` and `roll_call` ({"for": [...], "against": [...],
    "abstain": [...]}) gives the vote (`vote_given` reads them from a vote mode). Members
    in `not_voting` take no part, for `not_voting_reason` when given; left out, they are
    the déports declared for the item who sit, with their reasons. On a tie the
    president's vote decides (CGCT L2121-20): in a roll call, the choice by his own name;
    otherwise `president_vote`, asked for when missing. A deliberation voted here gets
    its number.
    """
    # Lock the session: a roll-call change must not slip in between check and write.
    session = Session.objects.select_for_update().select_related("body").get(pk=item.session_id)
    item = AgendaItem.objects.select_related("session__body").get(pk=item.pk)
    if not item.is_voted:
        raise ValidationError(f"Le point « {item.title} » n'est pas soumis au vote.")
    if hasattr(item, "vote"):
        raise ValidationError(f"Le vote sur « {item.title} » est déjà enregistré.")
    if declared := declared_names(session):
        # The roll pre-filled from the answers is what members said, not yet what is seen.
        count = len(declared)
        lines = f"{count} lignes déclarées restent" if count > 1 else "1 ligne déclarée reste"
        raise ValidationError(
            f"Confirmez l'appel : {lines} à confirmer ({', '.join(declared)}) ; "
            "le vote ne peut être enregistré avant."
        )
    _check_given(unanimous=unanimous, tally=tally, roll_call=roll_call)
    given = sum([unanimous, tally is not None, roll_call is not None])
    if given != 1:
        raise ValidationError(
            "Indiquez le vote d'une seule façon : unanimité, décompte ou appel nominal."
        )
    roll = session_roll(session)
    if not_voting is None:
        # CGCT L2131-11: the members who declared a déport take no part, for their reason.
        deports = [
            d
            for d in Deport.objects.filter(item=item).select_related("mandate__person")
            if member_key(d.mandate) in roll.names
        ]
        not_voting = [d.mandate for d in deports]
        not_voting_reason = not_voting_reason or deports_reason(deports)
    not_voting_ids = [member_key(m) for m in not_voting]
    for mandate in not_voting:
        if member_key(mandate) not in roll.names:
            raise ValidationError(
                f"{mandate.person.full_name} ne siège pas dans cette séance : "
                "il ne peut être déclaré ne prenant pas part au vote."
            )
    figures = item_figures(item, roll, not_voting_ids)
    if not figures.quorum.met:
        # CGCT L2121-17: no deliberation without quorum (except items carried over).
        raise ValidationError(
            f"Le quorum n'est pas atteint pour le point « {item.title} » : "
            f"{quorum_message(figures.quorum)}. Le vote ne peut être enregistré."
        )
    named: list[tuple[Mandate, str]] = []
    if roll_call is not None:
        ballot = "roll_call"
        ids = {
            choice: [member_key(m) for m in roll_call.get(choice, ())]
            for choice in ("for", "against", "abstain")
        }
        try:
            tally = tally_from_roll_call(ids["for"], ids["against"], ids["abstain"])
        except VoteError as exc:
            raise ValidationError(str(exc)) from exc
        eligible = roll.count(item.position, not_voting=not_voting_ids)
        allowed = set(eligible.present) | set(eligible.represented)
        for choice, mandates in roll_call.items():
            for mandate in mandates:
                if member_key(mandate) not in allowed:
                    raise ValidationError(
                        f"{mandate.person.full_name} ne peut voter sur « {item.title} » "
                        "(absent sans pouvoir, ou ne prenant pas part au vote)."
                    )
                named.append((mandate, choice))
        president_vote = _president_choice(session, roll_call, president_vote)
    try:
        outcome = decide(
            voters=figures.voters,
            tally=None if unanimous else tally,
            ballot=ballot,
            president_vote=president_vote,
        )
    except VoteError as exc:
        raise ValidationError(f"« {item.title} » : {exc}") from exc
    vote = Vote(
        item=item,
        ballot=ballot,
        unanimous=outcome.unanimous,
        present=figures.present,
        represented=figures.represented,
        withheld=figures.withheld,
        voters=outcome.voters,
        votes_for=outcome.for_,
        votes_against=outcome.against,
        abstentions=outcome.abstain,
        blank=outcome.blank,
        casting_vote=outcome.casting_vote,
        result=outcome.result,
        not_voting_reason=not_voting_reason.strip() if not_voting else "",
    )
    vote.full_clean(exclude=["not_voting"])

    with refused_when_frozen():
        vote.save()
        vote.not_voting.set(list(not_voting))
        NamedVote.objects.bulk_create(
            NamedVote(vote=vote, mandate=mandate, choice=choice) for mandate, choice in named
        )
    if item.adopts_pv_id is not None and outcome.result == "adopted":
        pv_adopt(pv=item.adopts_pv, item=item)  # type: ignore[arg-type]
    deliberation = getattr(item, "deliberation", None)
    if deliberation is not None:
        deliberation = number_assign(deliberation=deliberation, number=number)
        deliberation.status = Deliberation.Status.VOTED
        deliberation.save(update_fields=["status"])
    if session.status in {Session.Status.PLANNED, Session.Status.CONVENED}:
        session.status = Session.Status.HELD
        session.save(update_fields=["status"])
    return vote


@transaction.atomic
def vote_cancel(*, vote: Vote) -> None:
    """Undo a vote typed by mistake, as long as nothing depending on it is signed."""
    deliberation = getattr(vote.item, "deliberation", None)
    if deliberation is not None and deliberation.status not in {
        Deliberation.Status.DRAFT,
        Deliberation.Status.VOTED,
    }:
        raise ValidationError("La délibération est signée : son vote ne peut plus être modifié.")

    with refused_when_frozen():
        if deliberation is not None:
            # Keeps its number: numbering is gapless.
            deliberation.status = Deliberation.Status.VOTED
            deliberation.save(update_fields=["status"])
        vote.delete()


def _ensure_draft(deliberation: Deliberation) -> None:
    if deliberation.status != Deliberation.Status.DRAFT:
        # DESIGN §4.6: a voted act never changes; a correction is a new act.
        raise ValidationError(
            f"La délibération n° {deliberation.number} est "
            f"« {deliberation.get_status_display().lower()} » : elle ne peut plus être "
            "modifiée. Une correction passe par une nouvelle délibération."
        )


def _ensure_item_free(item: AgendaItem, body: Body, deliberation: Deliberation | None) -> None:
    """An item may carry this projet: same body, a deliberation item, not voted, no other."""
    if item.session.body_id != body.pk:
        raise ValidationError("Ce point de l'ordre du jour appartient à une autre assemblée.")
    if item.kind != AgendaItem.Kind.DELIBERATION:
        raise ValidationError(
            f"Le point « {item.title} » n'est pas un point « Délibération » : "
            "il ne peut porter de projet de délibération."
        )
    if hasattr(item, "vote"):
        raise ValidationError(f"Le point « {item.title} » a déjà été voté.")
    other = Deliberation.objects.filter(item=item)
    if deliberation is not None:
        other = other.exclude(pk=deliberation.pk)
    if other.exists():
        raise ValidationError(
            f"Le point « {item.title} » porte déjà un autre projet de délibération."
        )


@transaction.atomic
def deliberation_update(
    *,
    deliberation: Deliberation,
    title: str,
    matiere: str,
    dispositif: str,
    nature: str = "1",
    visas: Sequence[str] = (),
    considerants: str = "",
    item: AgendaItem | None = None,
    budget_year: int | None = None,
) -> Deliberation:
    """Change a projet de délibération; refused once it has been voted."""
    # Lock the row: a vote closing now must not be followed by a draft edit.
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    _ensure_draft(deliberation)
    if item is not None:
        item = AgendaItem.objects.select_related("session").get(pk=item.pk)
        _ensure_item_free(item, deliberation.body, deliberation)
    deliberation.title = title
    deliberation.matiere = matiere
    deliberation.nature = nature
    deliberation.visas = [v for v in visas if v.strip()]
    deliberation.considerants = normalize(considerants)
    deliberation.dispositif = dispositif
    deliberation.item = item
    deliberation.budget_year = budget_year
    deliberation.full_clean()
    deliberation.save()
    return deliberation


@transaction.atomic
def deliberation_delete(*, deliberation: Deliberation) -> None:
    """Delete a projet never voted (a voted act is kept, numbered, forever)."""
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    _ensure_draft(deliberation)
    if deliberation.number:
        raise ValidationError(
            f"La délibération n° {deliberation.number} est numérotée : elle ne peut être "
            "supprimée (la numérotation est continue)."
        )
    deliberation.delete()


@transaction.atomic
def deliberation_link(
    *, item: AgendaItem, deliberation: Deliberation | None
) -> Deliberation | None:
    """Make `deliberation` the projet of `item` (None: the item keeps no projet)."""
    item = AgendaItem.objects.select_related("session").get(pk=item.pk)
    current = Deliberation.objects.select_for_update().filter(item=item).first()
    if current is not None and deliberation is not None and current.pk == deliberation.pk:
        return current
    if current is not None:
        _ensure_draft(current)
        current.item = None
        current.save(update_fields=["item"])
    if deliberation is None:
        return None
    deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    _ensure_draft(deliberation)
    _ensure_item_free(item, deliberation.body, deliberation)
    deliberation.item = item
    deliberation.full_clean()
    deliberation.save(update_fields=["item"])
    return deliberation


@transaction.atomic
def agenda_item_create(
    *,
    session: Session,
    kind: str,
    title: str,
    rapporteur: Mandate | None = None,
    adopts_pv: ProcesVerbal | None = None,
    draft: Deliberation | None = None,
) -> AgendaItem:
    """Add a point to the ordre du jour, with `draft` as its projet; all or nothing: the
    point is not kept if its projet cannot be attached."""
    item = agenda_item_add(
        session=session, kind=kind, title=title, rapporteur=rapporteur, adopts_pv=adopts_pv
    )
    if draft is not None:
        deliberation_link(item=item, deliberation=draft)
    return item


@transaction.atomic
def agenda_item_change(
    *,
    item: AgendaItem,
    kind: str,
    title: str,
    rapporteur: Mandate | None = None,
    adopts_pv: ProcesVerbal | None = None,
    draft: Deliberation | None = None,
) -> AgendaItem:
    """Change a point and its projet (`draft`, None for none); all or nothing.

    The old projet is detached first (the nature may then change), the new one attached
    last (the point must be a « Délibération » by then).
    """
    current = Deliberation.objects.filter(item=item).first()
    if current is not None and draft != current:
        deliberation_link(item=item, deliberation=None)
    item = agenda_item_update(
        item=item, kind=kind, title=title, rapporteur=rapporteur, adopts_pv=adopts_pv
    )
    if draft is not None and draft != current:
        deliberation_link(item=item, deliberation=draft)
    return item


def visa_text(text: str) -> str:
    """A visa as stored: without the leading « VU » nor the final semicolon."""
    text = " ".join(strip_controls(text).split())
    for prefix in ("VU ", "Vu ", "vu "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.rstrip(" ;,.").strip()


@transaction.atomic
def visa_template_create(*, body: Body, text: str, position: int | None = None) -> VisaTemplate:
    """Add a visa to the body's library (at the end unless a position is given)."""
    text = visa_text(text)
    if VisaTemplate.objects.filter(body=body, text=text).exists():
        raise ValidationError("Ce visa figure déjà dans la bibliothèque de l'assemblée.")
    if position is None:
        last = VisaTemplate.objects.filter(body=body).aggregate(m=Max("position"))["m"]
        position = 0 if last is None else last + 1
    visa = VisaTemplate(body=body, text=text, position=position)
    visa.full_clean()
    visa.save()
    return visa


@transaction.atomic
def visa_template_update(*, visa: VisaTemplate, text: str, position: int) -> VisaTemplate:
    """Change a visa of the library; deliberations already drafted keep their own copy."""
    text = visa_text(text)
    if VisaTemplate.objects.filter(body_id=visa.body_id, text=text).exclude(pk=visa.pk).exists():
        raise ValidationError("Ce visa figure déjà dans la bibliothèque de l'assemblée.")
    visa.text = text
    visa.position = position
    visa.full_clean()
    visa.save()
    return visa


@transaction.atomic
def visa_template_delete(*, visa: VisaTemplate) -> None:
    """Remove a visa from the library; deliberations keep the visas they quote."""
    visa.delete()


# --- Errata: a signed act is corrected, never changed ------------------------------------


def erratum_validate(
    *,
    deliberation: Deliberation | None,
    pv: ProcesVerbal | None,
    text: str,
    date: dt.date,
) -> None:
    """Why an erratum cannot be recorded, as a French ValidationError (nothing when it can)."""
    if (deliberation is None) == (pv is None):
        raise ValidationError("Un erratum corrige une délibération ou un procès-verbal, un seul.")
    if not text.strip():
        raise ValidationError("Le texte de l'erratum est vide.")
    if deliberation is not None:
        if not deliberation.is_signed:
            raise ValidationError(
                "Cette délibération n'est pas signée : corrigez-la directement, sans erratum."
            )
        signed_at = deliberation.signed_at
    else:
        assert pv is not None
        if not pv.is_signed:
            raise ValidationError(
                "Ce procès-verbal n'est pas signé : corrigez-le directement, sans erratum."
            )
        signed_at = pv.signed_at
    if signed_at is not None and date < timezone.localdate(signed_at):
        raise ValidationError(
            f"Un erratum ne peut être daté d'avant la signature de l'acte "
            f"({timezone.localdate(signed_at):%d/%m/%Y})."
        )


@transaction.atomic
def erratum_create(
    *,
    text: str,
    created_by: Any,
    deliberation: Deliberation | None = None,
    pv: ProcesVerbal | None = None,
    date: dt.date | None = None,
) -> Erratum:
    """Record an erratum to a signed act; the act itself and its PDF stay as signed."""
    # The act's row is read locked so that the erratum is checked against its final status.
    if deliberation is not None:
        deliberation = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    if pv is not None:
        pv = ProcesVerbal.objects.select_for_update().get(pk=pv.pk)
    date = date or timezone.localdate()
    erratum_validate(deliberation=deliberation, pv=pv, text=text, date=date)
    erratum = Erratum(
        deliberation=deliberation, pv=pv, text=text.strip(), date=date, created_by=created_by
    )
    erratum.full_clean()
    erratum.save()
    return erratum
