"""What the room display and the élus' devices follow during a session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from meetings.models import AgendaItem, Session
from members.models import Mandate


class SessionScreen(models.Model):
    """A session's live state for the room: its version, the item on screen, the display token.

    `version` grows with every recorded change of the session's roll, proxies, déports,
    items or votes: PostgreSQL triggers bump it in the writing transaction (migration
    0001_session_screen), so a live view answers « nothing changed » (304) by reading this
    one row, whichever app server serves it and whichever code wrote the change.
    """

    session = models.OneToOneField(
        Session, on_delete=models.CASCADE, primary_key=True, related_name="screen"
    )
    # db_default: the triggers insert the row themselves, without Django.
    version = models.BigIntegerField("version", default=0, db_default=0)
    current_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="point affiché",
    )
    # SHA-256 of the display token: the token itself is shown once, to the secretariat.
    display_token_hash = models.CharField(
        "empreinte du jeton d'écran", max_length=64, blank=True, default="", db_default=""
    )
    display_token_at = models.DateTimeField("jeton d'écran créé le", null=True, blank=True)

    class Meta:
        verbose_name = "écran de séance"
        verbose_name_plural = "écrans de séance"

    def __str__(self) -> str:
        return f"Écran de la séance {self.session_id} (version {self.version})"


class ElectronicPoll(models.Model):
    """An electronic vote opened on an item: the élus vote from their devices.

    Closing records the item's `deliberations.Vote` through the same service as the hand
    count; the poll then stays as the trace of how the vote was taken.
    """

    class Mode(models.TextChoices):
        PUBLIC = "public", "Scrutin public (appel nominal, noms au procès-verbal)"
        SECRET = "secret", "Scrutin secret (seuls les votants sont connus)"

    class State(models.TextChoices):
        OPEN = "open", "Ouvert"
        CLOSED = "closed", "Clos"
        CANCELLED = "cancelled", "Annulé"

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="polls", verbose_name="point"
    )
    mode = models.CharField("mode de scrutin", max_length=10, choices=Mode.choices)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField("ouvert le", auto_now_add=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ouvert par",
    )

    class Meta:
        verbose_name = "scrutin électronique"
        verbose_name_plural = "scrutins électroniques"
        constraints = [
            # One open poll per item at most (its session's lock orders the openings).
            models.UniqueConstraint(
                fields=["item"], condition=Q(state="open"), name="poll_one_open_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"Scrutin {self.get_mode_display()} sur le point {self.item_id}"


class PollBallot(models.Model):
    """One vote cast in a poll: whose vote (`for_mandate`), cast by whom (`voter`).

    A proxy holder casts his mandant's vote as a second ballot (voter: him, for_mandate:
    the mandant). In a secret ballot `choice` stays empty: the row says only that the
    vote was cast; the choices are counted in `SecretCount`, without any voter.
    """

    class Choice(models.TextChoices):
        FOR = "for", "Pour"
        AGAINST = "against", "Contre"
        ABSTAIN = "abstain", "Abstention"

    poll = models.ForeignKey(ElectronicPoll, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="+", verbose_name="votant"
    )
    for_mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="+", verbose_name="voix de"
    )
    choice = models.CharField("vote", max_length=10, choices=Choice.choices, blank=True)
    cast_at = models.DateTimeField("exprimé le", auto_now=True)
    entered_by_secretariat = models.BooleanField("saisi par le secrétariat", default=False)

    class Meta:
        verbose_name = "vote électronique"
        verbose_name_plural = "votes électroniques"
        constraints = [
            # Each voice once per poll, whoever casts it: never counted twice.
            models.UniqueConstraint(fields=["poll", "for_mandate"], name="ballot_one_per_voice"),
        ]

    def __str__(self) -> str:
        return f"Voix {self.for_mandate_id} au scrutin {self.poll_id}"


class SecretCount(models.Model):
    """A secret ballot's count of one choice: no voter is stored beside it."""

    poll = models.ForeignKey(ElectronicPoll, on_delete=models.CASCADE, related_name="counts")
    choice = models.CharField("vote", max_length=10, choices=PollBallot.Choice.choices)
    count = models.PositiveIntegerField("nombre", default=0)

    class Meta:
        verbose_name = "décompte secret"
        verbose_name_plural = "décomptes secrets"
        constraints = [
            models.UniqueConstraint(fields=["poll", "choice"], name="secretcount_one_per_choice"),
        ]

    def __str__(self) -> str:
        return f"{self.choice} : {self.count}"
