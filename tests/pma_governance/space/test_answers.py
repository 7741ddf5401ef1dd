"""An élu answers a coming session from his space: present, excused, a pouvoir, his
suppléant; a refusal shows his form again with the reason; he sees only his own answer
and the pouvoirs given to him, and downloads only the procurations he is party to."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.answers import answer_give
from meetings.models import AttendanceAnswer
from pma_governance.lib.pades import validate_pdf
from tests.conftest import Inbox
from tests.factories import MandateFactory, account, login_as, login_verified
from tests.meetings.answers_setup import Assembly, make_assembly
from tests.signatories import SIGNATORY_PASSPHRASE, with_certificate

pytestmark = pytest.mark.django_db

Answer = AttendanceAnswer.Answer


def _text(response: Any) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(page).split())


@pytest.fixture
def assembly() -> Assembly:
    return make_assembly()


def _as(client: Client, assembly: Assembly, first: str) -> Client:
    login_as(client, "elu", assembly.body, mandate=assembly[first], username=first.lower())
    return client


def _page(assembly: Assembly) -> str:
    return reverse("space:session", args=[assembly.session.pk])


def _answer(client: Client, assembly: Assembly, **data: Any) -> Any:
    return client.post(reverse("space:answer_give", args=[assembly.session.pk]), data)


def test_the_elu_gives_a_pouvoir_to_a_legal_holder(
    client: Client,
    assembly: Assembly,
    smtp_inbox: Inbox,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    answer_give(assembly.session, assembly["Claire"], Answer.EXCUSED)
    _as(client, assembly, "Alice")
    page = client.get(_page(assembly))
    form = page.content.decode().split('data-testid="answer-form"')[1].split("</form>")[0]
    offered = re.findall(r'<option value="(\d+)"', form)
    # Claire answered excused: not offered; Fabien and Gaëlle are suppléants who do not sit.
    holders = {assembly[n].pk for n in ("Bernard", "David", "Émilie")}
    assert holders <= {int(v) for v in offered}
    assert assembly["Claire"].pk not in {int(v) for v in offered}
    assert "Je serai absente et je donne pouvoir à un membre" in _text(page)
    assert "Vous n'avez pas encore indiqué si vous serez présente." in _text(page)
    assert "Je serai absente : mon suppléant siège" in _text(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, assembly, answer="proxy", holder=assembly["Bernard"].pk)

    assert response.status_code == 302 and response["Location"].endswith("#ma-reponse")
    row = AttendanceAnswer.objects.get(mandate=assembly["Alice"])
    assert (row.answer, row.holder, row.entered_by.username) == (  # type: ignore[union-attr]
        Answer.PROXY,
        assembly["Bernard"],
        "alice",
    )
    assert len(smtp_inbox.messages) == 2
    shown = _text(client.get(_page(assembly)))
    assert "Votre réponse : Absente, pouvoir donné à M. Bernard Durand" in shown
    assert "Ma procuration" in shown and "Signer ma procuration" in shown


@pytest.mark.parametrize(
    ("first", "kind", "said"),
    [
        ("Alice", Answer.EXCUSED, "absente et excusée"),
        ("Alice", Answer.PRESENT, "présente"),
        ("Bernard", Answer.EXCUSED, "absent et excusé"),
    ],
)
def test_the_answer_is_told_to_the_member_with_the_agreement(
    client: Client, assembly: Assembly, first: str, kind: str, said: str
) -> None:
    _as(client, assembly, first)

    response = _answer(client, assembly, answer=kind)

    assert response.status_code == 302
    shown = _text(client.get(_page(assembly)))
    assert f"Votre réponse est enregistrée : {said}." in shown
    assert f"Votre réponse : {said[0].upper()}{said[1:]} (le " in shown


def test_a_refused_pouvoir_shows_the_reason_and_keeps_the_choice(
    client: Client, assembly: Assembly
) -> None:
    answer_give(assembly.session, assembly["Claire"], Answer.EXCUSED)
    _as(client, assembly, "Alice")

    response = _answer(client, assembly, answer="proxy", holder=assembly["Claire"].pk)

    assert response.status_code == 200
    assert (
        "Claire Petit ne peut recevoir la procuration d'Alice Martin : le mandataire doit "
        "assister à la séance (CGCT L2121-20)."
    ) in _text(response)
    page = response.content.decode()
    assert re.search(r'value="proxy"[^>]*checked', page)
    assert re.search(rf'<option value="{assembly["Claire"].pk}" selected>', page)
    assert not AttendanceAnswer.objects.filter(mandate=assembly["Alice"]).exists()


def test_an_unknown_member_or_answer_is_refused_in_french(
    client: Client, assembly: Assembly
) -> None:
    _as(client, assembly, "Alice")

    assert "Choisissez votre réponse." in _text(_answer(client, assembly))
    stranger = _answer(client, assembly, answer="proxy", holder=999999)
    assert "Ce membre ne siège pas dans l'assemblée à cette date." in _text(stranger)
    assert "Choisissez votre réponse parmi" in _text(_answer(client, assembly, answer="x" * 50))


def test_the_holder_declines_and_the_mandant_withdraws(client: Client, assembly: Assembly) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    _as(client, assembly, "Bernard")
    page = _text(client.get(_page(assembly)))
    assert "Mme Alice Martin vous a donné pouvoir" in page

    # He cannot answer absent while he holds it.
    refused = _answer(client, assembly, answer="excused")
    assert "refusez d'abord ce pouvoir" in _text(refused)

    response = client.post(
        reverse("space:pouvoir_decline", args=[assembly.session.pk, given.pk]), follow=True
    )
    assert "Pouvoir refusé : Alice Martin en est averti par courriel." in _text(response)
    given.refresh_from_db()
    assert (given.answer, given.holder) == (Answer.EXCUSED, None)

    client.logout()
    _as(client, assembly, "Alice")
    response = client.post(
        reverse("space:answer_withdraw", args=[assembly.session.pk]), follow=True
    )
    assert "Votre réponse est retirée." in _text(response)
    assert not AttendanceAnswer.objects.filter(pk=given.pk).exists()


def test_an_elu_neither_answers_for_another_nor_declines_his_pouvoirs(
    client: Client, assembly: Assembly
) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    _as(client, assembly, "David")

    # The form answers for the account's own seat only: no field names another member.
    _answer(client, assembly, answer="present", mandate=assembly["Alice"].pk)
    assert AttendanceAnswer.objects.get(mandate=assembly["Alice"]).answer == Answer.PROXY
    assert AttendanceAnswer.objects.get(mandate=assembly["David"]).answer == Answer.PRESENT
    decline = client.post(reverse("space:pouvoir_decline", args=[assembly.session.pk, given.pk]))
    assert decline.status_code == 404
    page = _text(client.get(_page(assembly)))
    assert "Alice Martin" not in page.split("Ma réponse à la convocation")[1].split("Ordre")[0]


def test_procurations_are_read_by_their_parties_and_the_secretariat(
    client: Client, assembly: Assembly, signing_certificate: Path
) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    url = reverse("space:procuration", args=[assembly.session.pk, given.pk])
    _as(client, assembly, "Alice")
    assert client.get(url)["Content-Type"] == "application/pdf"  # read before signing

    response = client.post(
        reverse("space:procuration_sign", args=[assembly.session.pk]), follow=True
    )
    assert "Votre procuration est signée." in _text(response)
    signed = client.get(url)
    (report,) = validate_pdf(signed.content)
    assert report.field_name == "mandant" and report.ok
    client.logout()

    _as(client, assembly, "Bernard")
    assert client.get(url).content == signed.content
    client.logout()
    _as(client, assembly, "David")
    assert client.get(url).status_code == 404
    client.logout()
    login_as(client, "secretariat", assembly.body)
    assert client.get(url).content == signed.content


def test_signing_without_certificate_needs_a_two_factor_login(
    client: Client, assembly: Assembly, signing_certificate: Path
) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"])
    # An élu need not enrol a second factor: this one logged in with his password only.
    client.force_login(account("elu", assembly.body, mandate=assembly["Alice"]))

    page = _text(client.get(_page(assembly)))
    assert "connectez-vous avec l'authentification à deux facteurs" in page
    response = client.post(
        reverse("space:procuration_sign", args=[assembly.session.pk]), follow=True
    )
    assert "authentification à deux facteurs" in _text(response)
    assert AttendanceAnswer.objects.get(mandate=assembly["Alice"]).procuration_signed_at is None


def test_a_paper_answer_is_marked_as_such(client: Client, assembly: Assembly) -> None:
    answer_give(assembly.session, assembly["Alice"], Answer.EXCUSED, by_secretariat=True)
    _as(client, assembly, "Alice")

    assert "formulaire papier, saisi par le secrétariat" in _text(client.get(_page(assembly)))


def test_the_titulaire_names_his_suppleant(client: Client, assembly: Assembly) -> None:
    _as(client, assembly, "Claire")
    page = client.get(_page(assembly)).content.decode()
    select = page.split('name="substitute"')[1].split("</select>")[0]
    assert f'value="{assembly["Gaëlle"].pk}"' in select
    assert f'value="{assembly["Fabien"].pk}"' not in select  # another collectivity's

    response = _answer(client, assembly, answer="substitute", substitute=assembly["Gaëlle"].pk)

    assert response.status_code == 302
    row = AttendanceAnswer.objects.get(mandate=assembly["Claire"])
    assert (row.answer, row.substitute) == (Answer.SUBSTITUTE, assembly["Gaëlle"])
    shown = _text(client.get(_page(assembly)))
    assert "Votre réponse : Absente, Mme Gaëlle Simon siège à votre place" in shown


def test_the_mandant_signs_with_his_certificate_from_his_space(
    client: Client, assembly: Assembly, signing_certificate: Path
) -> None:
    given = answer_give(
        assembly.session, assembly["Alice"], Answer.PROXY, holder=assembly["Bernard"]
    )
    hand = with_certificate(assembly["Alice"].person)
    login_verified(client, hand.user)
    sign = reverse("space:procuration_sign", args=[assembly.session.pk])
    assert "Signer avec mon certificat" in _text(client.get(_page(assembly)))

    refused = client.post(sign, {"passphrase": ""}, follow=True)
    assert "Saisissez la phrase secrète de votre certificat pour signer." in _text(refused)
    wrong = client.post(sign, {"passphrase": "pas-la-bonne"}, follow=True)
    assert "Phrase secrète du certificat incorrecte : rien n'a été signé." in _text(wrong)
    assert "pas-la-bonne" not in wrong.content.decode()

    client.post(sign, {"passphrase": SIGNATORY_PASSPHRASE})

    pdf = client.get(reverse("space:procuration", args=[assembly.session.pk, given.pk])).content
    (report,) = validate_pdf(pdf)
    assert (report.certificate_subject, report.ok) == ("Alice Martin", True)


def _page_queries(client: Client, assembly: Assembly) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_page(assembly)).status_code == 200
    return len(queries)


def test_the_answer_block_keeps_its_queries_whatever_the_members(
    client: Client, assembly: Assembly
) -> None:
    answer_give(assembly.session, assembly["Claire"], Answer.EXCUSED)
    answer_give(assembly.session, assembly["Bernard"], Answer.PROXY, holder=assembly["David"])
    _as(client, assembly, "Alice")
    client.get(_page(assembly))
    small = _page_queries(client, assembly)

    # A 70-member body: 63 more titulaires, a third of them having answered.
    for n in range(63):
        mandate = MandateFactory(body=assembly.body, entity=assembly["Alice"].entity)
        if n % 3 == 0:
            answer_give(assembly.session, mandate, Answer.PRESENT)

    assert _page_queries(client, assembly) == small
