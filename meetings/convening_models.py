"""The convening of members before a session: each sending of the convocation with its
per-member receipts (the « bordereau d'envoi »), and each member's answer (present,
excused, pouvoir, suppléant). Imported by `meetings.models`: same app, same tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from meetings.models import Mandate, Session
from meetings.triggers import frozen_session_children
from members.models import Person
from pma_governance.lib.db import history_tracked


class ConvocationDispatch(models.Model):
    """One sending of a session's convocation; a resend (ordre du jour completed) is another.

    Its receipts are the register of sending (« bordereau d'envoi ») that proves, member by
    member, that the legal delay of clear days was met (CGCT L2121-10, L2121-12).
    """

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="dispatches")
    sent_at = models.DateTimeField("envoyée le")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="envoyée par",
    )
    delay_days = models.PositiveSmallIntegerField("délai réglementaire (jours francs)")
    clear_days = models.PositiveSmallIntegerField("jours francs laissés")
    late = models.BooleanField("envoyée hors délai", default=False)
    # The bordereau as it stood when the convocation left, kept with the session.
    register_pdf = models.BinaryField("bordereau d'envoi (PDF)", blank=True, default=b"")

    class Meta:
        verbose_name = "envoi de convocation"
        verbose_name_plural = "envois de convocation"
        ordering = ["session", "sent_at"]

    def __str__(self) -> str:
        return f"Convocation {self.session} envoyée le {self.sent_at:%d/%m/%Y %H:%M}"


class ConvocationReceipt(models.Model):
    """A member's copy of one convocation sending: sent, opened, acknowledged.

    The personal link carries a random token; only its SHA-256 is stored.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", "Courriel"
        PAPER = "paper", "Courrier postal"

    dispatch = models.ForeignKey(
        ConvocationDispatch, on_delete=models.CASCADE, related_name="receipts"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="convocation_receipts"
    )
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="convocation_receipts"
    )
    channel = models.CharField(
        "envoi", max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    email = models.EmailField("adresse", blank=True)
    token_hash = models.CharField("empreinte du lien personnel", max_length=64, blank=True)
    expires_at = models.DateTimeField("lien valable jusqu'au", null=True, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    acknowledged_at = models.DateTimeField("réception confirmée le", null=True, blank=True)
    reminded_at = models.DateTimeField("dernier rappel le", null=True, blank=True)
    failure = models.CharField("échec d'envoi", max_length=300, blank=True)

    class Meta:
        verbose_name = "accusé de convocation"
        verbose_name_plural = "accusés de convocation"
        ordering = ["dispatch", "mandate__role", "mandate__person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "mandate"], name="receipt_one_per_mandate_and_dispatch"
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="receipt_token_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} — {self.dispatch}"


@history_tracked("AttendanceAnswerEvent", exclude=["procuration_pdf"])
class AttendanceAnswer(models.Model):
    """A member's answer before a session: present, excused, pouvoir, or his suppléant sits.

    Given online by the élu from his space, or entered by the secretariat from the paper
    form (`by_secretariat`). Revocable until the session opens; the roll call opens
    pre-filled from the answers (`Attendance.declared`, `Proxy.declared`).
    """

    class Answer(models.TextChoices):
        PRESENT = "present", "Présent"
        EXCUSED = "excused", "Absent et excusé"
        PROXY = "proxy", "Absent, donne pouvoir"
        SUBSTITUTE = "substitute", "Absent, son suppléant siège"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="answers")
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="answers", verbose_name="membre"
    )
    answer = models.CharField("réponse", max_length=10, choices=Answer.choices)
    holder = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers_holding",
        verbose_name="mandataire",
    )
    substitute = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers_substituting",
        verbose_name="suppléant",
    )
    answered_at = models.DateTimeField("répondu le")
    by_secretariat = models.BooleanField(
        "saisi par le secrétariat (formulaire papier)", default=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="saisi par",
    )
    # The procuration (pouvoir écrit, CGCT L2121-20), rendered and signed by the mandant.
    procuration_pdf = models.BinaryField("procuration signée (PDF)", blank=True, default=b"")
    procuration_signed_at = models.DateTimeField("procuration signée le", null=True, blank=True)

    class Meta:
        verbose_name = "réponse à la convocation"
        verbose_name_plural = "réponses à la convocation"
        ordering = ["session", "mandate__role", "mandate__person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "mandate"], name="answer_one_per_mandate"),
            models.CheckConstraint(
                condition=(Q(answer="proxy") & Q(holder__isnull=False))
                | (~Q(answer="proxy") & Q(holder__isnull=True)),
                name="answer_holder_iff_proxy",
            ),
            models.CheckConstraint(
                condition=Q(substitute__isnull=True) | Q(answer="substitute"),
                name="answer_substitute_only_when_substituted",
            ),
            models.CheckConstraint(condition=~Q(holder=F("mandate")), name="answer_not_to_self"),
        ]
        triggers = [frozen_session_children("answer_facts_frozen", "Réponses")]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} — {self.get_answer_display()}"

    def agreed_label(self) -> str:
        """The answer as the member says it of himself, agreed: « Absente et excusée »."""
        label = str(self.get_answer_display())
        if self.mandate.person.civility != Person.Civility.MRS:
            return label
        for word in ("Présent", "Absent", "excusé"):
            label = label.replace(word, f"{word}e")
        return label
