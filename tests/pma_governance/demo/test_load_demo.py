"""`manage.py load_demo`: the PMA's sessions of 2023 and the demo accounts (issue 2, §6)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from deliberations.models import Deliberation
from meetings.models import AgendaItem, Session
from members.models import BodyAccess, SigningCertificate
from pma_governance.demo.loader import DEMO_PASSWORD, DEMO_SIGNING_PASSPHRASE
from pma_governance.lib.pades import personal_signer, validate_pdf
from tests.conftest import SIGNING_PASSPHRASE, export_document, row_counts

pytestmark = pytest.mark.django_db

JUNE_13 = dt.date(2023, 6, 13)
SEED_TITLES = [
    "Adoption du procès-verbal de la séance du 4 avril 2023",
    "Actualités",
    "Label Euralens 2023",
    "Informations sur les chantiers « éco-transition »",
    "Système express régional métropolitain (SERM) de l'étoile ferroviaire de Lille",
    "Défis de la réindustrialisation du territoire, les recommandations du Cercle de qualité "
    "du PMA",
    "Actus dossiers économiques",
    "Partenariat 2023 avec l'Agence d'urbanisme de l'Artois (AULA)",
    "Partenariat 2023 avec la Mission Bassin Minier",
    "Édition « Osons nos talents » 2023 - renouvellement du partenariat avec la Maison de "
    "l'emploi Lens-Liévin-Hénin-Carvin et le PLIE de l'arrondissement de Béthune",
    "Agenda",
]


def _load_demo(*args: str) -> str:
    stdout = io.StringIO()
    call_command("load_demo", *args, stdout=stdout)
    return stdout.getvalue()


@pytest.fixture
def demo(db: None) -> str:
    return _load_demo()


def test_june_session_has_the_seed_agenda_with_its_texts(demo: str) -> None:
    session = Session.objects.get(body__short_name="PMA", date=JUNE_13)
    items = list(session.items.order_by("position"))

    assert [i.title for i in items] == SEED_TITLES
    assert [i.position for i in items] == list(range(1, 12))
    news = items[1]
    assert news.kind == AgendaItem.Kind.INFORMATION
    assert "Gilles Huchette" in news.debate_summary
    assert "Lettre aux maires" in news.debate_summary
    assert "Vendredi 29 septembre" in items[10].debate_summary
    assert session.president is not None and session.president.person.full_name == "Alain Bavay"
    assert session.pv.closing_text.startswith("Monsieur le Président remercie")


def test_june_deliberations_have_their_visas_considerants_and_dispositifs(demo: str) -> None:
    deliberations = {
        d.number or "": d
        for d in Deliberation.objects.filter(item__session__date=JUNE_13).select_related("item")
    }

    assert sorted(deliberations) == ["2023/PMA00192", "2023/PMA00193", "2023/PMA00194"]
    aula = deliberations["2023/PMA00192"]
    assert len(aula.visas) == 4
    assert aula.visas[3].startswith("sa délibération N°2017/PMA0043 du 15 mai 2017")
    assert "40.000 euros" in aula.dispositif
    assert aula.considerants
    assert (aula.nature, aula.matiere) == ("1", "7.5")
    assert aula.prefecture_received_on == dt.date(2023, 6, 19)
    assert aula.prefecture_identifier == "062-200060358-20230613-2023_PMA00192-DE"
    for number in ("2023/PMA00193", "2023/PMA00194"):
        assert len(deliberations[number].visas) == 3
        assert "30.000 euros" in deliberations[number].dispositif
        assert deliberations[number].considerants
    assert all(d.status == Deliberation.Status.VOTED for d in deliberations.values())


def test_june_votes_are_those_of_the_pv(demo: str) -> None:
    export = export_document(day=JUNE_13)

    assert export["session"]["computed"]["counted_for_quorum"] == 17
    voted = {
        i.get("number", i["kind"]): i["computed"]
        for i in export["session"]["items"]
        if "computed" in i
    }
    assert voted["pv_adoption"]["voters"] == 17
    assert voted["2023/PMA00192"]["voters"] == 16
    assert voted["2023/PMA00192"]["not_voting"] == 1
    assert voted["2023/PMA00193"]["for"] == 17
    assert voted["2023/PMA00194"]["result"] == "adopted"


def test_june_adopts_the_pv_of_the_april_session(demo: str) -> None:
    april = Session.objects.get(body__short_name="PMA", date=dt.date(2023, 4, 4))
    adoption = AgendaItem.objects.get(session__date=JUNE_13, position=1)

    assert adoption.kind == AgendaItem.Kind.PV_ADOPTION
    assert adoption.adopts_pv == april.pv
    assert april.items.count() == 4
    assert set(
        Deliberation.objects.filter(item__session=april).values_list("number", flat=True)
    ) == {"2023/PMA00190", "2023/PMA00191"}


def test_september_and_december_sessions_are_planned(demo: str) -> None:
    planned = Session.objects.filter(body__short_name="PMA", date__gt=JUNE_13).order_by("date")

    assert [(s.date, s.status) for s in planned] == [
        (dt.date(2023, 9, 29), Session.Status.PLANNED),
        (dt.date(2023, 12, 8), Session.Status.PLANNED),
    ]
    assert all(s.start_time == dt.time(14, 30) for s in planned)


def test_loading_twice_duplicates_nothing(demo: str) -> None:
    counts = row_counts(history=False)
    june = export_document(day=JUNE_13)

    _load_demo()

    assert row_counts(history=False) == counts
    assert export_document(day=JUNE_13) == june
    # The June session still adopts the PV of April, although April was imported again.
    adoption = AgendaItem.objects.get(session__date=JUNE_13, position=1)
    assert adoption.adopts_pv is not None
    assert adoption.adopts_pv.session.date == dt.date(2023, 4, 4)


def test_if_empty_does_nothing_once_loaded(db: None) -> None:
    first = _load_demo("--if-empty")
    user = get_user_model().objects.get(username="secretariat")
    user.set_password("changé-depuis")
    user.save()
    counts = row_counts()

    second = _load_demo("--if-empty")

    assert "Démonstration chargée" in first
    assert "déjà chargée" in second
    assert row_counts() == counts
    user.refresh_from_db()
    assert user.check_password("changé-depuis")


@pytest.mark.parametrize(
    ("username", "group"),
    [("secretariat", "Secrétariat"), ("admin", "Administrateur"), ("elu", "Élu")],
)
def test_demo_accounts_log_in_with_their_role(demo: str, username: str, group: str) -> None:
    user = get_user_model().objects.get(username=username)

    assert user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD == "demo-pma-2023"
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert BodyAccess.objects.filter(user=user, body__short_name="PMA").exists()
    assert f"{username} / demo-pma-2023" in demo


def test_secretariat_and_admin_may_edit_the_elu_only_read(demo: str) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}

    for username in ("secretariat", "admin"):
        for perm in ("meetings.add_session", "meetings.change_proxy", "deliberations.change_vote"):
            assert users[username].has_perm(perm), (username, perm)
    elu = users["elu"]
    assert elu.has_perm("meetings.view_session")
    assert elu.has_perm("deliberations.view_deliberation")
    assert elu.has_perm("members.view_mandate")
    perms = elu.get_all_permissions()
    assert perms and all(p.split(".")[1].startswith("view_") for p in perms)
    assert not elu.has_perm("meetings.change_session")
    assert not elu.is_staff


def test_the_demo_dgs_reads_the_security_journal_and_no_one_opens_the_admin(demo: str) -> None:
    users = {u.username: u for u in get_user_model().objects.all()}

    assert users["admin"].has_perm("members.read_securityevent")
    assert not users["secretariat"].has_perm("members.read_securityevent")
    assert not users["elu"].has_perm("members.read_securityevent")
    assert not any(u.is_superuser for u in users.values())


def test_elu_account_is_linked_to_its_mandate(demo: str) -> None:
    elu = get_user_model().objects.get(username="elu")

    assert elu.person.full_name == "François Lemaire"  # type: ignore[attr-defined]


def test_reimporting_april_alone_keeps_the_june_adoption_of_its_pv(demo: str) -> None:
    from pma_governance.demo.loader import DEMO_DIR

    call_command("import_session", str(DEMO_DIR / "pma-2023-04-04.json"), stdout=io.StringIO())

    adoption = AgendaItem.objects.get(session__date=JUNE_13, position=1)
    april = Session.objects.get(body__short_name="PMA", date=dt.date(2023, 4, 4))
    assert adoption.adopts_pv == april.pv
    assert export_document(day=JUNE_13)["session"]["items"][0]["adopts_pv_of"] == "2023-04-04"


@pytest.mark.django_db
def test_load_demo_sign_signs_what_was_signed_in_2023(signing_certificate: Path) -> None:
    from deliberations.models import Deliberation, SignedDocument
    from meetings.models import ProcesVerbal

    call_command("load_demo", "--sign", stdout=io.StringIO())
    april = ProcesVerbal.objects.get(session__date="2023-04-04")
    assert april.status == "published"  # signed, adopted on 13 June, then published
    assert SignedDocument.objects.filter(kind="pv", session=april.session).exists()
    aula = Deliberation.objects.get(number="2023/PMA00192")
    assert aula.status == "published"  # transmitted, then published
    assert aula.prefecture_received_on == dt.date(2023, 6, 19)
    assert aula.prefecture_identifier == "062-200060358-20230613-2023_PMA00192-DE"
    assert set(Deliberation.objects.values_list("status", flat=True)) == {"published"}
    assert ProcesVerbal.objects.get(session__date="2023-06-13").status == "draft"
    # Each act is signed by the president and the secretary, each with the certificate in
    # his own name that the demo authority issued him, trusted through the demo root.
    for document in SignedDocument.objects.exclude(kind="executoire"):
        reports = validate_pdf(bytes(document.pdf))
        assert [r.certificate_subject for r in reports] == ["Alain Bavay", "François Lemaire"]
        assert all(r.intact and r.valid and r.trusted for r in reports)
    # Received in prefecture and published: its stamped copy (copie exécutoire) is made.
    assert SignedDocument.objects.filter(kind="executoire", deliberation=aula).exists()
    # Loading again keeps what is signed as signed, and the certificates as issued.
    certificates = set(SigningCertificate.objects.values_list("fingerprint", flat=True))
    call_command("load_demo", "--sign", stdout=io.StringIO())
    assert SignedDocument.objects.exclude(kind="executoire").count() == 6
    assert SignedDocument.objects.filter(kind="executoire").count() == 1
    assert set(SigningCertificate.objects.values_list("fingerprint", flat=True)) == certificates
    # The public portal of the demo shows them.
    portal = Client().get(reverse("public:body", args=["PMA"])).content.decode()
    assert "2023/PMA00192" in portal


def test_load_demo_issues_each_signatory_a_certificate_in_his_name(
    signing_certificate: Path,
) -> None:
    call_command("load_demo", stdout=io.StringIO())

    certificates = SigningCertificate.objects.select_related("person").order_by("common_name")
    assert [(c.common_name, c.person.full_name) for c in certificates] == [
        ("Alain Bavay", "Alain Bavay"),
        ("François Lemaire", "François Lemaire"),
    ]
    for certificate in certificates:
        assert "O=Pôle Métropolitain de l'Artois" in certificate.subject
        assert "Autorité de certification des actes (démonstration)" in certificate.issuer
        # Opened by the documented demo passphrase, and by it only.
        personal_signer(bytes(certificate.pkcs12), DEMO_SIGNING_PASSPHRASE)


def test_a_demo_loaded_before_the_certificates_gets_them_on_the_next_run(
    settings: Any, tmp_path: Path, demo_certificate: Path
) -> None:
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "absent.p12")  # no demo authority yet
    call_command("load_demo", stdout=io.StringIO())
    assert not SigningCertificate.objects.exists()

    settings.SIGNING_PKCS12_PATH = str(demo_certificate)
    settings.SIGNING_PKCS12_PASSPHRASE = SIGNING_PASSPHRASE
    output = _load_demo("--if-empty")

    assert "Démonstration déjà chargée." in output
    assert sorted(SigningCertificate.objects.values_list("common_name", flat=True)) == [
        "Alain Bavay",
        "François Lemaire",
    ]
    assert "Certificat de signature de démonstration : Alain Bavay" in output
