"""The @ctes archive of one signed act (ACTES v1.1-20040216, DESIGN §6).

One `.tar.gz` named after its envelope holds, for the day of sending:

- `{base}_0.xml`, the `actes:Acte` message (metadata, file names, annexes);
- `99_DE-{base}_1.pdf`, the signed act as stored, then each annex `99_AU-{base}_2.pdf`, …;
- `EACT--{SIREN}--{AAAAMMJJ}-{n}.xml`, the `actes:EnveloppeCLMISILL` envelope,

where `base` is `{département}-{SIREN}-{AAAAMMJJ}-{NumeroInterne}-{DE|AR|AI|CC|BF|AU}-1-1`.
The archive is deterministic (fixed order, dates, owners and modes; gzip without a
timestamp): `export_actes` and the secretariat's button give the same bytes the same day.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
import tarfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.utils import timezone

from deliberations.actes import CLASSIFICATION_DATE, nature_abbreviation
from deliberations.models import Deliberation
from deliberations.storage import stored_pdf
from members.models import Body
from pma_governance.lib.actes_numbers import numero_interne, numero_interne_problem

ACTES_NAMESPACE = "http://www.interieur.gouv.fr/ACTES#v1.1-20040216"
INSEE_NAMESPACE = "http://xml.insee.fr/schema"
OBJET_MAX = 500  # ACTES: Objet holds at most 500 characters
ANNEXES_MAX = 99
ARCHIVE_MAX_BYTES = 150 * 1024 * 1024  # @ctes platforms refuse larger transmissions
ANNEX_PIECE_TYPE = "99_AU"  # « autre pièce »: the typology's default for an annex
DEPARTMENT_RE = re.compile(r"^\d{2}[0-9AB]$")


@dataclass(frozen=True)
class ActesArchive:
    """The archive's name (the envelope's, with `.tar.gz`) and its bytes."""

    name: str
    content: bytes


def _q(name: str) -> str:
    return f"{{{ACTES_NAMESPACE}}}{name}"


def department3(code: str) -> str:
    """The département on three characters, as @ctes writes it: « 62 » → « 062 »."""
    code = code.strip().upper()
    return code.zfill(3) if code.isdigit() else code.rjust(3, "0")


def _decision_date(deliberation: Deliberation) -> dt.date:
    if deliberation.item is None:
        raise ValidationError("Cette délibération n'est rattachée à aucune séance.")
    return deliberation.item.session.date


def envelope_problems(body: Body) -> list[str]:
    """What the body's settings lack for the @ctes envelope (French, empty when complete)."""
    problems = []
    if not re.fullmatch(r"\d{9}", body.siren or ""):
        problems.append("Le SIREN de l'assemblée (9 chiffres) n'est pas renseigné.")
    if not DEPARTMENT_RE.match(department3(body.department_code or "")):
        problems.append("Le département de l'assemblée (ex. 062) n'est pas renseigné.")
    if not re.fullmatch(r"\d", body.actes_arrondissement or ""):
        problems.append("L'arrondissement @ctes de l'assemblée (un chiffre) n'est pas renseigné.")
    if not re.fullmatch(r"\d{2}", body.actes_nature or ""):
        problems.append("La nature de la collectivité @ctes (deux chiffres) n'est pas renseignée.")
    if not body.actes_return_email:
        problems.append("L'adresse de retour @ctes de l'assemblée n'est pas renseignée.")
    return problems


def file_base(deliberation: Deliberation, sent_on: dt.date) -> str:
    """`062-200060358-20230615-2023_PMA00192-DE-1-1`: the stem of the act's files."""
    body = deliberation.body
    return (
        f"{department3(body.department_code)}-{body.siren}-{sent_on:%Y%m%d}-"
        f"{numero_interne(deliberation.number or '')}-"
        f"{nature_abbreviation(deliberation.nature)}-1-1"
    )


def envelope_name(deliberation: Deliberation, sent_on: dt.date) -> str:
    # n: the act's own key, so two acts sent the same day never share a name.
    return f"EACT--{deliberation.body.siren}--{sent_on:%Y%m%d}-{deliberation.pk}.xml"


def _matiere_levels(code: str) -> list[str]:
    levels = code.split(".")
    if len(levels) < 2 or len(levels) > 5 or not all(level.isdigit() for level in levels):
        raise ValidationError(
            f"La matière « {code} » doit compter de 2 à 5 niveaux (ex. 7.5) : @ctes exige "
            "CodeMatiere1 et CodeMatiere2."
        )
    return levels


