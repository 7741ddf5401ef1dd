"""`manage.py generate_archive --sessions N`: a synthetic archive to try and measure the search.

Each run adds new bodies (free short names) with their member entities, persons and
mandates over three terms, then their sessions over the years — ordre du jour with
debates, numbered deliberations with varied French texts, votes, signed procès-verbaux —
written in bulk, in the order the app itself would write them, so that the database's
freeze triggers accept every row. About 12 deliberations per session: 8 000 sessions give
some 100 000 deliberations.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pghistory.trigger
import pgtrigger
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from deliberations.models import Deliberation, Vote
from deliberations.numbering import format_number
from meetings.models import AgendaItem, ProcesVerbal, Session
from members.models import Body, Mandate, MemberEntity, Person
from pma_governance.demo import synthetic
from pma_governance.lib.actes_numbers import numero_interne
from pma_governance.lib.siret import siret_with_key

SESSIONS_PER_BODY = 200  # default: one body per 200 sessions
MAX_YEARS = 20  # sessions of a body span at most this many years
CHUNK = 100  # sessions written per transaction
MAX_SESSIONS_PER_BODY = 100 * MAX_YEARS
TERMS = (  # municipal terms: the members of intercommunal bodies change with them
    (dt.date(1995, 1, 1), dt.date(2008, 3, 31)),
    (dt.date(2008, 4, 1), dt.date(2014, 4, 14)),
    (dt.date(2014, 4, 15), dt.date(2020, 7, 14)),
    (dt.date(2020, 7, 15), None),
)
PLACES = [
    "au siège",
    "en salle du conseil",
    "à la salle des fêtes",
    "à l'hôtel communautaire",
    "au centre culturel",
]
STARTS = [dt.time(9, 30), dt.time(14, 30), dt.time(17, 30), dt.time(18, 0), dt.time(18, 30)]
ARCHIVE_MARK = "Archive synthétique (manage.py generate_archive)"


def history_triggers() -> list[str]:
    """The django-pghistory triggers, as pgtrigger URIs."""
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, pghistory.trigger.Event)
    ]


@dataclass
class Term:
    start: dt.date
    end: dt.date | None
    mandates: list[Mandate]
    titulaires: list[Mandate]
    president: Mandate
    names: list[str]  # « Monsieur Alain Bavay »…

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class Register:
    """A body being written: its terms, and where its numbering and its sessions stand."""

    body: Body
    terms: list[Term]
    sequence: int
    last: dt.date  # its latest session: voted but not signed yet
    previous_day: dt.date | None = None

    def term(self, day: dt.date) -> Term:
        return next((t for t in self.terms if t.covers(day)), self.terms[0])


@dataclass
class Counts:
    bodies: int = 0
    sessions: int = 0
    items: int = 0
    deliberations: int = 0
    votes: int = 0
    pvs: int = 0


def _title(person: Person) -> str:
    return f"{person.title} {person.full_name}"


def _aware(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _session_dates(rng: random.Random, count: int, end: dt.date) -> list[dt.date]:
    """`count` distinct dates (Tuesdays or Thursdays), ending before `end`, oldest first."""
    per_year = max(8, math.ceil(count / MAX_YEARS))
    step = 365 / per_year
    dates: list[dt.date] = []
    day = end
    while len(dates) < count:
        candidate = day - dt.timedelta(days=rng.randint(0, max(0, int(step / 3))))
        if step >= 7:  # a Tuesday or a Thursday, as most assemblies do
            candidate -= dt.timedelta(days=(candidate.weekday() - rng.choice([1, 3])) % 7)
        if not dates or candidate < dates[-1]:
            dates.append(candidate)
        day -= dt.timedelta(days=step)
    return sorted(dates)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Command(BaseCommand):
    help = (
        "Crée une archive synthétique réaliste — assemblées, membres, élus et mandats, "
        "séances sur plusieurs années, ordres du jour et débats, délibérations numérotées, "
        "votes et procès-verbaux signés — pour essayer la recherche et mesurer ses temps. "
        "Chaque exécution ajoute de nouvelles assemblées (sigles libres) sans toucher aux "
        "données existantes ; la même graine donne les mêmes textes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--sessions",
            type=int,
            required=True,
            help="nombre de séances à créer (environ 12 délibérations par séance)",
        )
        parser.add_argument(
            "--bodies",
            type=int,
            default=None,
            help=f"nombre d'assemblées (par défaut une pour {SESSIONS_PER_BODY} séances)",
        )
        parser.add_argument(
            "--seed", type=int, default=2023, help="graine du hasard (par défaut 2023)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sessions: int = options["sessions"]
        if sessions < 1:
            raise CommandError("--sessions : indiquez un nombre de séances positif.")
        bodies: int = options["bodies"] or max(1, math.ceil(sessions / SESSIONS_PER_BODY))
        if bodies < 1:
            raise CommandError("--bodies : indiquez un nombre d'assemblées positif.")
        bodies = min(bodies, sessions)
        if math.ceil(sessions / bodies) > MAX_SESSIONS_PER_BODY:
            raise CommandError(
                f"Plus de {MAX_SESSIONS_PER_BODY} séances par assemblée ne tiennent pas en "
                f"{MAX_YEARS} ans : augmentez --bodies."
            )
        rng = random.Random(options["seed"])
        end = dt.date(timezone.localdate().year - 1, 12, 20)
        started = time.perf_counter()
        counts = Counts()
        taken = set(Body.objects.values_list("short_name", flat=True))
        plans = synthetic.body_plans(rng, bodies, taken)
        shares = [sessions // bodies + (1 if i < sessions % bodies else 0) for i in range(bodies)]
        # The history of a synthetic archive says nothing (no user did anything), and one
        # event row per inserted row would double the time and the size of the load: the
        # django-pghistory triggers are skipped. The freeze triggers stay on — the rows
        # are written in the order the app writes them, so they accept every one.
        with pgtrigger.ignore(*history_triggers()):
            registers: list[Register] = []
            schedule: list[tuple[dt.date, int]] = []
            for plan, share in zip(plans, shares, strict=True):
                body, terms = self._body(rng, plan)
                dates = _session_dates(rng, share, end)
                schedule += [(day, len(registers)) for day in dates]
                registers.append(Register(body, terms, body.last_deliberation_sequence, dates[-1]))
            counts.bodies = len(registers)
            # All bodies together, in date order, as the app writes them while the sessions
            # happen: ids grow with time (the search ranks the most recent matches first).
            schedule.sort()
            step = max(CHUNK, len(schedule) // 10 // CHUNK * CHUNK)
            for done, chunk in enumerate(_chunks(schedule, CHUNK), start=1):
                with transaction.atomic():
                    self._chunk(rng, [(day, registers[i]) for day, i in chunk], counts)
                if (done * CHUNK) % step == 0 and done * CHUNK < len(schedule):
                    self.stdout.write(
                        f"  {done * CHUNK} séances sur {len(schedule)} "
                        f"({time.perf_counter() - started:.0f} s)"
                    )
        with connection.cursor() as cursor:
            # Fresh statistics, so that the planner knows the new size of the tables.
            for model in (
                Body,
                MemberEntity,
                Person,
                Mandate,
                Session,
                AgendaItem,
                Deliberation,
                Vote,
                ProcesVerbal,
            ):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Archive créée en {time.perf_counter() - started:.0f} s : "
                f"{counts.bodies} assemblées, {counts.sessions} séances, {counts.items} points "
                f"de l'ordre du jour, {counts.deliberations} délibérations, {counts.votes} "
                f"votes, {counts.pvs} procès-verbaux."
            )
        )

    # --- Register ------------------------------------------------------------------------

    @transaction.atomic
    def _body(self, rng: random.Random, plan: synthetic.BodyPlan) -> tuple[Body, list[Term]]:
        body = Body.objects.create(
            name=plan.name,
            short_name=plan.short_name,
            assembly_name=plan.assembly_name,
            legal_form=plan.legal_form,
            siren=plan.siren,
            siret=siret_with_key(f"{plan.siren}0001"),
            department_code="062",
            seat_city=plan.seat_city,
            address=f"{rng.randint(1, 120)} rue de la République, {plan.seat_city}",
            administrative_court="Lille",
            president_title=plan.president_title,
            statutes_reference=ARCHIVE_MARK,
        )
        entities = MemberEntity.objects.bulk_create(
            MemberEntity(body=body, name=e.name, short_name=e.short_name, seats=e.seats)
            for e in plan.entities
        )
        terms: list[Term] = []
        previous: dict[tuple[int, int], Person] = {}
        for index, (start, end) in enumerate(TERMS):
            people: list[tuple[MemberEntity, int, str, Person]] = []
            for entity in entities:
                for seat in range(entity.seats):
                    for role in (Mandate.Role.TITULAIRE, Mandate.Role.SUPPLEANT):
                        if role == Mandate.Role.SUPPLEANT and rng.random() < 0.5:
                            continue
                        key = (entity.pk, seat * 2 + (role == Mandate.Role.SUPPLEANT))
                        person = previous.get(key) if rng.random() < 0.4 else None
                        if person is None:
                            civility, first, last = synthetic.person_name(rng)
                            person = Person(civility=civility, first_name=first, last_name=last)
                        previous[key] = person
                        people.append((entity, seat, role, person))
            Person.objects.bulk_create([p for *_, p in people if p.pk is None])
            mandates = [
                Mandate(
                    body=body,
                    person=person,
                    entity=entity,
                    role=role,
                    start_date=start,
                    end_date=end,
                    external_id=f"m{index + 1}-{entity.pk}-{seat}-{role[0]}",
                )
                for entity, seat, role, person in people
            ]
            titulaires = [m for m in mandates if m.role == Mandate.Role.TITULAIRE]
            titulaires[0].office = "Président"
            for vice in titulaires[1:4]:
                vice.office = "Vice-président"
            Mandate.objects.bulk_create(mandates)
            terms.append(
                Term(
                    start=start,
                    end=end,
                    mandates=mandates,
                    titulaires=titulaires,
                    president=titulaires[0],
                    names=[_title(m.person) for m in titulaires],
                )
            )
        return body, terms

    # --- Sessions ------------------------------------------------------------------------

    def _chunk(
        self, rng: random.Random, schedule: list[tuple[dt.date, Register]], counts: Counts
    ) -> None:
        """Write some sessions with all they contain, in the order the app writes them."""
        register_of: dict[int, Register] = {}
        sessions = []
        for day, register in schedule:
            body = register.body
            term = register.term(day)
            start = rng.choice(STARTS)
            end = (
                dt.datetime.combine(day, start) + dt.timedelta(minutes=rng.randint(70, 170))
            ).time()
            convened = day - dt.timedelta(days=rng.randint(6, 12))
            sessions.append(
                Session(
                    body=body,
                    date=day,
                    start_time=start,
                    end_time=end,
                    place=f"{rng.choice(PLACES)}, à {body.seat_city}",
                    kind=Session.Kind.ORDINARY
                    if rng.random() < 0.9
                    else Session.Kind.EXTRAORDINARY,
                    status=Session.Status.CLOSED,
                    convened_on=convened,
                    convocation_sent_at=_aware(convened, 10),
                    president=term.president,
                    secretary=rng.choice(term.titulaires[1:] or term.titulaires),
                )
            )
        Session.objects.bulk_create(sessions)
        for session, (_, register) in zip(sessions, schedule, strict=True):
            register_of[session.pk] = register

        # Ordre du jour: the previous PV, the deliberations, news, questions diverses.
        items: list[AgendaItem] = []
        acts: dict[int, synthetic.ActText] = {}  # index in items → its act's texts
        for session in sessions:
            register = register_of[session.pk]
            body = register.body
            term = register.term(session.date)
            context = synthetic.ActContext(
                year=session.date.year,
                day=session.date,
                assembly_name=body.assembly_name,
                president_civility=term.president.person.civility,
                speakers=term.names,
                rapporteur=rng.choice(term.names),
            )
            agenda: list[tuple[str, str, str, synthetic.ActText | None]] = []
            if register.previous_day is not None:
                agenda.append(
                    (
                        AgendaItem.Kind.PV_ADOPTION,
                        "Adoption du procès-verbal de la séance du "
                        f"{register.previous_day:%d/%m/%Y}",
                        synthetic.pv_adoption_debate(rng),
                        None,
                    )
                )
            for _ in range(rng.randint(6, 18)):
                context.rapporteur = rng.choice(term.names)
                act = synthetic.act_text(rng, context)
                agenda.append((AgendaItem.Kind.DELIBERATION, act.title, act.debate, act))
            if rng.random() < 0.7:
                title, debate = synthetic.information_item(rng, context)
                agenda.append((AgendaItem.Kind.INFORMATION, title, debate, None))
            if rng.random() < 0.5:
                agenda.append((AgendaItem.Kind.QUESTIONS, "Questions diverses", "", None))
            for position, (kind, title, debate, texts) in enumerate(agenda, start=1):
                if texts is not None:
                    acts[len(items)] = texts
                items.append(
                    AgendaItem(
                        session=session,
                        position=position,
                        kind=kind,
                        title=title,
                        debate_summary=debate,
                        rapporteur=rng.choice(term.titulaires),
                    )
                )
            register.previous_day = session.date
        AgendaItem.objects.bulk_create(items)

        # Votes, then the acts: numbered in the order of the sessions (DESIGN §4.5).
        votes: list[Vote] = []
        for item in items:
            if item.kind not in (AgendaItem.Kind.DELIBERATION, AgendaItem.Kind.PV_ADOPTION):
                continue
            term = register_of[item.session_id].term(item.session.date)
            plan = synthetic.vote_plan(rng, len(term.titulaires))
            outcome = plan.outcome
            votes.append(
                Vote(
                    item=item,
                    unanimous=outcome.unanimous,
                    present=plan.present,
                    represented=plan.represented,
                    voters=outcome.voters,
                    votes_for=outcome.for_,
                    votes_against=outcome.against,
                    abstentions=outcome.abstain,
                    casting_vote=outcome.casting_vote,
                    result=outcome.result,
                )
            )
        Vote.objects.bulk_create(votes)

        deliberations: list[Deliberation] = []
        signed_on: dict[int, dt.datetime] = {}  # session id → first signature
        for index, act in acts.items():
            item = items[index]
            session = item.session
            register = register_of[session.pk]
            body = register.body
            register.sequence += 1
            number = format_number(
                body.numbering_pattern,
                year=session.date.year,
                short=body.short_name,
                seq=register.sequence,
            )
            deliberation = Deliberation(
                body=body,
                item=item,
                number=number,
                sequence=register.sequence,
                title=act.title,
                matiere=act.matiere,
                visas=act.visas,
                considerants=act.considerants,
                dispositif=act.dispositif,
                budget_year=act.budget_year,
                status=Deliberation.Status.VOTED,
            )
            if session.date != register.last:
                self._lifecycle(rng, body, deliberation, session.date, register.last)
                signed = deliberation.signed_at
                assert signed is not None
                signed_on[session.pk] = min(signed_on.get(session.pk, signed), signed)
            deliberations.append(deliberation)
        Deliberation.objects.bulk_create(deliberations)

        pvs: list[ProcesVerbal] = []
        for session in sessions:
            register = register_of[session.pk]
            body = register.body
            preamble, closing = synthetic.pv_texts(
                rng,
                day=session.date,
                start=session.start_time or STARTS[0],
                end=session.end_time or STARTS[0],
                assembly_name=body.assembly_name,
                body_name=body.name,
                place=session.place,
                president=_title(register.term(session.date).president.person),
            )
            pv = ProcesVerbal(session=session, preamble=preamble, closing_text=closing)
            if session.date != register.last:
                signed = _aware(session.date + dt.timedelta(days=rng.randint(3, 20)), 11)
                pv.signed_at = signed
                pv.status = ProcesVerbal.Status.ADOPTED
                if session.date.year < register.last.year:
                    pv.status = ProcesVerbal.Status.PUBLISHED
                    pv.published_on = signed.date() + dt.timedelta(days=rng.randint(1, 7))
                signed_on[session.pk] = min(signed_on.get(session.pk, signed), signed)
            pvs.append(pv)
        ProcesVerbal.objects.bulk_create(pvs)

        # The first signature froze the session's facts (DESIGN §4.6).
        frozen = [s for s in sessions if s.pk in signed_on]
        for session in frozen:
            session.facts_frozen_at = signed_on[session.pk]
        Session.objects.bulk_update(frozen, ["facts_frozen_at"])

        counts.sessions += len(sessions)
        counts.items += len(items)
        counts.votes += len(votes)
        counts.deliberations += len(deliberations)
        counts.pvs += len(pvs)
        for register in {id(r): r for r in register_of.values()}.values():
            register.body.last_deliberation_sequence = register.sequence
            Body.objects.filter(pk=register.body.pk).update(
                last_deliberation_sequence=register.sequence
            )

    @staticmethod
    def _lifecycle(
        rng: random.Random, body: Body, deliberation: Deliberation, day: dt.date, last: dt.date
    ) -> None:
        """Signed, then (mostly) transmitted to the prefecture and published."""
        signed = day + dt.timedelta(days=rng.randint(1, 8))
        deliberation.signed_at = _aware(signed, 9)
        deliberation.status = Deliberation.Status.SIGNED
        if day.year < last.year or rng.random() < 0.6:
            sent = signed + dt.timedelta(days=rng.randint(0, 3))
            deliberation.status = Deliberation.Status.TRANSMITTED
            deliberation.prefecture_sent_on = sent
            deliberation.prefecture_received_on = sent + dt.timedelta(days=rng.randint(0, 1))
            deliberation.prefecture_identifier = (
                f"{body.department_code}-{body.siren}-{day:%Y%m%d}-"
                f"{numero_interne(deliberation.number or '')}-DE"
            )
            if rng.random() < 0.9:
                deliberation.status = Deliberation.Status.PUBLISHED
                deliberation.published_on = sent + dt.timedelta(days=rng.randint(1, 6))
