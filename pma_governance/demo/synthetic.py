"""A synthetic but plausible archive: bodies, people and the French texts of their acts.

Pure functions over a `random.Random` (no database): the same seed gives the same
archive. `manage.py generate_archive` writes what they produce; the search benchmark
and the tests read it. The texts are built from templates and vocabulary banks by
theme (finances, urbanisme, mobilité, environnement, personnel…), so that common words
(« convention », « subvention »), rarer ones (« chiroptères », « méthanisation »), place
names with accents (« Béthune ») and numbers all occur with realistic frequencies.
The French words and templates live in `vocabulary.json` beside this module, read once
at import; the slots they name (« {commune} », « {montant} »…) are filled by `_slots`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deliberations.majority import Tally, VoteOutcome, decide
from pma_governance.lib.wording import (
    MONTHS,
    amount,
    capfirst,
    date_in_words,
    long_date,
    of,
    of_the,
    time_in_words,
)

# --- Vocabulary --------------------------------------------------------------------------

VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.json"


@dataclass(frozen=True)
class BodyKind:
    name_prefix: str  # « Pôle métropolitain »
    short_prefix: str  # « PM »
    assembly_name: str
    legal_form: str
    president_title: str


@dataclass(frozen=True)
class Territory:
    name_suffix: str  # « de l'Artois »
    code: str  # « ART »


@dataclass(frozen=True)
class ActTemplate:
    matiere: str
    title: str
    expose: tuple[str, ...]  # the paragraphs proper to this act, all used
    dispositif: tuple[str, ...]  # the articles, in order
    visas: tuple[str, ...]
    budget: bool


@dataclass(frozen=True)
class Theme:
    name: str
    weight: int
    context: tuple[str, ...]  # paragraphs shared by the theme's acts
    debate: tuple[str, ...]  # interventions during the debate
    acts: tuple[ActTemplate, ...]


def _act_template(data: dict[str, Any]) -> ActTemplate:
    return ActTemplate(
        matiere=data["matiere"],
        title=data["title"],
        expose=tuple(data["expose"]),
        dispositif=tuple(data["dispositif"]),
        visas=tuple(data.get("visas", ())),
        budget=data.get("budget", False),
    )


def _theme(data: dict[str, Any]) -> Theme:
    return Theme(
        name=data["name"],
        weight=data["weight"],
        context=tuple(data["context"]),
        debate=tuple(data["debate"]),
        acts=tuple(_act_template(act) for act in data["acts"]),
    )


_VOCABULARY: dict[str, Any] = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))


def _words(key: str) -> tuple[str, ...]:
    """A vocabulary bank of the data file: « communes », « partners »…"""
    return tuple(_VOCABULARY[key])


BODY_KINDS = tuple(BodyKind(**kind) for kind in _VOCABULARY["body_kinds"])
TERRITORIES = tuple(Territory(**territory) for territory in _VOCABULARY["territories"])
EPCI_KINDS = _words("epci_kinds")
COMMUNES = _words("communes")
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    civility: tuple(names) for civility, names in _VOCABULARY["first_names"].items()
}
LAST_NAMES = _words("last_names")
PARTNERS = _words("partners")
FUNDERS = _words("funders")
BANKS = _words("banks")
COMPANIES = _words("companies")
PROJECTS = _words("projects")
ORGANISMS = _words("organisms")
TAXES = _words("taxes")
BUDGETS = _words("budgets")
GRADES = _words("grades")
SERVICES = _words("services")
SPECIES = _words("species")
RIVERS = _words("rivers")
FRICHES = _words("friches")
PURCHASES = _words("purchases")
COMPETENCES = _words("competences")

CGCT: str = _VOCABULARY["cgct_visa"]
THEMES = tuple(_theme(theme) for theme in _VOCABULARY["themes"])
# Paragraphs any exposé may carry, whatever its theme.
GENERIC_PARAGRAPHS = _words("generic_paragraphs")
CONSIDERANTS = _words("considerants")
SIGNING_ARTICLE: str = _VOCABULARY["signing_article"]
# Remarks seldom made: words a search finds in a handful of acts among thousands.
RARE_REMARKS = _words("rare_remarks")
INFORMATION_TITLES = _words("information_titles")
INFORMATION_DEBATES = _words("information_debates")
PV_ADOPTION_REMARKS = _words("pv_adoption_remarks")
PV_CLOSINGS = _words("pv_closings")


# --- Plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityPlan:
    name: str
    short_name: str
    seats: int


@dataclass(frozen=True)
class BodyPlan:
    name: str
    short_name: str
    assembly_name: str
    legal_form: str
    president_title: str
    seat_city: str
    siren: str
    entities: tuple[EntityPlan, ...]


@dataclass(frozen=True)
class ActText:
    """The texts of one deliberation and of the debate on its item."""

    title: str
    matiere: str
    visas: list[str]
    considerants: str  # sanitised-style HTML (<p>…</p>)
    dispositif: str
    debate: str
    budget_year: int | None = None


def body_plans(rng: random.Random, count: int, taken: set[str]) -> list[BodyPlan]:
    """`count` bodies whose short names are not in `taken` (nor repeated)."""
    plans: list[BodyPlan] = []
    used = set(taken)
    combos = [(kind, territory) for kind in BODY_KINDS for territory in TERRITORIES]
    rng.shuffle(combos)
    index = 0
    while len(plans) < count:
        kind, territory = combos[index % len(combos)]
        index += 1
        short = f"{kind.short_prefix}{territory.code}"
        suffix = 2
        while short in used:
            short = f"{kind.short_prefix}{territory.code}{suffix}"
            suffix += 1
        used.add(short)
        seat = rng.choice(COMMUNES)
        entities = tuple(
            EntityPlan(
                name=f"Commune {of(commune)}",
                short_name=f"{_initials(commune)[:8]}{n}",
                seats=rng.randint(1, 4),
            )
            for n, commune in enumerate(rng.sample(COMMUNES, rng.randint(6, 12)), start=1)
        )
        if "Communauté" not in kind.name_prefix:
            # A syndicat's members are EPCI (and sometimes the Département).
            members = [
                EntityPlan(
                    name=f"{rng.choice(EPCI_KINDS)} {member.name_suffix}",
                    short_name=f"CA{member.code}",
                    seats=rng.randint(2, 8),
                )
                for member in rng.sample(TERRITORIES, rng.randint(3, 6))
            ]
            entities = (*members, EntityPlan("Département du Pas-de-Calais", "CD62", 2))
        plans.append(
            BodyPlan(
                name=f"{kind.name_prefix} {territory.name_suffix}",
                short_name=short,
                assembly_name=kind.assembly_name,
                legal_form=kind.legal_form,
                president_title=kind.president_title,
                seat_city=seat,
                siren=f"2{rng.randint(0, 99_999_999):08d}",
                entities=entities,
            )
        )
    return plans


def _initials(text: str) -> str:
    letters = "".join(w[0] for w in text.replace("-", " ").split() if w[0].isalpha())
    return "".join(c for c in letters.upper() if c.isascii()) or "X"


def person_name(rng: random.Random) -> tuple[str, str, str]:
    """(civility, first name, last name)."""
    civility = rng.choice(["M.", "Mme"])
    return civility, rng.choice(FIRST_NAMES[civility]), rng.choice(LAST_NAMES)


# --- Acts --------------------------------------------------------------------------------


def _euros(rng: random.Random, low: int, high: int, step: int = 500) -> str:
    return amount(rng.randrange(low, high, step))


class _Slots(dict[str, str]):
    """Template values drawn once per act, so that a text repeats the same amount."""

    def __init__(self, generators: dict[str, Callable[[], str]]) -> None:
        super().__init__()
        self.generators = generators

    def __missing__(self, key: str) -> str:
        value = self.generators[key]()
        self[key] = value
        return value


@dataclass
class ActContext:
    """Who and when: what the texts of an act speak of."""

    year: int
    day: dt.date
    assembly_name: str
    president_civility: str
    speakers: Sequence[str]  # « Monsieur Alain Bavay »…
    rapporteur: str
    visas_base: tuple[str, ...] = field(default_factory=tuple)


def _slots(rng: random.Random, context: ActContext) -> _Slots:
    year = context.year
    president = (
        "Monsieur le Président" if context.president_civility == "M." else "Madame la Présidente"
    )
    partner = rng.choice(PARTNERS)
    return _Slots(
        {
            "annee": lambda: str(year),
            "annee_prec": lambda: str(year - 1),
            "annee_suiv": lambda: str(year + 1),
            "annee_regie": lambda: str(rng.randint(1990, max(1991, year - 1))),
            "montant": lambda: _euros(rng, 5_000, 900_000),
            "montant2": lambda: _euros(rng, 200_000, 12_000_000, 10_000),
            "montant_petit": lambda: _euros(rng, 300, 15_000, 50),
            "pourcent": lambda: str(rng.randint(2, 95)),
            "taux": lambda: f"{rng.randint(1, 4)},{rng.randint(0, 99):02d}",
            "prix": lambda: f"{rng.randint(1, 3)},{rng.randint(0, 99):02d}",
            "n": lambda: str(rng.randint(2, 40)),
            "duree": lambda: str(rng.randint(2, 25)),
            "surface": lambda: f"{rng.randint(120, 45_000)}",
            "commune": lambda: rng.choice(COMMUNES),
            "commune2": lambda: rng.choice(COMMUNES),
            "partenaire": lambda: partner,
            "partenaire_maj": lambda: capfirst(partner),
            "financeur": lambda: rng.choice(FUNDERS),
            "banque": lambda: rng.choice(BANKS),
            "entreprise": lambda: rng.choice(COMPANIES),
            "projet": lambda: rng.choice(PROJECTS),
            "organisme": lambda: rng.choice(ORGANISMS),
            "taxe": lambda: rng.choice(TAXES),
            "budget": lambda: rng.choice(BUDGETS),
            "grade": lambda: rng.choice(GRADES),
            "service": lambda: rng.choice(SERVICES),
            "espece": lambda: rng.choice(SPECIES),
            "riviere": lambda: rng.choice(RIVERS),
            "friche": lambda: rng.choice(FRICHES),
            "achat": lambda: rng.choice(PURCHASES),
            "competence": lambda: rng.choice(COMPETENCES),
            "parcelle": lambda: (
                f"{rng.choice('ABCDHKZ')}{rng.choice('ABCDEHKN')} {rng.randint(1, 999)}"
            ),
            "date_effet": lambda: f"1er {rng.choice(MONTHS)} {year + rng.randint(0, 1)}",
            "date_cao": lambda: (
                f"{rng.randint(2, 28)} {MONTHS[max(context.day.month - 2, 0)]} {year}"
            ),
            "date_concertation": lambda: (
                f"{rng.randint(1, 15)} au {rng.randint(16, 28)} {rng.choice(MONTHS)} {year - 1}"
            ),
            "mois_dob": lambda: f"{rng.randint(1, 28)} {rng.choice(MONTHS[:3])} {year}",
            "president_adresse": lambda: f"{president} ou son représentant",
            "orateur": lambda: rng.choice(context.speakers),
        }
    )


_THEME_WEIGHTS = [theme.weight for theme in THEMES]
RARE_REMARK_ODDS = 0.01  # how often one of the RARE_REMARKS is made


def act_text(rng: random.Random, context: ActContext) -> ActText:
    """The title, texts and debate of one deliberation, from a theme's templates."""
    theme = rng.choices(THEMES, weights=_THEME_WEIGHTS)[0]
    template = rng.choice(theme.acts)
    slots = _slots(rng, context)

    def fill(text: str) -> str:
        return text.format_map(slots)

    president = (
        "Monsieur le Président" if context.president_civility == "M." else "Madame la Présidente"
    )
    paragraphs = [f"{president} EXPOSE :"]
    paragraphs += [fill(p) for p in rng.sample(theme.context, min(len(theme.context), 2))]
    paragraphs += [fill(p) for p in template.expose]
    paragraphs += [fill(p) for p in rng.sample(GENERIC_PARAGRAPHS, rng.randint(1, 3))]
    paragraphs += [fill(p) for p in rng.sample(CONSIDERANTS, rng.randint(1, 2))]
    paragraphs.append(f"Après en avoir délibéré, le {context.assembly_name} :")
    articles = [fill(line) for line in template.dispositif]
    if rng.random() < 0.5:
        articles.append(fill(SIGNING_ARTICLE))
    debate_lines = [
        f"{context.rapporteur} présente le rapport.",
        *(
            fill(line.replace("{orateur}", rng.choice(context.speakers)))
            for line in rng.sample(theme.debate, min(len(theme.debate), 2))
        ),
        f"{president} soumet la délibération au vote.",
    ]
    if rng.random() < RARE_REMARK_ODDS:
        debate_lines.insert(-1, rng.choice(RARE_REMARKS).replace("{orateur}", context.speakers[0]))
    debate = "" if rng.random() < 0.25 else _html([" ".join(debate_lines)])
    return ActText(
        title=fill(template.title),
        matiere=template.matiere,
        visas=[CGCT, *context.visas_base, *template.visas],
        considerants=_html(paragraphs),
        dispositif=_html(articles),
        debate=debate,
        budget_year=context.year if template.budget else None,
    )


