"""What the room display and the élus' devices follow during a session."""

from __future__ import annotations

from django.db import models

from meetings.models import AgendaItem, Session


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
