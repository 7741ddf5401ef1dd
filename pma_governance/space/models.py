"""What an élu keeps for himself in his space: his private notes on the projets."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from deliberations.models import Deliberation
from pma_governance.lib import limits
from pma_governance.lib.limits import length_constraint, text_validators


class PrivateNote(models.Model):
    """An élu's note on one projet, read by him only (never the secretariat, API or search).

    Not registered in the admin; selected only by `notes.note_for` / `notes.own_notes`,
    which filter on the account itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_notes"
    )
    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="private_notes"
    )
    text = models.TextField("note", blank=True, validators=text_validators(limits.PRIVATE_NOTE))
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "note personnelle"
        verbose_name_plural = "notes personnelles"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "deliberation"], name="private_note_one_per_projet"
            ),
            length_constraint("text", limits.PRIVATE_NOTE, "private_note_text_length"),
        ]

    def __str__(self) -> str:
        return f"Note personnelle n° {self.pk}"