def _html(paragraphs: Sequence[str]) -> str:
    """Paragraphs as the sanitised HTML the app stores (« & » and « < » escaped)."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


# --- Items without an act, and the PV's texts ------------------------------------------------


def information_item(rng: random.Random, context: ActContext) -> tuple[str, str]:
    """(title, debate) of an information item."""
    slots = _slots(rng, context)
    title = rng.choice(INFORMATION_TITLES).format_map(slots)
    debate = " ".join(
        line.replace("{orateur}", rng.choice(context.speakers)).format_map(slots)
        for line in rng.sample(INFORMATION_DEBATES, 2)
    )
    return title, _html([debate])


def pv_adoption_debate(rng: random.Random) -> str:
    """The debate on the adoption of the previous PV: usually nothing to say."""
    remark = rng.choice(["", "", *PV_ADOPTION_REMARKS])  # half the time, no remark
    return _html([remark]) if remark else ""


def pv_texts(
    rng: random.Random,
    *,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    assembly_name: str,
    body_name: str,
    place: str,
    president: str,
) -> tuple[str, str]:
    """(preamble, closing) of a session's procès-verbal."""
    preamble = (
        f"{date_in_words(day)} à {time_in_words(start)}, le {assembly_name} "
        f"{of_the(body_name)}, légalement convoqué, s'est réuni {place}, sous la présidence de "
        f"{president}."
    )
    closing = rng.choice(PV_CLOSINGS).format(end=time_in_words(end))
    return _html([preamble]), _html([closing, f"Séance du {long_date(day)}."])


