"""The demonstration: the PMA's sessions of 2023 (interchange documents beside this
module), the planned sessions, the demo accounts, and optionally the acts signed and
published as they were in 2023. `manage.py load_demo` runs it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from deliberations.models import PUBLISHABLE_STATUSES, Deliberation, VisaTemplate
from meetings.models import PV_PUBLISHABLE_STATUSES, ProcesVerbal, Session
from meetings.services import pv_adopt, session_create
from members.certificates import active_certificate, certificate_register
from members.models import Body, BodyAccess, Mandate, Person
from pma_governance.documents.consents import Hand, deliberation_sign, pv_sign
from pma_governance.interchange.importer import import_document
from pma_governance.lib.certificates import issue_personal_certificate, root_key_path
from pma_governance.lib.roles import ADMINISTRATOR, ELECTED, SECRETARIAT, ensure_roles
from pma_governance.lib.siret import siret_is_valid
from pma_governance.prefecture.services import prefecture_record_ack, prefecture_record_sent
from pma_governance.publication.services import (
    deliberation_publish,
    pv_publish,
)

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "demo-pma-2023"
# The passphrase of every signatory's demo certificate (typed at each signature). A real
# body's certificates are each protected by their holder's own passphrase.
DEMO_SIGNING_PASSPHRASE = "signature-demo-2023"
ACCOUNTS = [
    # username, first name, last name, role, staff, mandate external id
    ("secretariat", "Élodie", "Sénéchal", SECRETARIAT, True, None),
    # The president signs the acts; François Lemaire, secretary of the sessions, co-signs.
    ("admin", "Alain", "Bavay", ADMINISTRATOR, True, "bavay"),
    ("elu", "François", "Lemaire", ELECTED, False, "lemaire"),
]
# Demo addresses on a reserved domain (RFC 2606): convocations go nowhere real.
DEMO_MAIL_DOMAIN = "pma-demo.example.org"
# The PMA's SIREN 200060358 with NIC 00013: the check digit (Luhn) is right.
DEMO_SIRET = "20006035800013"
# @ctes envelope: the seat, Lens, is in arrondissement 5 of the Pas-de-Calais (INSEE 625).
# The nature code comes with the body's teletransmission agreement: the demo's is illustrative.
DEMO_ACTES = {
    "actes_arrondissement": "5",
    "actes_nature": "25",
    "actes_return_email": f"prefecture@{DEMO_MAIL_DOMAIN}",
}


def load_demo() -> Body:
    for name in ("pma-2023-04-04.json", "pma-2023-06-13.json"):
        document = json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))
        frozen = Session.objects.filter(
            body__short_name=document["body"]["short_name"],
            date=document["session"]["date"],
            facts_frozen_at__isnull=False,
        )
        if frozen.exists():
            continue  # signed acts stay as signed: nothing to load again
        import_document(document)
    body = Body.objects.get(short_name="PMA")
    _demo_addresses(body)
    _visa_library(body)
    if not siret_is_valid(body.siret):
        # A SIRET set by hand stays; an empty or wrong one (earlier demos had a bad key) does not.
        body.siret = DEMO_SIRET
    body.statutes_reference = (
        "Arrêté préfectoral du 15 avril 2022 portant modification des statuts du Syndicat Mixte"
    )
    for field, value in DEMO_ACTES.items():
        if not getattr(body, field):
            setattr(body, field, value)
    body.save(update_fields=["siret", "statutes_reference", *DEMO_ACTES])
    planned = json.loads((DEMO_DIR / "planned.json").read_text(encoding="utf-8"))
    for entry in planned["sessions"]:
        day = dt.date.fromisoformat(entry["date"])
        if not Session.objects.filter(body=body, date=day).exists():
            session_create(
                body=body,
                date=day,
                start_time=dt.time.fromisoformat(entry["time"]),
                end_time=dt.time.fromisoformat(entry["end_time"]),
                place=entry.get("place", ""),
            )
    groups = ensure_roles()
    user_model = get_user_model()
    for username, first, last, role, staff, mandate_id in ACCOUNTS:
        user, _ = user_model.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.is_staff = first, last, staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[role]])
        if role == ADMINISTRATOR:
            # The DGS reads the security journal (a right of its own, in no group).
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label="members", codename="read_securityevent"
                )
            )
        BodyAccess.objects.get_or_create(user=user, body=body)
        if mandate_id:
            person = Mandate.objects.get(body=body, external_id=mandate_id).person
            person.user = user
            person.save(update_fields=["user"])
    demo_certificates(body)
    return body


def demo_certificates(body: Body) -> list[Person]:
    """The demo authority issues each signatory of the body's sessions (presidents and
    secretaries) a certificate in his own name, under DEMO_SIGNING_PASSPHRASE; a person
    who has one keeps it. Nothing without the demo authority (make_demo_certificate)."""
    authority = Path(settings.SIGNING_PKCS12_PATH)
    if not root_key_path(authority).exists():
        return []
    registrar = get_user_model().objects.get(username="admin")
    signatories = (
        Person.objects.filter(
            Q(mandates__presided_sessions__body=body) | Q(mandates__secretary_sessions__body=body)
        )
        .distinct()
        .order_by("pk")
    )
    issued = []
    for person in signatories:
        if active_certificate(person) is not None:
            continue
        bundle = issue_personal_certificate(
            authority,
            str(settings.SIGNING_PKCS12_PASSPHRASE),
            common_name=person.full_name,
            org=body.name,
            passphrase=DEMO_SIGNING_PASSPHRASE,
        )
        certificate_register(
            person=person, data=bundle, passphrase=DEMO_SIGNING_PASSPHRASE, by=registrar
        )
        issued.append(person)
    return issued


def _demo_addresses(body: Body) -> None:
    for mandate in Mandate.objects.filter(body=body, person__email="").select_related("person"):
        person = mandate.person
        person.email = f"{slugify(person.full_name)}@{DEMO_MAIL_DOMAIN}"
        person.save(update_fields=["email"])


def _visa_library(body: Body) -> None:
    """The visas the demo acts quote, as the body's reusable library."""
    position = 0
    for visas in (
        Deliberation.objects.filter(body=body).order_by("sequence").values_list("visas", flat=True)
    ):
        for text in visas:
            position += 1
            VisaTemplate.objects.get_or_create(
                body=body, text=text, defaults={"position": position}
            )


