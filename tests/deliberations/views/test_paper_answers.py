"""The secretariat enters a member's answer from his paper form on the session's page:
marked « formulaire papier », checked by the same rules, refused in French."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from meetings.answers import answer_give
from meetings.models import Attendance, AttendanceAnswer
from tests.conftest import Inbox
from tests.factories import login_as
from tests.meetings.answers_setup import Assembly, make_assembly

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


@pytest.fixture
def assembly() -> Assembly:
    return make_assembly()


@pytest.fixture
def clerk(client: Client, assembly: Assembly) -> Client:
    login_as(client, "secretariat", assembly.body, username="secretariat")
    return client


def _hub(assembly: Assembly) -> str:
    return reverse("meetings:session_detail", args=[assembly.session.pk])


def _enter(client: Client, assembly: Assembly, **data: Any) -> Any:
    return client.post(
        reverse("meetings:paper_answer_add", args=[assembly.session.pk]), data, follow=True
    )


def test_the_secretariat_enters_a_paper_pouvoir(
    clerk: Client,
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    assert "Saisir une réponse reçue sur papier" in _text(clerk.get(_hub(assembly)))

    with django_capture_on_commit_callbacks(execute=True):
        response = _enter(
            clerk,
            assembly,
            mandate=assembly["Alice"].pk,
            answer="proxy",
            holder=assembly["Bernard"].pk,
        )

    page = _text(response)
    assert "Réponse d'Alice Martin enregistrée (formulaire papier)" in page
    assert "Mme Alice Martin : absent, donne pouvoir à Bernard Durand formulaire papier" in page
    row = AttendanceAnswer.objects.get(mandate=assembly["Alice"])
    assert row.by_secretariat and row.entered_by is not None
    assert row.entered_by.username == "secretariat"
    assert len(smtp_inbox.messages) == 2


def test_a_paper_answer_breaking_a_rule_is_refused(clerk: Client, assembly: Assembly) -> None:
    response = _enter(
        clerk, assembly, mandate=assembly["Alice"].pk, answer="proxy", holder=assembly["Fabien"].pk
    )

    assert (
        "Réponse non enregistrée : Fabien Roux ne peut recevoir la procuration d'Alice Martin : "
        "un suppléant qui ne siège pas n'a pas voix délibérative."
    ) in _text(response)
    assert not AttendanceAnswer.objects.exists()
    assert "Réponse non enregistrée : Choisissez le membre." in _text(
        _enter(clerk, assembly, answer="present")
    )


def test_the_secretariat_withdraws_an_answer(clerk: Client, assembly: Assembly) -> None:
    given = answer_give(assembly.session, assembly["Alice"], Answer.EXCUSED)

    response = clerk.post(
        reverse("meetings:paper_answer_remove", args=[assembly.session.pk, given.pk]),
        follow=True,
    )

    assert "Réponse d'Alice Martin retirée." in _text(response)
    assert not AttendanceAnswer.objects.exists()


def test_once_the_roll_call_began_no_paper_answer(clerk: Client, assembly: Assembly) -> None:
    Attendance.objects.create(session=assembly.session, mandate=assembly["David"], status="present")

    page = _text(clerk.get(_hub(assembly)))
    assert "L'appel de la séance du" in page
    assert "Saisir une réponse reçue sur papier" not in page
    response = _enter(clerk, assembly, mandate=assembly["Alice"].pk, answer="present")
    assert "L'appel de la séance du" in _text(response)
    assert not AttendanceAnswer.objects.exists()


def test_an_elu_enters_no_paper_answer(client: Client, assembly: Assembly) -> None:
    login_as(client, "elu", assembly.body, mandate=assembly["David"])

    response = client.post(
        reverse("meetings:paper_answer_add", args=[assembly.session.pk]),
        {"mandate": assembly["Alice"].pk, "answer": "present"},
    )

    assert response.status_code == 403
    assert not AttendanceAnswer.objects.exists()
