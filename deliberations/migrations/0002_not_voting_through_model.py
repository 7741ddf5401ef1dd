"""Vote.not_voting gets an explicit through model, VoteNonParticipant, on the same table.

The implicit many-to-many table keeps its rows: only Django's state changes, then its
unnamed unique index becomes the named constraint `votenonparticipant_one_per_member`.
The through model is what the history and immutability triggers attach to.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deliberations", "0001_initial"),
        ("members", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VoteNonParticipant",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "vote",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="non_participants",
                                to="deliberations.vote",
                            ),
                        ),
                        (
                            "mandate",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="non_participations",
                                to="members.mandate",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "membre ne prenant pas part au vote",
                        "verbose_name_plural": "membres ne prenant pas part au vote",
                        "db_table": "deliberations_vote_not_voting",
                        "unique_together": {("vote", "mandate")},
                    },
                ),
                migrations.AlterField(
                    model_name="vote",
                    name="not_voting",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="votes_not_taken_part",
                        through="deliberations.VoteNonParticipant",
                        to="members.mandate",
                        verbose_name="ne prenant pas part au vote",
                    ),
                ),
            ],
            database_operations=[],
        ),
        # Drop the implicit table's unique index before adding the named one on the same columns.
        migrations.AlterUniqueTogether(name="votenonparticipant", unique_together=set()),
        migrations.AddConstraint(
            model_name="votenonparticipant",
            constraint=models.UniqueConstraint(
                fields=("vote", "mandate"), name="votenonparticipant_one_per_member"
            ),
        ),
    ]
