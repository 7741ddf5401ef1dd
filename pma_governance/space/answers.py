"""« Ma réponse » on an élu's session page: his answer, the pouvoirs he holds, his
procuration. What the page shows of the answers is his own and the pouvoirs given to him,
never another member's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meetings.answers import (
    answer_choices,
    answers_closed_reason,
    session_answers,
    session_start,
)
from meetings.models import AttendanceAnswer, Session
from meetings.procuration import may_sign_with_certificate
from members.models import Mandate
from pma_governance.space.forms import AnswerForm, SignForm


@dataclass
class AnswerPanel:
    """What the « Ma réponse » block shows."""

    mandate: Mandate
    mine: AttendanceAnswer | None
    held: list[AttendanceAnswer]
    closed: str
    closes_at: Any
    form: AnswerForm | None
    sign_form: SignForm | None
    with_certificate: bool
    verified: bool


def answer_form(
    session: Session, mandate: Mandate, data: Any = None, mine: AttendanceAnswer | None = None
) -> AnswerForm:
    initial = {}
    if mine is not None:
        initial = {
            "answer": mine.answer,
            "holder": mine.holder_id,
            "substitute": mine.substitute_id,
        }
    return AnswerForm(
        data,
        initial=initial,
        session=session,
        mandate=mandate,
        choices=answer_choices(session, mandate),
    )


def answer_panel(
    session: Session, mandate: Mandate | None, user: Any, form: AnswerForm | None = None
) -> AnswerPanel | None:
    """The block for `mandate` (None: the user does not sit in the body, no block)."""
    if mandate is None:
        return None
    answers = session_answers(session)
    mine = next((a for a in answers if a.mandate_id == mandate.pk), None)
    closed = answers_closed_reason(session)
    held = [a for a in answers if a.holder_id == mandate.pk]
    if closed and mine is None and not held:
        return None  # a past session he never answered: nothing to say
    if not closed and form is None:
        form = answer_form(session, mandate, mine=mine)
    pouvoir = mine is not None and mine.answer == AttendanceAnswer.Answer.PROXY
    return AnswerPanel(
        mandate=mandate,
        mine=mine,
        held=held,
        closed=closed,
        closes_at=session_start(session),
        form=None if closed else form,
        sign_form=SignForm() if pouvoir and not closed else None,
        with_certificate=pouvoir and may_sign_with_certificate(mandate.person),
        verified=bool(getattr(user, "is_verified", lambda: False)()),
    )
