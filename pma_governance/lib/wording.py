"""French wording of the official documents: dates in words, amounts, civility-aware phrases.

Pure functions over plain values (no ORM), so that every PV, deliberation, convocation and
list says the same thing the same way. A person is anything with `civility`, `first_name`
and `last_name` (a `members.models.Person` does).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol

from num2words import num2words

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# French typography: thousands are grouped with a narrow no-break space (espace fine).
NARROW_NBSP = "\u202f"
VOWELS = "aeiouyhàâäéèêëîïôöùûüœæ"
# Heads of bodies and assemblies that take « la » (« la Communauté d'agglomération »).
FEMININE_HEADS = ("communauté", "métropole", "commune", "ville", "région", "assemblée", "agence")

AFTER_DELIBERATION = "APRÈS en avoir délibéré ;"


class Named(Protocol):
    """A person as the documents name them."""

    @property
    def civility(self) -> str: ...

    @property
    def first_name(self) -> str: ...

    @property
    def last_name(self) -> str: ...


# --- Articles and elision ---------------------------------------------------------------


def _elides(word: str) -> bool:
    return bool(word) and word[0].lower() in VOWELS


def _is_feminine_head(name: str) -> bool:
    return name.split(" ", 1)[0].lower() in FEMININE_HEADS


def of(name: str) -> str:
    """« de Lille », « d'Amiens »."""
    return f"d'{name}" if _elides(name) else f"de {name}"


def the(name: str) -> str:
    """« le Comité syndical », « l'Assemblée », « la Communauté »."""
    if _elides(name):
        return f"l'{name}"
    return f"la {name}" if _is_feminine_head(name) else f"le {name}"


def of_the(name: str) -> str:
    """« du Pôle Métropolitain de l'Artois », « de l'Agglomération », « de la Communauté »."""
    if _elides(name):
        return f"de l'{name}"
    return f"de la {name}" if _is_feminine_head(name) else f"du {name}"


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def upper(text: str) -> str:
    """Capitals keep their accents (« SÉANCE », « PROCÈS-VERBAL »), as French typography wants."""
    return text.upper()