# --- Votes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VotePlan:
    """A plausible vote: who was there, and the tally decided by the CGCT rules."""

    present: int
    represented: int
    outcome: VoteOutcome


def vote_plan(rng: random.Random, in_office: int) -> VotePlan:
    """Mostly adopted, often unanimously; a few contested votes and rare rejections."""
    in_office = max(in_office, 3)
    present = rng.randint(in_office // 2 + 1, in_office)
    represented = rng.randint(0, min(in_office - present, present))
    voters = present + represented
    draw = rng.random()
    tally: Tally | None
    if draw < 0.75:
        tally = None  # à l'unanimité
    elif draw < 0.97:
        against = rng.randint(1, max(1, voters // 4))
        abstain = rng.randint(0, max(0, voters // 6))
        tally = Tally(for_=voters - against - abstain, against=against, abstain=abstain)
        if tally.for_ <= tally.against:
            tally = None
    else:
        against = rng.randint(voters // 2 + 1, voters)
        abstain = rng.randint(0, voters - against)
        tally = Tally(for_=voters - against - abstain, against=against, abstain=abstain)
        if tally.for_ == tally.against:  # no tie: the president's vote would decide
            tally = Tally(for_=tally.for_, against=tally.against + tally.abstain, abstain=0)
            if tally.for_ == tally.against:
                tally = None
    return VotePlan(present, represented, decide(voters=voters, tally=tally))