def sign_demo(body: Body) -> None:
    """Sign what was signed in 2023: the PV of 4 April (adopted on 13 June) and the acts,
    each signatory with his own demo certificate."""
    user_model = get_user_model()
    president = Hand(user_model.objects.get(username="admin"), DEMO_SIGNING_PASSPHRASE)
    secretary = Hand(user_model.objects.get(username="elu"), DEMO_SIGNING_PASSPHRASE)
    april = Session.objects.get(body=body, date=dt.date(2023, 4, 4))
    pv = ProcesVerbal.objects.get(session=april)
    if not pv.is_signed:
        pv_sign(pv=pv, president=president, secretary=secretary)
        adoption = april.pv.adopted_by_items.first()
        if adoption is not None:
            pv_adopt(pv=pv, item=adoption)
    for deliberation in Deliberation.objects.filter(
        body=body, status=Deliberation.Status.VOTED
    ).select_related("item__session"):
        deliberation_sign(deliberation=deliberation, president=president, secretary=secretary)
        received = deliberation.prefecture_received_on
        identifier = deliberation.prefecture_identifier
        if received is not None and identifier:
            deliberation.refresh_from_db()
            prefecture_record_sent(deliberation=deliberation, sent_on=received)
            prefecture_record_ack(
                deliberation=deliberation, received_on=received, identifier=identifier
            )
    publish_demo(body)


def publish_demo(body: Body) -> None:
    """Put the signed acts and PV online today, as R2131-1 wants them: the public portal,
    the feed and the API of the demo then have something to show."""

    today = timezone.localdate()
    for deliberation in Deliberation.objects.filter(body=body, status__in=PUBLISHABLE_STATUSES):
        deliberation_publish(deliberation=deliberation, published_on=today)
    for pv in ProcesVerbal.objects.filter(session__body=body, status__in=PV_PUBLISHABLE_STATUSES):
        pv_publish(pv=pv, published_on=today)