def join_words(words: Iterable[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    items = [w for w in words if w]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


# --- Dates and times ---------------------------------------------------------------------


def day_of_month(day: dt.date) -> str:
    """« 1er », « 13 »."""
    return "1er" if day.day == 1 else str(day.day)


def year_in_words(year: int) -> str:
    """« deux mille vingt-trois »."""
    return str(num2words(year, lang="fr"))


def day_month(day: dt.date) -> str:
    """« 13 juin »."""
    return f"{day_of_month(day)} {MONTHS[day.month - 1]}"


def plain_date(day: dt.date) -> str:
    """« 13 juin 2023 »."""
    return f"{day_month(day)} {day.year}"


def long_date(day: dt.date) -> str:
    """« mardi 13 juin 2023 »."""
    return f"{WEEKDAYS[day.weekday()]} {plain_date(day)}"


def numeric_date(day: dt.date) -> str:
    """« 19/06/2023 »."""
    return f"{day:%d/%m/%Y}"


def date_in_words(day: dt.date) -> str:
    """« L'an deux mille vingt-trois, le mardi 13 juin »."""
    return f"L'an {year_in_words(day.year)}, le {WEEKDAYS[day.weekday()]} {day_month(day)}"


def time_in_words(time: dt.time) -> str:
    """« 14 heures 30 », « 9 heures », « 1 heure 05 »."""
    hours = f"{time.hour} heure{'s' if time.hour >= 2 else ''}"
    return f"{hours} {time.minute:02d}" if time.minute else hours


def short_time(time: dt.time) -> str:
    """« 14h30 », « 16h »."""
    return f"{time.hour}h{time.minute:02d}" if time.minute else f"{time.hour}h"


def session_heading(day: dt.date) -> str:
    """« Séance du mardi 13 juin 2023 »."""
    return f"Séance du {long_date(day)}"


def upper_session_heading(day: dt.date) -> str:
    """« SÉANCE DU MARDI 13 JUIN 2023 »."""
    return upper(session_heading(day))


def calendar_line(day: dt.date, start: dt.time | None, end: dt.time | None) -> str:
    """« Vendredi 29 septembre (14h30-16h) »."""
    text = capfirst(f"{WEEKDAYS[day.weekday()]} {day_month(day)}")
    if start and end:
        return f"{text} ({short_time(start)}-{short_time(end)})"
    if start:
        return f"{text} ({short_time(start)})"
    return text


# --- Amounts -----------------------------------------------------------------------------


def amount(value: int | Decimal | str, currency: str = "euros") -> str:
    """« 40 000 euros », « 342 812,83 euros », « 1 euro » (thousands: narrow no-break space)."""
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    number = abs(number)
    cents = number.quantize(Decimal("0.01"))
    units, _, decimals = f"{cents:f}".partition(".")
    groups: list[str] = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    text = sign + NARROW_NBSP.join(groups)
    if decimals and decimals != "00":
        text += f",{decimals}"
    unit = currency[:-1] if currency.endswith("s") and number < 2 else currency
    return f"{text}\u00a0{unit}"


# --- People ------------------------------------------------------------------------------


def is_feminine(civility: str) -> bool:
    return civility_title(civility) == "Madame"


def feminine_ending(civility: str) -> str:
    """The agreement's ending for a woman: « présent » + "e" = « présente »; "" for a man."""
    return "e" if is_feminine(civility) else ""


def civility_title(civility: str) -> str:
    """« Monsieur » for « M. », « Madame » for « Mme »."""
    key = civility.strip().rstrip(".").lower()
    if key in {"m", "mr", "monsieur"}:
        return "Monsieur"
    if key in {"mme", "madame"}:
        return "Madame"
    raise ValueError(f"Civilité inconnue « {civility} » (« M. » ou « Mme » attendu).")


def full_name(person: Named | str) -> str:
    """« Corinne Laversin »."""
    if isinstance(person, str):
        return person
    return f"{person.first_name} {person.last_name}".strip()


def member_phrase(person: Named) -> str:
    """« Madame Corinne Laversin »."""
    return f"{civility_title(person.civility)} {full_name(person)}"


def proxy_phrase(giver: Named | str, holder: Named | str) -> str:
    """« Steve Bossart ayant donné procuration à Alain Bavay » (CGCT L2121-20)."""
    return f"{full_name(giver)} ayant donné procuration à {full_name(holder)}"


def not_voting_phrase(people: Named | Sequence[Named], reason: str = "") -> str:
    """« Madame Corinne Laversin, présidente de l'Agence … (AULA) ne prenant pas part au vote. »"""
    members = [people] if not isinstance(people, Sequence) else list(people)
    if not members:
        return ""
    names = join_words(member_phrase(p) for p in members)
    reason = reason.strip().rstrip(",")
    # CGCT L2131-11: the member with an interest is named and takes no part in the vote
    if reason:
        return f"{names}, {reason} ne prenant pas part au vote."
    return f"{names} ne prenant pas part au vote."


def president_address(civility: str) -> str:
    """« Monsieur le Président », « Madame la Présidente »."""
    return "Madame la Présidente" if is_feminine(civility) else "Monsieur le Président"


def president_signature(civility: str) -> str:
    """« Le Président, »."""
    return "La Présidente," if is_feminine(civility) else "Le Président,"


def secretary_signature(civility: str) -> str:
    """« Le secrétaire de séance, »."""
    return "La secrétaire de séance," if is_feminine(civility) else "Le secrétaire de séance,"


# --- Sentences of the acts ---------------------------------------------------------------


def opening_sentence(
    *,
    day: dt.date,
    start: dt.time | None,
    president: Named | None,
    president_title: str,
    assembly: str,
    body_name: str,
    place: str,
) -> str:
    """« L'an deux mille vingt-trois, le mardi 13 juin à 14 heures 30, sous la présidence de
    Monsieur Alain Bavay, président du Syndicat Mixte, le Comité syndical du Pôle Métropolitain
    de l'Artois, après convocation légale, s'est réuni en séance plénière, au siège … »"""
    parts = [date_in_words(day) + (f" à {time_in_words(start)}" if start else "")]
    if president is not None:
        chair = f"sous la présidence de {member_phrase(president)}"
        parts.append(f"{chair}, {president_title}" if president_title else chair)
    met = "réunie" if _is_feminine_head(assembly) else "réuni"
    parts.append(f"{the(assembly)} {of_the(body_name)}")
    parts.append("après convocation légale")
    sentence = ", ".join(parts) + f", s'est {met} en séance plénière"
    place = place.strip().rstrip(".")
    return f"{sentence}, {place}." if place else f"{sentence}."


def _delegates(count: int) -> str:
    if count <= 1:
        return f"{count} délégué est présent ou représenté"
    return f"{count} délégués sont présents ou représentés"


def roll_call_sentence(
    *,
    assembly: str,
    secretary: Named | None,
    present_or_represented: int,
    threshold: int,
    met: bool,
    reconvened: bool = False,
) -> str:
    """« Le Comité syndical a choisi pour secrétaire de séance Monsieur François Lemaire. Ce
    dernier procède à l'appel des délégués et constate que 17 délégués sont présents ou
    représentés, que le quorum de 12 est atteint et que le Comité syndical peut donc
    valablement délibérer. »"""
    subject = capfirst(the(assembly))
    if reconvened:
        # CGCT L2121-17: reconvened after a failed quorum, the assembly sits without one
        quorum = (
            f"que, la séance étant de nouveau convoquée après un défaut de quorum, {the(assembly)} "
            "peut valablement délibérer sans condition de quorum (article L2121-17 du CGCT)."
        )
    elif met:
        quorum = (
            f"que le quorum de {threshold} est atteint et que {the(assembly)} peut donc "
            "valablement délibérer."
        )
    else:
        quorum = (
            f"que le quorum de {threshold} n'est pas atteint et que {the(assembly)} ne peut "
            "donc valablement délibérer."
        )
    finding = f"constate que {_delegates(present_or_represented)}, {quorum}"
    if secretary is None:
        return f"Il est procédé à l'appel des délégués. {subject} {finding}"
    pronoun = "Cette dernière" if is_feminine(secretary.civility) else "Ce dernier"
    return (
        f"{subject} a choisi pour secrétaire de séance {member_phrase(secretary)}. "
        f"{pronoun} procède à l'appel des délégués et {finding}"
    )


def deliberation_heading(number: str) -> str:
    """« Délibération n°2023/PMA00192 »."""
    return f"Délibération n°{number}"


def visa_line(text: str) -> str:
    """« VU le Code général des collectivités territoriales … ; »."""
    body = text.strip().rstrip(";").rstrip()
    if body[:3].upper() == "VU ":
        body = body[3:].lstrip()
    return f"VU {body} ;"


def recourse_mention(court: str) -> str:
    """The recourse mention every act carries (Code de justice administrative, R421-1)."""
    court = court.strip()
    where = (
        f"le tribunal administratif {of(court)}" if court else "le tribunal administratif compétent"
    )
    return (
        "RAPPELANT que la présente délibération pourra faire l'objet d'un recours pour excès "
        f"de pouvoir devant {where} dans un délai de deux mois à compter de sa transmission "
        "au représentant de l'État et de sa publication ;"
    )


# The name the design card uses for the recourse mention.
RECOURSE_MENTION = recourse_mention


def pv_approval(assembly: str, day: dt.date, *, adopted: bool = True) -> str:
    """« Approuve le procès-verbal de la séance du Comité syndical du 4 avril 2023 »."""
    verb = "Approuve" if adopted else "N'approuve pas"
    return f"{verb} le procès-verbal de la séance {of_the(assembly)} du {plain_date(day)}."


def rejection_sentence(assembly: str) -> str:
    return f"{capfirst(the(assembly))} rejette la proposition."


# CGCT L2121-21: how the assembly voted, as the PV and the acts state it.
VOTE_MODES = {
    "show_of_hands": "à main levée",
    "roll_call": "au scrutin public (appel nominal)",
    "secret": "au scrutin secret",
}


def count_of(count: int, singular: str, plural: str) -> str:
    """« 0 abstention », « 1 abstention », « 3 abstentions » (French: 0 and 1 are singular)."""
    return f"{count} {singular if count <= 1 else plural}"


def vote_mode(ballot: str) -> str:
    """« à main levée », « au scrutin public (appel nominal) », « au scrutin secret »."""
    try:
        return VOTE_MODES[ballot]
    except KeyError:
        raise ValueError(f"Mode de scrutin inconnu « {ballot} ».") from None


def vote_figures(
    *, ballot: str, voters: int, for_: int, against: int, abstain: int, blank: int = 0
) -> str:
    """« Vote à main levée — 16 votants : 16 pour, 0 contre, 0 abstention. »

    Every figure is stated, zeros included (CGCT L2121-15: the PV states the votes); blank
    and spoiled ballots exist only in a secret ballot, where they are always stated.
    """
    figures = [
        f"{for_} pour",
        f"{against} contre",
        count_of(abstain, "abstention", "abstentions"),
    ]
    if ballot == "secret":
        figures.append(count_of(blank, "bulletin blanc ou nul", "bulletins blancs ou nuls"))
    voting = count_of(voters, "votant", "votants")
    return f"Vote {vote_mode(ballot)} — {voting} : {', '.join(figures)}."


def convocation_delay_sentence(*, sent_on: dt.date, clear_days: int, delay_days: int) -> str:
    """« Convocation adressée le 6 juin 2023, 6 jours francs avant la séance : le délai légal
    de 5 jours francs (article L2121-12 du CGCT) est respecté. »"""
    # CGCT L2121-11 (3 clear days) and L2121-12 (5 clear days, communes of 3 500 and more)
    article = {3: " (article L2121-11 du CGCT)", 5: " (article L2121-12 du CGCT)"}.get(
        delay_days, ""
    )
    met = "est respecté" if clear_days >= delay_days else "n'est pas respecté"
    return (
        f"Convocation adressée le {plain_date(sent_on)}, "
        f"{count_of(clear_days, 'jour franc', 'jours francs')} avant la séance : le délai "
        f"légal de {count_of(delay_days, 'jour franc', 'jours francs')}{article} {met}."
    )


def result_label(adopted: bool, phrase: str) -> str:
    """« Adoptée à l'unanimité », « Rejetée par 5 voix pour et 8 voix contre »."""
    return f"{'Adoptée' if adopted else 'Rejetée'} {phrase}"


def done_at(city: str, day: dt.date) -> str:
    """« Fait à Lens le 13 juin 2023 »."""
    return f"Fait à {city} le {plain_date(day)}" if city else f"Fait le {plain_date(day)}"


def prefecture_receipt(received_on: dt.date | None, identifier: str) -> str | None:
    """« Reçu en préfecture le 19/06/2023 », only when the acknowledgement has an identifier."""
    # DESIGN §6: never show « reçu » without the acknowledgement's identifier
    if received_on is None or not identifier.strip():
        return None
    return f"Reçu en préfecture le {numeric_date(received_on)}"


def executoire_stamp(
    received_on: dt.date, identifier: str, published_on: dt.date
) -> tuple[str, str]:
    """The two lines the stamped copy of an act bears (CGCT L2131-1: executory once
    transmitted to the prefect and published): « Reçu en préfecture le 19/06/2023,
    identifiant 062-…-DE ; publié le 20/06/2023 », « Acte rendu exécutoire après
    transmission en préfecture le 19/06/2023 et publication le 20/06/2023 ».

    The transmission's date is the accusé de réception's: the act is transmitted when the
    prefecture receives it.
    """
    received, published = numeric_date(received_on), numeric_date(published_on)
    return (
        f"Reçu en préfecture le {received}, identifiant {identifier} ; publié le {published}",
        f"Acte rendu exécutoire après transmission en préfecture le {received} et "
        f"publication le {published}",
    )


ORIGINAL_LABEL = "Original signé électroniquement (fait foi)"


def executoire_label(received_on: dt.date, published_on: dt.date) -> str:
    """« Copie exécutoire tamponnée : reçue en préfecture le 19/06/2023, publiée le 20/06/2023 »."""
    return (
        f"Copie exécutoire tamponnée : reçue en préfecture le {numeric_date(received_on)}, "
        f"publiée le {numeric_date(published_on)}"
    )


def calendar_intro(president_civility: str, assembly: str, years: Sequence[int]) -> str:
    """« Monsieur le Président rappelle le calendrier des séances du Comité syndical programmées
    en 2023 et invite chacun à bien vouloir les noter à son agenda : »"""
    when = f" en {years[0]}" if len(set(years)) == 1 else ""
    return (
        f"{president_address(president_civility)} rappelle le calendrier des séances "
        f"{of_the(assembly)} programmées{when} et invite chacun à bien vouloir les noter à "
        "son agenda :"
    )


def closing_sentence(president_civility: str, end: dt.time | None) -> str:
    """« Monsieur le Président remercie l'ensemble des membres présents … et clôt la séance à 16
    heures. »"""
    closing = f" à {time_in_words(end)}" if end else ""
    return (
        f"{president_address(president_civility)} remercie l'ensemble des membres présents "
        f"pour leur participation et clôt la séance{closing}."
    )


def convocation_invitation(
    *, assembly: str, body_name: str, day: dt.date, start: dt.time | None, place: str
) -> str:
    """« J'ai l'honneur de vous convier à la séance du Comité syndical … qui se tiendra le mardi
    13 juin 2023 à 14 heures 30, au siège du PMA … »"""
    when = f"le {long_date(day)}" + (f" à {time_in_words(start)}" if start else "")
    place = place.strip().rstrip(".")
    return (
        f"J'ai l'honneur de vous convier à la séance {of_the(assembly)} {of_the(body_name)} "
        f"qui se tiendra {when}" + (f", {place}." if place else ".")
    )


def proxy_notice(assembly: str, max_per_holder: int) -> str:
    """How an absent member gives a proxy (CGCT L2121-20)."""
    limit = (
        "un seul pouvoir"
        if max_per_holder == 1
        else f"{num2words(max_per_holder, lang='fr')} pouvoirs"
    )
    return (
        "En cas d'empêchement, vous pouvez donner à un autre membre "
        f"{of_the(assembly)} pouvoir écrit de voter en votre nom ; un même membre ne peut "
        f"être porteur que {of(limit)} (article L2121-20 du CGCT)."
    )
