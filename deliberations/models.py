"""Deliberations (acts), their votes, the visa library and prefecture follow-up."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from deliberations.actes import MATIERE_CHOICES, NATURE_CHOICES
from meetings.models import AgendaItem
from members.models import Body, Mandate

ACK_IDENTIFIER_RE = r"^\d{3}-\d{9}-\d{8}-[A-Za-z0-9_]+-(DE|AR|AI|CC|BF|AU)$"


class VisaTemplate(models.Model):
    """A reusable visa (« VU le Code général… ») in a body's library."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="visa_templates")
    text = models.TextField("texte du visa", help_text="Sans « VU » ni point-virgule final.")
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "visa type"
        verbose_name_plural = "visas types"
        ordering = ["body", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "text"], name="visatemplate_unique_text"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Deliberation(models.Model):
    """A deliberation: the act adopted (or rejected) by the assembly on an agenda item."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Projet"
        VOTED = "voted", "Votée"
        SIGNED = "signed", "Signée"
        TRANSMITTED = "transmitted", "Transmise en préfecture"
        PUBLISHED = "published", "Publiée"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="deliberations")
    item = models.OneToOneField(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliberation",
        verbose_name="point de l'ordre du jour",
    )
    # NULL, not "": drafts have no number yet and the unique constraint must ignore them.
    number = models.CharField("numéro", max_length=40, null=True, blank=True)  # noqa: DJ001
    sequence = models.PositiveIntegerField("numéro d'ordre", null=True, blank=True)
    title = models.CharField("objet", max_length=400)
    nature = models.CharField("nature ACTES", max_length=1, choices=NATURE_CHOICES, default="1")
    matiere = models.CharField("matière ACTES", max_length=8, choices=MATIERE_CHOICES)
    visas = models.JSONField("visas", default=list, blank=True)
    considerants = models.TextField("considérants / exposé", blank=True)
    dispositif = models.TextField("dispositif")
    budget_year = models.PositiveSmallIntegerField("exercice budgétaire", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=Status.choices, default=Status.DRAFT)
    signed_at = models.DateTimeField("signée le", null=True, blank=True)
    frozen_facts = models.JSONField("faits figés à la signature", null=True, blank=True)
    prefecture_sent_on = models.DateField("transmise en préfecture le", null=True, blank=True)
    prefecture_received_on = models.DateField("reçue en préfecture le", null=True, blank=True)
    prefecture_identifier = models.CharField(
        "identifiant de l'accusé de réception",
        max_length=80,
        blank=True,
        validators=[
            RegexValidator(
                ACK_IDENTIFIER_RE,
                "Format attendu : 062-200060358-20230613-2023PMA00192-DE.",
            )
        ],
    )
    published_on = models.DateField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "délibération"
        verbose_name_plural = "délibérations"
        ordering = ["body", "sequence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="deliberation_unique_number"),
            models.UniqueConstraint(
                fields=["body", "sequence"], name="deliberation_unique_sequence"
            ),
            models.CheckConstraint(
                condition=(Q(number__isnull=True) & Q(sequence__isnull=True))
                | (Q(number__isnull=False) & Q(sequence__isnull=False)),
                name="deliberation_number_with_sequence",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="deliberation_numbered_once_voted",
            ),
            # Never show « reçu » without an identifier (DESIGN §6).
            models.CheckConstraint(
                condition=Q(prefecture_received_on__isnull=True) | ~Q(prefecture_identifier=""),
                name="deliberation_received_has_identifier",
            ),
            models.CheckConstraint(
                condition=Q(prefecture_received_on__isnull=True)
                | Q(prefecture_sent_on__isnull=True)
                | Q(prefecture_received_on__gte=F("prefecture_sent_on")),
                name="deliberation_received_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or 'Projet'} — {self.title}"


class Vote(models.Model):
    """The vote on an agenda item: ballot, tallies, non-participants and result."""

    class Ballot(models.TextChoices):
        SHOW_OF_HANDS = "show_of_hands", "À main levée"
        ROLL_CALL = "roll_call", "Au scrutin public (appel nominal)"
        SECRET = "secret", "Au scrutin secret"

    class Result(models.TextChoices):
        ADOPTED = "adopted", "Adopté"
        REJECTED = "rejected", "Rejeté"

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="vote")
    ballot = models.CharField(
        "mode de scrutin", max_length=15, choices=Ballot.choices, default=Ballot.SHOW_OF_HANDS
    )
    unanimous = models.BooleanField("à l'unanimité", default=False)
    present = models.PositiveSmallIntegerField("présents")
    represented = models.PositiveSmallIntegerField("représentés")
    withheld = models.PositiveSmallIntegerField(
        "voix des membres ne prenant pas part au vote",
        default=0,
        help_text="Un membre ne prenant pas part au vote ne vote pas non plus son pouvoir.",
    )
    voters = models.PositiveSmallIntegerField("votants")
    votes_for = models.PositiveSmallIntegerField("pour")
    votes_against = models.PositiveSmallIntegerField("contre", default=0)
    abstentions = models.PositiveSmallIntegerField("abstentions", default=0)
    blank = models.PositiveSmallIntegerField("blancs et nuls", default=0)
    casting_vote = models.BooleanField("voix prépondérante du président", default=False)
    result = models.CharField("résultat", max_length=10, choices=Result.choices)
    not_voting = models.ManyToManyField(
        Mandate,
        blank=True,
        related_name="votes_not_taken_part",
        verbose_name="ne prenant pas part au vote",
    )
    not_voting_reason = models.CharField(
        "motif (ne prenant pas part au vote)",
        max_length=300,
        blank=True,
        help_text="Ex. : présidente de l'Agence d'urbanisme de l'Artois (AULA).",
    )
    recorded_at = models.DateTimeField("enregistré le", auto_now=True)

    class Meta:
        verbose_name = "vote"
        verbose_name_plural = "votes"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    voters=F("votes_for") + F("votes_against") + F("abstentions") + F("blank")
                ),
                name="vote_counts_add_up",
            ),
            # CGCT L2121-20/21: votants = présents + représentés − ne prenant pas part.
            models.CheckConstraint(
                condition=Q(voters=F("present") + F("represented") - F("withheld")),
                name="vote_voters_from_roll",
            ),
            models.CheckConstraint(
                condition=Q(unanimous=False) | Q(votes_for=F("voters")),
                name="vote_unanimous_all_for",
            ),
            models.CheckConstraint(
                condition=Q(blank=0) | Q(ballot="secret"), name="vote_blank_only_secret"
            ),
        ]

    def __str__(self) -> str:
        return f"Vote sur « {self.item.title} »"

    @property
    def expressed(self) -> int:
        return self.votes_for + self.votes_against


class NamedVote(models.Model):
    """One member's choice in a roll-call vote (scrutin public)."""

    class Choice(models.TextChoices):
        FOR = "for", "Pour"
        AGAINST = "against", "Contre"
        ABSTAIN = "abstain", "Abstention"

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="named_votes")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="named_votes")
    choice = models.CharField("vote", max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = "vote nominatif"
        verbose_name_plural = "votes nominatifs"
        constraints = [
            models.UniqueConstraint(fields=["vote", "mandate"], name="namedvote_one_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} : {self.get_choice_display()}"
