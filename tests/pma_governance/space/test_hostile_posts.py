"""Hostile POSTs on the before-session endpoints: bogus ids, strings, huge values, NUL
bytes — a French refusal or a 404, never a server error, and nothing written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import AttendanceAnswer
from tests.factories import AgendaItemFactory, login_as
from tests.meetings.answers_setup import make_assembly

pytestmark = pytest.mark.django_db

HOSTILE = ["", "0", "-1", "abc", "9" * 30, "1\x00", "\u202e1", "1" * 5000, "1.5", "1e9"]
BIG = 2**63


@pytest.mark.parametrize("value", HOSTILE)
def test_an_elu_posting_hostile_values_gets_no_server_error(value: str) -> None:
    assembly = make_assembly()
    session = assembly.session
    item = AgendaItemFactory(session=session, position=1)
    client = Client(raise_request_exception=False)
    login_as(client, "elu", assembly.body, mandate=assembly["Alice"], username="alice")
    posts = [
        (
            reverse("space:answer_give", args=[session.pk]),
            {"answer": value, "holder": value, "substitute": value},
        ),
        (reverse("space:answer_give", args=[session.pk]), {"answer": "proxy", "holder": value}),
        (reverse("space:answer_withdraw", args=[session.pk]), {}),
        (reverse("space:pouvoir_decline", args=[session.pk, BIG]), {}),
        (reverse("space:procuration_sign", args=[session.pk]), {"passphrase": value}),
        (reverse("space:deport_add", args=[session.pk, item.pk]), {"reason": value}),
        (reverse("space:deport_add", args=[session.pk, BIG]), {"reason": "x"}),
        (reverse("space:deport_remove", args=[session.pk, BIG]), {}),
        (reverse("space:convocation_acknowledge", args=[BIG]), {}),
        (reverse("space:answer_give", args=[BIG]), {"answer": "present"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in {200, 302, 400, 403, 404}, (url, data)
    assert client.get(reverse("space:procuration", args=[session.pk, BIG])).status_code == 404
    assert not AttendanceAnswer.objects.exclude(answer__in=AttendanceAnswer.Answer.values).exists()


@pytest.mark.parametrize("value", HOSTILE)
def test_the_secretariat_posting_hostile_values_gets_no_server_error(value: str) -> None:
    assembly = make_assembly()
    session = assembly.session
    client = Client(raise_request_exception=False)
    login_as(client, "secretariat", assembly.body)
    posts = [
        (
            reverse("meetings:paper_answer_add", args=[session.pk]),
            {"mandate": value, "answer": value, "holder": value, "substitute": value},
        ),
        (reverse("meetings:paper_answer_remove", args=[session.pk, BIG]), {}),
        (reverse("meetings:answers_remind", args=[session.pk]), {"x": value}),
        (reverse("meetings:convocation", args=[session.pk]), {"envoi_precedent": value}),
        (
            reverse("meetings:convocation", args=[session.pk]),
            {"destinataires": value, "envoi_precedent": value},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in {200, 302, 400, 403, 404}, (url, data)
    for token in ["x" * 5000, "\x00", "../../", "%00"]:
        response = client.get(f"/convocations/{token}/")
        assert response.status_code in {400, 404}, token