def acte_xml(
    deliberation: Deliberation, *, document: str, annexes: list[str], paper: bool = False
) -> bytes:
    """The `actes:Acte` message: attributes, then its children in the schema's order."""
    decided = _decision_date(deliberation)
    ElementTree.register_namespace("actes", ACTES_NAMESPACE)
    acte = ElementTree.Element(
        _q("Acte"),
        {
            _q("Date"): decided.isoformat(),
            _q("NumeroInterne"): numero_interne(deliberation.number or ""),
            _q("CodeNatureActe"): deliberation.nature,
        },
    )
    for level, code in enumerate(_matiere_levels(deliberation.matiere), start=1):
        ElementTree.SubElement(acte, _q(f"CodeMatiere{level}"), {_q("CodeMatiere"): str(int(code))})
    ElementTree.SubElement(acte, _q("Objet")).text = deliberation.title.strip()
    ElementTree.SubElement(
        acte, _q("ClassificationDateVersion")
    ).text = CLASSIFICATION_DATE.isoformat()
    doc = ElementTree.SubElement(acte, _q("Document"))
    ElementTree.SubElement(doc, _q("NomFichier")).text = document
    group = ElementTree.SubElement(acte, _q("Annexes"), {_q("Nombre"): str(len(annexes))})
    for name in annexes:
        annex = ElementTree.SubElement(group, _q("Annexe"))
        ElementTree.SubElement(annex, _q("NomFichier")).text = name
    ElementTree.SubElement(acte, _q("DocumentPapier")).text = "O" if paper else "N"
    ElementTree.indent(acte)
    return ElementTree.tostring(acte, encoding="UTF-8", xml_declaration=True)


def envelope_xml(body: Body, *, messages: list[str]) -> bytes:
    """The `actes:EnveloppeCLMISILL`: who sends, where the AR returns, which messages."""
    ElementTree.register_namespace("actes", ACTES_NAMESPACE)
    ElementTree.register_namespace("insee", INSEE_NAMESPACE)
    root = ElementTree.Element(_q("EnveloppeCLMISILL"))
    sender = ElementTree.SubElement(root, _q("Emetteur"))
    ElementTree.SubElement(
        sender,
        _q("IDCL"),
        {
            f"{{{INSEE_NAMESPACE}}}SIREN": body.siren,
            _q("Departement"): department3(body.department_code),
            _q("Arrondissement"): body.actes_arrondissement,
            _q("Nature"): body.actes_nature,
        },
    )
    back = ElementTree.SubElement(root, _q("AdressesRetour"))
    ElementTree.SubElement(back, _q("Email")).text = body.actes_return_email
    sent = ElementTree.SubElement(root, _q("FormulairesEnvoyes"))
    for name in messages:
        form = ElementTree.SubElement(sent, _q("Formulaire"))
        ElementTree.SubElement(form, _q("NomFichier")).text = name
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _tar_gz(files: list[tuple[str, bytes]], when: dt.date) -> bytes:
    # Fixed mtime, owner and mode, entries in the given order, gzip without a timestamp:
    # the same act gives the same bytes, whoever exports it.
    mtime = int(dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC).timestamp())
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=9, mtime=0)


def actes_archive(deliberation: Deliberation, *, sent_on: dt.date | None = None) -> ActesArchive:
    """The @ctes `.tar.gz` of a signed act, for `sent_on` (default: the recorded sending
    date, else today). Refused, in French, when the act or the body lacks what @ctes needs."""
    deliberation = Deliberation.objects.select_related("body", "item__session").get(
        pk=deliberation.pk
    )
    label = deliberation.number or "(projet)"
    if not deliberation.is_signed:
        raise ValidationError(
            f"La délibération n° {label} n'est pas signée : elle ne peut être transmise en "
            "préfecture."
        )
    problems = envelope_problems(deliberation.body)
    number_problem = numero_interne_problem(deliberation.number or "")
    if number_problem:
        problems.append(number_problem)
    if len(deliberation.title.strip()) > OBJET_MAX:
        problems.append(f"L'objet dépasse {OBJET_MAX} caractères : @ctes le refuserait.")
    annexes = list(deliberation.annexes.order_by("position", "id"))
    if len(annexes) > ANNEXES_MAX:
        problems.append(f"Plus de {ANNEXES_MAX} annexes : transmettez-les en plusieurs envois.")
    pdf = stored_pdf("deliberation", deliberation=deliberation)
    if pdf is None:
        problems.append(f"Le PDF signé de la délibération n° {label} est introuvable.")
    if problems:
        raise ValidationError(problems)
    assert pdf is not None
    day = sent_on or deliberation.prefecture_sent_on or timezone.localdate()
    base = file_base(deliberation, day)
    abbr = nature_abbreviation(deliberation.nature)
    document = f"99_{abbr}-{base}_1.pdf"
    annex_names = [f"{ANNEX_PIECE_TYPE}-{base}_{index}.pdf" for index in range(2, len(annexes) + 2)]
    message = f"{base}_0.xml"
    envelope = envelope_name(deliberation, day)
    files = [(message, acte_xml(deliberation, document=document, annexes=annex_names))]
    files.append((document, pdf))
    files += [(name, bytes(a.content)) for name, a in zip(annex_names, annexes, strict=True)]
    files.append((envelope, envelope_xml(deliberation.body, messages=[message])))
    if sum(len(data) for _, data in files) > ARCHIVE_MAX_BYTES:
        raise ValidationError(
            f"Le dossier dépasse {ARCHIVE_MAX_BYTES // (1024 * 1024)} Mo : @ctes le refuserait."
        )
    return ActesArchive(name=envelope.removesuffix(".xml") + ".tar.gz", content=_tar_gz(files, day))
