"""The @ctes archive of a signed act: the ACTES v1.1 message and envelope, valid against the
XSD transcribed from the issue's description; the platform's file names; the same bytes from
`export_actes` and from the secretariat's button; the accusé de réception imported from its
XML (DESIGN §6)."""

from __future__ import annotations

import datetime as dt
import io
import tarfile
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from lxml import etree

from deliberations.models import Deliberation
from members.models import Body
from pma_governance.lib.actes_numbers import numero_interne
from pma_governance.prefecture.actes import ACTES_NAMESPACE, actes_archive
from pma_governance.prefecture.services import (
    annex_add,
    prefecture_import_ack,
    prefecture_record_sent,
)
from tests.factories import BodyFactory, login_as
from tests.pma_governance.prefecture.helpers import IDENTIFIER, NUMBER, SIGNED_PDF

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).with_name("actes_v1_1.xsd"))))
SENT = dt.date(2023, 6, 15)
BASE = "062-200060358-20230615-2023_PMA00192-DE-1-1"
NS = {"actes": ACTES_NAMESPACE}


def _files(content: bytes) -> dict[str, tarfile.TarInfo | bytes]:
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        members = archive.getmembers()
        files: dict[str, tarfile.TarInfo | bytes] = {}
        for member in members:
            handle = archive.extractfile(member)
            assert handle is not None
            files[member.name] = handle.read()
            files[f"info:{member.name}"] = member
        return files


def _valid(xml: bytes) -> etree._Element:
    root = etree.fromstring(xml)
    SCHEMA.assertValid(root)
    return root


def _with_annexes(signed: Deliberation) -> None:
    for title, data in (("Convention AULA 2023", b"%PDF convention"), ("Programme", b"%PDF p")):
        annex_add(deliberation=signed, title=title, filename=f"{title}.pdf", content=data)


def test_the_archive_holds_the_message_the_act_its_annexes_and_the_envelope(
    signed: Deliberation,
) -> None:
    _with_annexes(signed)

    archive = actes_archive(signed, sent_on=SENT)

    envelope = f"EACT--200060358--20230615-{signed.pk}.xml"
    assert archive.name == f"EACT--200060358--20230615-{signed.pk}.tar.gz"
    files = _files(archive.content)
    names = [name for name in files if not name.startswith("info:")]
    assert names == [
        f"{BASE}_0.xml",
        f"99_DE-{BASE}_1.pdf",
        f"99_AU-{BASE}_2.pdf",
        f"99_AU-{BASE}_3.pdf",
        envelope,
    ]
    assert files[f"99_DE-{BASE}_1.pdf"] == SIGNED_PDF
    assert files[f"99_AU-{BASE}_2.pdf"] == b"%PDF convention"

    message = files[f"{BASE}_0.xml"]
    assert isinstance(message, bytes)
    acte = _valid(message)
    a = f"{{{ACTES_NAMESPACE}}}"
    assert (
        acte.get(f"{a}Date"),
        acte.get(f"{a}NumeroInterne"),
        acte.get(f"{a}CodeNatureActe"),
    ) == (
        "2023-06-13",
        "2023_PMA00192",
        "1",
    )
    assert [etree.QName(child).localname for child in acte] == [
        "CodeMatiere1",
        "CodeMatiere2",
        "Objet",
        "ClassificationDateVersion",
        "Document",
        "Annexes",
        "DocumentPapier",
    ]
    assert acte.find("actes:CodeMatiere2", NS).get(f"{a}CodeMatiere") == "5"  # type: ignore[union-attr]
    assert acte.find("actes:Annexes", NS).get(f"{a}Nombre") == "2"  # type: ignore[union-attr]
    assert acte.xpath("actes:Annexes/actes:Annexe/actes:NomFichier/text()", namespaces=NS) == [
        f"99_AU-{BASE}_2.pdf",
        f"99_AU-{BASE}_3.pdf",
    ]
    assert acte.findtext("actes:DocumentPapier", namespaces=NS) == "N"

    enveloppe = files[envelope]
    assert isinstance(enveloppe, bytes)
    root = _valid(enveloppe)
    idcl = root.find("actes:Emetteur/actes:IDCL", NS)
    assert idcl is not None
    assert dict(idcl.attrib) == {
        "{http://xml.insee.fr/schema}SIREN": "200060358",
        f"{a}Departement": "062",
        f"{a}Arrondissement": "5",
        f"{a}Nature": "25",
    }
    assert root.xpath("actes:FormulairesEnvoyes//actes:NomFichier/text()", namespaces=NS) == [
        f"{BASE}_0.xml"
    ]


def test_without_annexes_the_message_says_nombre_0_and_stays_valid(signed: Deliberation) -> None:
    files = _files(actes_archive(signed, sent_on=SENT).content)
    message = files[f"{BASE}_0.xml"]
    assert isinstance(message, bytes)
    acte = _valid(message)
    assert acte.find("actes:Annexes", NS).get(f"{{{ACTES_NAMESPACE}}}Nombre") == "0"  # type: ignore[union-attr]


def test_the_schema_catches_what_the_former_message_lacked(signed: Deliberation) -> None:
    files = _files(actes_archive(signed, sent_on=SENT).content)
    message = files[f"{BASE}_0.xml"]
    assert isinstance(message, bytes)
    acte = etree.fromstring(message)
    acte.remove(acte.find("actes:ClassificationDateVersion", NS))
    assert not SCHEMA.validate(acte)


