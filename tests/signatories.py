"""The signatories of a session as the tests need them: an account linked to the president
and to the secretary, each with a certificate in his own name issued by the demo authority
(`tests.conftest.demo_certificate`), registered as an administrator registers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from meetings.models import Session
from members.certificates import active_certificate, certificate_register
from members.models import Person
from pma_governance.documents.consents import Hand
from pma_governance.lib.certificates import issue_personal_certificate
from tests.factories import UserFactory

# The passphrase of every test signatory's own certificate.
SIGNATORY_PASSPHRASE = "phrase-du-signataire"

Issue = Callable[..., bytes]
_made: dict[tuple[Any, ...], bytes] = {}


def issue(common_name: str, **options: Any) -> bytes:
    """A PKCS#12 in that name from the configured demo authority (the `signing_certificate`
    fixture sets it), under SIGNATORY_PASSPHRASE unless `passphrase=` says otherwise.
    Made once per name and options in a test run: an RSA key takes a moment."""
    options.setdefault("passphrase", SIGNATORY_PASSPHRASE)
    authority = Path(settings.SIGNING_PKCS12_PATH)
    key = (authority, common_name, *sorted(options.items()))
    if key not in _made:
        _made[key] = issue_personal_certificate(
            authority,
            str(settings.SIGNING_PKCS12_PASSPHRASE),
            common_name=common_name,
            **options,
        )
    return _made[key]


class Signatories(NamedTuple):
    president: Hand
    secretary: Hand


def registrar() -> Any:
    """The superuser who registers the test certificates."""
    user, _created = get_user_model().objects.get_or_create(
        username="registre-certificats", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def with_certificate(person: Person) -> Hand:
    """The person's account (made if he has none) with his own certificate registered."""
    if person.user is None:
        person.user = UserFactory(username=f"signataire-{slugify(person.full_name)}")
        person.save(update_fields=["user"])
    if active_certificate(person) is None:
        certificate_register(
            person=person,
            data=issue(person.full_name),
            passphrase=SIGNATORY_PASSPHRASE,
            by=registrar(),
        )
    return Hand(person.user, SIGNATORY_PASSPHRASE)


def signatories_of(session: Session) -> Signatories:
    session = Session.objects.select_related("president__person", "secretary__person").get(
        pk=session.pk
    )
    assert session.president is not None and session.secretary is not None
    return Signatories(
        with_certificate(session.president.person),
        with_certificate(session.secretary.person),
    )
