"""factory_boy factories for the domain models, with PMA-like defaults.

Factories build plain rows, as an import or the admin would: they apply no rule. Tests
that check a rule go through the services.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django.test import Client
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from deliberations.models import Deliberation, Vote
from meetings.convening import token_digest
from meetings.convening_models import ConvocationDispatch, ConvocationReceipt
from meetings.models import AgendaItem, Attendance, ProcesVerbal, Proxy, Session
from members.models import Body, BodyAccess, Mandate, MemberEntity, Person
from pma_governance.lib.roles import ADMINISTRATOR, ELECTED, SECRETARIAT, ensure_roles

DEFAULT_PASSWORD = "mot-de-passe-de-test"

T = TypeVar("T")


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """A Django model factory whose call is typed as the model it creates."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # factory_boy's metaclass returns the model instance, not the factory.
        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]


class UserFactory(ModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.fr")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def groups(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`groups=["Secrétariat"]`: names of groups (created if missing) or Group objects."""
        if not create or not extracted:
            return
        for group in extracted:
            if isinstance(group, str):
                group, _ = Group.objects.get_or_create(name=group)
            obj.groups.add(group)


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class BodyFactory(ModelFactory[Body]):
    class Meta:
        model = Body
        django_get_or_create = ["short_name"]

    name = factory.Sequence(lambda n: f"Syndicat mixte n° {n}")
    short_name = factory.Sequence(lambda n: f"SM{n}")
    assembly_name = "Comité syndical"
    legal_form = "syndicat mixte ouvert"
    siren = "200060358"
    department_code = "062"
    actes_arrondissement = "5"
    actes_nature = "25"
    actes_return_email = "prefecture@pma-demo.example.org"
    seat_city = "Lens"
    address = "32 rue Casimir Beugnet, 62300 Lens"
    administrative_court = "Lille"
    quorum_fraction = Body.QuorumFraction.HALF
    quorum_counts_proxies = True
    max_proxies_per_holder = 1
    substitutes_sit = True
    numbering_pattern = "{year}/{short}{seq:05d}"
    last_deliberation_sequence = 0


class MemberEntityFactory(ModelFactory[MemberEntity]):
    class Meta:
        model = MemberEntity

    body = factory.SubFactory(BodyFactory)
    name = factory.Sequence(lambda n: f"Communauté d'agglomération n° {n}")
    short_name = factory.Sequence(lambda n: f"CA{n}")
    seats = 4


class PersonFactory(ModelFactory[Person]):
    class Meta:
        model = Person

    civility = factory.Iterator([Person.Civility.MR, Person.Civility.MRS])
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")


class MandateFactory(ModelFactory[Mandate]):
    """A titulaire by default; `MandateFactory(suppleant=True)` for a suppléant."""

    class Meta:
        model = Mandate

    class Params:
        suppleant = factory.Trait(role=Mandate.Role.SUPPLEANT)

    body = factory.SubFactory(BodyFactory)
    person = factory.SubFactory(PersonFactory)
    entity = None
    role = Mandate.Role.TITULAIRE
    start_date = dt.date(2020, 7, 1)
    end_date = None
    external_id = factory.Sequence(lambda n: f"mandat-{n}")


class SessionFactory(ModelFactory[Session]):
    """A session with its (draft) procès-verbal, as `session_create` makes it."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    body = factory.SubFactory(BodyFactory)
    date = factory.Sequence(lambda n: dt.date(2023, 1, 2) + dt.timedelta(days=7 * n))
    start_time = dt.time(14, 30)
    end_time = dt.time(16, 0)
    place = "au siège, à Lens"
    kind = Session.Kind.ORDINARY
    status = Session.Status.CONVENED

    @factory.post_generation
    def pv(obj: Session, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`SessionFactory(pv=False)` for a session without its procès-verbal."""
        if create and extracted is not False:
            ProcesVerbal.objects.get_or_create(session=obj)


class AgendaItemFactory(ModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(SessionFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = AgendaItem.Kind.DELIBERATION
    title = factory.Sequence(lambda n: f"Point n° {n + 1}")
    debate_summary = ""
    carried_over = False


class AttendanceFactory(ModelFactory[Attendance]):
    """Present by default; the mandate belongs to the session's body."""

    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    mandate = factory.SubFactory(MandateFactory, body=factory.SelfAttribute("..session.body"))
    status = Attendance.Status.PRESENT
    seated = False


class ProxyFactory(ModelFactory[Proxy]):
    """A proxy between two mandates of the session's body (attendance rows not created)."""

    class Meta:
        model = Proxy

    session = factory.SubFactory(SessionFactory)
    giver = factory.SubFactory(MandateFactory, body=factory.SelfAttribute("..session.body"))
    holder = factory.SubFactory(MandateFactory, body=factory.SelfAttribute("..session.body"))
    received_on = factory.LazyAttribute(lambda p: p.session.date)
    illness = False


class DeliberationFactory(ModelFactory[Deliberation]):
    """A draft deliberation (no number) on a deliberation item of the same body."""

    class Meta:
        model = Deliberation

    item = factory.SubFactory(AgendaItemFactory, kind=AgendaItem.Kind.DELIBERATION)
    body = factory.LazyAttribute(lambda d: d.item.session.body if d.item else BodyFactory())
    title = factory.LazyAttribute(lambda d: d.item.title if d.item else "Projet de délibération")
    nature = "1"
    matiere = "7.5"
    visas = factory.LazyFunction(
        lambda: [
            "le Code Général des Collectivités Territoriales et notamment ses articles L.5721-1"
        ]
    )
    considerants = "<p>Monsieur le Président EXPOSE :</p>"
    dispositif = "AUTORISE Monsieur le Président ou son représentant à signer la convention."
    status = Deliberation.Status.DRAFT


class VoteFactory(ModelFactory[Vote]):
    """A unanimous vote of 10 votants (10 present, nobody represented)."""

    class Meta:
        model = Vote

    item = factory.SubFactory(AgendaItemFactory)
    ballot = Vote.Ballot.SHOW_OF_HANDS
    unanimous = True
    present = 10
    represented = 0
    withheld = 0
    voters = factory.LazyAttribute(lambda v: v.present + v.represented - v.withheld)
    votes_for = factory.SelfAttribute("voters")
    votes_against = 0
    abstentions = 0
    blank = 0
    result = Vote.Result.ADOPTED


def sit_in(user: User, body: Body) -> Person:
    """Make the account an élu's: the person of one of the body's mandates.

    An élu sees only the bodies he sits in (DESIGN §1): the account is linked to a person
    of the register without an account yet, or to a new suppléant when there is none, so
    that the body's figures (members in office) do not move.
    """
    mandate = (
        Mandate.objects.filter(body=body, person__user__isnull=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    person = (
        mandate.person if mandate is not None else MandateFactory(body=body, suppleant=True).person
    )
    person.user = user
    person.save(update_fields=["user"])
    return person


Role = Literal["secretariat", "administrator", "elu", "superuser"]

GROUPS: dict[str, str] = {
    "secretariat": SECRETARIAT,
    "administrator": ADMINISTRATOR,
    "elu": ELECTED,
}


def account(
    role: Role,
    body: Body | None = None,
    *,
    mandate: Mandate | None = None,
    **fields: Any,
) -> User:
    """A new account of `role` that works on `body` (DESIGN §1, members/selectors.py).

    - "secretariat", "administrator": the role's group and an access to `body` (BodyAccess);
    - "elu": the Élu group and a seat in `body` — the account is linked to the person of one
      of its mandates (`sit_in`): an élu sees the bodies he sits in, never through an access;
    - "superuser": every body; `body` is not used.

    `body=None` gives an account of the role that works on no body. `mandate` links the
    account to that mandate's person instead (the élu holding it, or the administrator who
    is also the président). Other keywords (`username`, `first_name`…) go to the user: give
    a `username` to tell two accounts of one role apart.
    """
    if role == "superuser":
        return SuperUserFactory(**fields)
    user = UserFactory(groups=[ensure_roles()[GROUPS[role]]], **fields)
    if mandate is not None:
        mandate.person.user = user
        mandate.person.save(update_fields=["user"])
    elif role == "elu" and body is not None:
        sit_in(user, body)
    if role != "elu" and body is not None:
        BodyAccess.objects.get_or_create(user=user, body=body)
    return user


def login_as(
    client: Client,
    role: Role,
    body: Body | None = None,
    *,
    mandate: Mandate | None = None,
    **fields: Any,
) -> User:
    """Log the test client in with a new `account(role, body, …)`, and return that account.

    `login_as(client, "secretariat", body)` for the secretariat of `body`,
    `login_as(client, "elu", body)` for an élu sitting in it,
    `login_as(client, "elu", body, mandate=mandate)` for the élu holding `mandate`,
    `login_as(client, "superuser")` for a superuser; see `account` for the rest.
    """
    user = account(role, body, mandate=mandate, **fields)
    client.force_login(user)
    verify_session(client, user)
    return user


def totp_device(user: User) -> TOTPDevice:
    """The account's confirmed TOTP device (an authenticator application), made once."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code the device's application shows now, or at the next step when the current
    one was already used (django-otp accepts each step once, and one step ahead)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def login_verified(client: Client, user: User) -> User:
    """`client.force_login(user)` with the TOTP code given, as the whole login leaves it."""
    client.force_login(user)
    verify_session(client, user)
    return user


def verify_session(client: Client, user: User) -> TOTPDevice:
    """Mark the client's session as having entered a TOTP code, as the code page does:
    django-otp's own `login` with a real device of the account.

    `login_as` does it for every role: a test opens the app as a user who went through the
    whole login, whether or not his account must use two-factor authentication.
    """
    device = totp_device(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()
    return device


def convocation_link(
    session: Session,
    mandate: Mandate,
    *,
    token: str = "jeton-de-convocation-de-test",
    expires_at: dt.datetime | None = None,
) -> tuple[ConvocationDispatch, str]:
    """A sending of `session`'s convocation with `mandate`'s receipt, as rows (no e-mail,
    no rule): (the dispatch, the path of the member's personal link)."""
    sent_at = dt.datetime.combine(session.date - dt.timedelta(days=8), dt.time(9), tzinfo=dt.UTC)
    dispatch = ConvocationDispatch.objects.create(
        session=session, sent_at=sent_at, delay_days=5, clear_days=7
    )
    ConvocationReceipt.objects.create(
        dispatch=dispatch,
        session=session,
        mandate=mandate,
        email=mandate.person.email,
        token_hash=token_digest(token),
        sent_at=sent_at,
        expires_at=expires_at or dt.datetime(2100, 1, 1, tzinfo=dt.UTC),
    )
    return dispatch, f"/convocations/{token}/"