def test_the_archive_is_deterministic(signed: Deliberation) -> None:
    first = actes_archive(signed, sent_on=SENT).content
    assert actes_archive(signed, sent_on=SENT).content == first
    info = _files(first)[f"info:{BASE}_0.xml"]
    assert isinstance(info, tarfile.TarInfo)
    assert (info.uid, info.gid, info.uname, info.mode) == (0, 0, "", 0o644)
    assert info.mtime == int(dt.datetime(2023, 6, 15, tzinfo=dt.UTC).timestamp())


@time_machine.travel(dt.datetime(2023, 6, 16, 10, tzinfo=dt.UTC))
def test_the_command_and_the_button_give_the_same_bytes(
    signed: Deliberation, tmp_path: Path
) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=SENT)
    out = io.StringIO()
    call_command("export_actes", "--number", NUMBER, "--out", str(tmp_path), stdout=out)
    written = Path(out.getvalue().strip())
    assert written.name == f"EACT--200060358--20230615-{signed.pk}.tar.gz"

    client = Client()
    login_as(client, "administrator", signed.body)
    response = client.get(reverse("deliberations:prefecture_actes", args=[signed.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert written.name in response["Content-Disposition"]
    assert response.content == written.read_bytes()
    old = client.get(reverse("deliberations:prefecture_zip", args=[signed.pk]))
    assert old.status_code == 302
    assert old["Location"] == reverse("deliberations:prefecture_actes", args=[signed.pk])


def test_the_command_refuses_an_unknown_number(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Aucune délibération n° 2099/X00001"):
        call_command("export_actes", "--number", "2099/X00001", "--out", str(tmp_path))


def test_an_unsigned_act_or_an_incomplete_body_is_refused_in_french(
    voted: Deliberation, signed: Deliberation
) -> None:
    Body.objects.filter(pk=signed.body_id).update(actes_arrondissement="", actes_nature="")
    with pytest.raises(ValidationError) as excinfo:
        actes_archive(signed, sent_on=SENT)
    assert excinfo.value.messages == [
        "L'arrondissement @ctes de l'assemblée (un chiffre) n'est pas renseigné.",
        "La nature de la collectivité @ctes (deux chiffres) n'est pas renseignée.",
    ]


def test_a_voted_act_is_not_exported(voted: Deliberation) -> None:
    with pytest.raises(ValidationError, match=f"La délibération n° {NUMBER} n'est pas signée"):
        actes_archive(voted, sent_on=SENT)


# --- The number and NumeroInterne ----------------------------------------------------------


def test_the_number_maps_to_numero_interne_by_one_rule() -> None:
    assert numero_interne("2023/PMA00192") == "2023_PMA00192"
    assert numero_interne("2023-SM-12") == "2023_SM_12"


def test_a_numbering_pattern_that_cannot_map_is_refused_when_the_body_is_configured() -> None:
    body = BodyFactory.build(short_name="POLEMETRO", numbering_pattern="{year}/{short}-{seq:05d}")
    with pytest.raises(ValidationError) as excinfo:
        body.full_clean()
    [message] = excinfo.value.message_dict["numbering_pattern"]
    assert "« 2099_POLEMETRO_99999 » (20 caractères)" in message
    assert "@ctes en accepte 15 au plus" in message
    BodyFactory.build(short_name="PMA").full_clean(exclude=["short_name"])


# --- The accusé de réception, imported -------------------------------------------------------


def _ar(identifier: str, day: str = "2023-06-19") -> bytes:
    return (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        f'<actes:ARActe xmlns:actes="{ACTES_NAMESPACE}" actes:IDActe="{identifier}" '
        f'actes:DateReception="{day}"><actes:ActeRecu/></actes:ARActe>'
    ).encode("iso-8859-1")


def test_the_accuse_is_imported_from_the_prefectures_xml(signed: Deliberation) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=SENT)
    act = prefecture_import_ack(deliberation=signed, data=_ar(IDENTIFIER))
    assert (act.prefecture_received_on, act.prefecture_identifier) == (
        dt.date(2023, 6, 19),
        IDENTIFIER,
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (_ar("062-200060358-20230613-2023_PMA00193-DE"), "« 2023_PMA00193 » où le numéro"),
        (_ar(IDENTIFIER, "19/06/2023"), "n'est pas une date (AAAA-MM-JJ)"),
        (b"<ARActe/>", "élément actes:ARActe attendu"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x/>', "contient une DTD"),
        (b"<pas du xml", "n'est pas un XML lisible"),
        (b" " * (65 * 1024), "64 au plus"),
    ],
)
def test_an_accuse_that_is_not_this_acts_is_refused(
    signed: Deliberation, data: bytes, expected: str
) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=SENT)
    with pytest.raises(ValidationError) as excinfo:
        prefecture_import_ack(deliberation=signed, data=data)
    assert any(expected in m for m in excinfo.value.messages), excinfo.value.messages
    assert Deliberation.objects.get(pk=signed.pk).prefecture_identifier == ""


def test_the_secretariat_imports_the_accuse_from_the_panel(signed: Deliberation) -> None:
    prefecture_record_sent(deliberation=signed, sent_on=SENT)
    client = Client()
    login_as(client, "administrator", signed.body)
    url = reverse("deliberations:prefecture_ack_import", args=[signed.pk])

    refused = client.post(url, {"file": SimpleUploadedFile("ar.xml", _ar(IDENTIFIER[:-2] + "AR"))})
    assert "« AR » où la nature de l&#x27;acte donne « DE »" in refused.content.decode()

    response = client.post(
        url, {"file": SimpleUploadedFile("ar.xml", _ar(IDENTIFIER))}, follow=True
    )
    assert f"identifiant {IDENTIFIER}" in response.content.decode()
    assert Deliberation.objects.get(pk=signed.pk).prefecture_identifier == IDENTIFIER
