"""Publishing signed acts and PVs (CGCT R2131-1), and the open-data file in the SCDL
« Délibérations » schema (DESIGN §6)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from deliberations.models import Deliberation
from meetings.models import ProcesVerbal, Session
from members.models import Body
from pma_governance.publication.opendata import (
    SCDL_COLUMNS,
    scdl_csv,
    scdl_matiere_code,
    scdl_matiere_name,
    scdl_prefecture_id,
)
from pma_governance.publication.selectors import scdl_deliberations
from pma_governance.publication.services import deliberation_publish, pv_publish
from tests.conftest import refused_service
from tests.pma_governance.publication.helpers import (
    IDENTIFIER,
    NUMBER,
    SIGNED_ON,
    publish_fast,
    sign_fast,
    sign_pv_fast,
)
from tests.pma_governance.publication.public_world import SIRET

pytestmark = pytest.mark.django_db

# The columns of the schema, in its order (DESIGN §6).
EXPECTED_COLUMNS = [
    "COLL_NOM",
    "COLL_SIRET",
    "DELIB_ID",
    "DELIB_DATE",
    "DELIB_MATIERE_CODE",
    "DELIB_MATIERE_NOM",
    "DELIB_OBJET",
    "BUDGET_ANNEE",
    "BUDGET_NOM",
    "PREF_ID",
    "PREF_DATE",
    "VOTE_EFFECTIF",
    "VOTE_REEL",
    "VOTE_POUR",
    "VOTE_CONTRE",
    "VOTE_ABSTENTION",
    "DELIB_URL",
]


@pytest.fixture
def aula(seed_session: Session) -> Deliberation:
    return Deliberation.objects.get(number=NUMBER)


def _act(number: str) -> Deliberation:
    return Deliberation.objects.get(number=number)


# --- Publishing a deliberation ------------------------------------------------------------


def test_a_signed_act_is_published_with_its_date(aula: Deliberation) -> None:
    sign_fast(aula)
    published = deliberation_publish(deliberation=aula, published_on=dt.date(2023, 6, 20))
    aula.refresh_from_db()
    assert (aula.status, aula.published_on) == ("published", dt.date(2023, 6, 20))
    assert published.status == "published"


def test_a_transmitted_act_is_published_and_keeps_its_acknowledgement(aula: Deliberation) -> None:
    sign_fast(aula)
    Deliberation.objects.filter(pk=aula.pk).update(
        status="transmitted", prefecture_sent_on=dt.date(2023, 6, 15)
    )
    deliberation_publish(deliberation=aula, published_on=dt.date(2023, 6, 20))
    aula.refresh_from_db()
    assert aula.status == "published"
    assert (aula.prefecture_received_on, aula.prefecture_identifier) == (
        dt.date(2023, 6, 19),
        IDENTIFIER,
    )


def test_an_unsigned_act_is_not_published(aula: Deliberation) -> None:
    message = refused_service(
        lambda: deliberation_publish(deliberation=aula, published_on=dt.date(2023, 6, 20))
    )
    assert message == f"La délibération n° {NUMBER} n'est pas signée : elle ne peut être publiée."
    aula.refresh_from_db()
    assert (aula.status, aula.published_on) == ("voted", None)


def test_publication_dates_are_checked(aula: Deliberation) -> None:
    sign_fast(aula)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    message = refused_service(
        lambda: deliberation_publish(deliberation=aula, published_on=tomorrow)
    )
    assert f"La date de publication ({tomorrow:%d/%m/%Y}) est dans le futur." in message
    message = refused_service(
        lambda: deliberation_publish(deliberation=aula, published_on=dt.date(2023, 6, 13))
    )
    assert "La date de publication (13/06/2023) précède la signature (14/06/2023)." in message


def test_an_act_is_published_once(aula: Deliberation) -> None:
    publish_fast(aula, on=dt.date(2023, 6, 20))
    message = refused_service(
        lambda: deliberation_publish(deliberation=aula, published_on=dt.date(2023, 6, 21))
    )
    assert message == f"La délibération n° {NUMBER} est déjà publiée depuis le 20/06/2023."


# --- Publishing a procès-verbal -----------------------------------------------------------


def test_a_signed_pv_is_published(seed_session: Session) -> None:
    sign_pv_fast(seed_session)
    pv_publish(pv=seed_session.pv, published_on=SIGNED_ON)
    pv = ProcesVerbal.objects.get(session=seed_session)
    assert (pv.status, pv.published_on) == ("published", SIGNED_ON)


def test_an_adopted_pv_is_published(seed_session: Session) -> None:
    sign_pv_fast(seed_session)
    ProcesVerbal.objects.filter(session=seed_session).update(status="adopted")
    pv_publish(pv=seed_session.pv, published_on=dt.date(2023, 9, 26))
    assert ProcesVerbal.objects.get(session=seed_session).status == "published"


def test_a_draft_pv_is_not_published(seed_session: Session) -> None:
    message = refused_service(
        lambda: pv_publish(pv=seed_session.pv, published_on=dt.date(2023, 6, 20))
    )
    assert message == (
        "Le procès-verbal de la séance du 13/06/2023 n'est pas signé : il ne peut être publié."
    )
    assert ProcesVerbal.objects.get(session=seed_session).published_on is None


# --- Open data: SCDL « Délibérations » ------------------------------------------------------


def _rows(data: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data), delimiter=",")
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _file(seed_session: Session) -> str:
    # The seed gives no SIRET, and the file leaves out the acts of a body without one.
    Body.objects.filter(pk=seed_session.body_id).update(siret=SIRET)
    return scdl_csv(
        scdl_deliberations(seed_session.body),
        url_for=lambda d: f"https://actes.example.fr/public/PMA/deliberations/{d.pk}.pdf",
    )


def test_open_data_has_the_schema_columns_and_a_row_per_published_act(
    seed_session: Session,
) -> None:
    aula = _act(NUMBER)
    publish_fast(aula)
    Deliberation.objects.filter(pk=aula.pk).update(prefecture_sent_on=dt.date(2023, 6, 15))
    sign_fast(_act("2023/PMA00193"))  # signed, not published: not in the file

    header, rows = _rows(_file(seed_session))

    assert header == EXPECTED_COLUMNS == list(SCDL_COLUMNS)
    assert rows == [
        {
            "COLL_NOM": "Pôle Métropolitain de l'Artois",
            "COLL_SIRET": SIRET,
            "DELIB_ID": "2023/PMA00192",
            "DELIB_DATE": "2023-06-13",
            "DELIB_MATIERE_CODE": "7.5",
            "DELIB_MATIERE_NOM": "finances locales/subventions",
            "DELIB_OBJET": "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
            "BUDGET_ANNEE": "",
            "BUDGET_NOM": "",
            "PREF_ID": "PREF062",
            "PREF_DATE": "2023-06-19",
            # 22 members in office; 13 present + 4 represented − Mme Laversin, not voting.
            "VOTE_EFFECTIF": "22",
            "VOTE_REEL": "16",
            "VOTE_POUR": "16",
            "VOTE_CONTRE": "0",
            "VOTE_ABSTENTION": "0",
            "DELIB_URL": f"https://actes.example.fr/public/PMA/deliberations/{aula.pk}.pdf",
        }
    ]


def test_open_data_is_utf8_comma_separated_and_quotes_what_needs_it(
    seed_session: Session,
) -> None:
    aula = _act(NUMBER)
    sign_fast(aula)
    Deliberation.objects.filter(pk=aula.pk).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    data = _file(seed_session)
    data.encode("utf-8")  # no character outside UTF-8
    first_line = data.splitlines()[0]
    assert first_line == ",".join(EXPECTED_COLUMNS)
    assert "Pôle Métropolitain de l'Artois" in data


def test_open_data_states_the_members_in_office_frozen_with_the_act(
    seed_session: Session,
) -> None:
    aula = _act(NUMBER)
    sign_fast(aula, frozen_facts={"session": {"computed": {"in_office": 21}}})
    Deliberation.objects.filter(pk=aula.pk).update(
        status="published", published_on=dt.date(2023, 6, 20)
    )
    _, rows = _rows(_file(seed_session))
    assert rows[0]["VOTE_EFFECTIF"] == "21"


def test_open_data_leaves_out_the_prefecture_before_transmission_and_names_the_budget(
    seed_session: Session,
) -> None:
    act = _act("2023/PMA00193")
    Deliberation.objects.filter(pk=act.pk).update(budget_year=2023)  # before signature
    publish_fast(act)
    _, rows = _rows(_file(seed_session))
    (row,) = rows
    assert (row["PREF_ID"], row["PREF_DATE"]) == ("", "")
    # The schema wants both budget columns or neither.
    assert (row["BUDGET_ANNEE"], row["BUDGET_NOM"]) == ("2023", "Budget principal")


def test_open_data_is_empty_but_for_its_header_when_nothing_is_published(
    seed_session: Session,
) -> None:
    sign_fast(_act(NUMBER))
    header, rows = _rows(_file(seed_session))
    assert header == EXPECTED_COLUMNS
    assert rows == []


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("7.5", "finances locales/subventions"),
        ("7.9", "finances locales/prises de participation sem etc."),
        ("1.5", "commande publique/transactions - protocole d'accord transactionnel"),
        ("8.5", "domaines de compétences par thèmes/politique de la ville habitat logement"),
        ("7", ""),  # the first level alone: the schema wants two (the act is left out)
        ("7.99", ""),  # not in the nomenclature
    ],
)
def test_matiere_names_follow_the_schema(code: str, name: str) -> None:
    assert scdl_matiere_name(code) == name


def test_matiere_codes_and_prefecture_ids_follow_the_schema() -> None:
    assert scdl_matiere_code("7.5.1") == "7.5"
    assert scdl_matiere_code("7.10") == "7.10"
    assert scdl_prefecture_id("062") == "PREF062"
    assert scdl_prefecture_id("62") == "PREF062"
    assert scdl_prefecture_id("2a") == "PREF02A"
    assert scdl_prefecture_id("") == ""
