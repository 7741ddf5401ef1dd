"""Deliberations (acts), their votes, the visa library and prefecture follow-up."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from deliberations.actes import MATIERE_CHOICES, NATURE_CHOICES
from deliberations.triggers import (
    DELIBERATION_STATUS_RANKS,
    SIGNED_SQL,
    annex_frozen_with_act,
    deliberation_search_vector,
    frozen_vote,
    frozen_vote_detail,
)
from deliberations.triggers import (
    SIGNED_STATUSES as SIGNED_STATUSES,  # the statuses of a signed act, for every reader
)
from meetings.models import AgendaItem, ProcesVerbal, Session
from meetings.triggers import signed_act_needs_frozen_session
from members.models import Body, Mandate, SigningCertificate
from pma_governance.lib import limits
from pma_governance.lib.db import (
    history_tracked,
    insert_only,
    signed_act_frozen,
)
from pma_governance.lib.limits import VisasBounds, length_constraint, text_validators

# Signed, not yet online: what the secretariat may publish (CGCT R2131-1).
PUBLISHABLE_STATUSES = ("signed", "transmitted")
ACK_IDENTIFIER_RE = r"^\d{3}-\d{9}-\d{8}-[A-Za-z0-9_]+-(DE|AR|AI|CC|BF|AU)$"


class VisaTemplate(models.Model):
    """A reusable visa (« VU le Code général… ») in a body's library."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="visa_templates")
    text = models.TextField(
        "texte du visa",
        help_text="Sans « VU » ni point-virgule final.",
        validators=text_validators(limits.VISA),
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "visa type"
        verbose_name_plural = "visas types"
        ordering = ["body", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "text"], name="visatemplate_unique_text"),
            length_constraint("text", limits.VISA, "visatemplate_text_length"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


@history_tracked("DeliberationEvent", exclude=["search_vector"])
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
    title = models.CharField("objet", max_length=400, validators=text_validators())
    nature = models.CharField("nature ACTES", max_length=1, choices=NATURE_CHOICES, default="1")
    matiere = models.CharField("matière ACTES", max_length=8, choices=MATIERE_CHOICES)
    visas = models.JSONField("visas", default=list, blank=True, validators=[VisasBounds()])
    considerants = models.TextField(
        "considérants / exposé", blank=True, validators=text_validators(limits.CONSIDERANTS)
    )
    dispositif = models.TextField("dispositif", validators=text_validators(limits.DISPOSITIF))
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
    # Derived from the texts by the database (deliberation_search_vector), never by the app.
    search_vector = SearchVectorField("index de recherche", null=True, editable=False)

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
            models.CheckConstraint(
                condition=Q(status__in=["draft", "voted"]) | Q(signed_at__isnull=False),
                name="deliberation_signed_has_date",
            ),
            length_constraint(
                "considerants", limits.CONSIDERANTS, "deliberation_considerants_length"
            ),
            length_constraint("dispositif", limits.DISPOSITIF, "deliberation_dispositif_length"),
        ]
        permissions = [
            ("sign_deliberation", "Peut signer les délibérations"),
            ("transmit_deliberation", "Peut transmettre les délibérations en préfecture"),
            ("publish_deliberation", "Peut publier les délibérations"),
        ]
        triggers = [
            # Once signed: texts, number and vote columns are frozen; the lifecycle moves on.
            signed_act_frozen(
                "deliberation_signed_frozen",
                ranks=DELIBERATION_STATUS_RANKS,
                mutable=[
                    "status",
                    "prefecture_sent_on",
                    "prefecture_received_on",
                    "prefecture_identifier",
                    "published_on",
                    # Derived data, not a fact: it may be computed again (new configuration).
                    "search_vector",
                ],
                subject="Délibération n° ",
                subject_sql="COALESCE(OLD.number, '')",
            ),
            signed_act_needs_frozen_session(
                "deliberation_signed_session_frozen",
                session_sql="(SELECT i.session_id FROM meetings_agendaitem i WHERE i.id = NEW.item_id)",
                signed_sql=f"NEW.status IN {SIGNED_SQL}",
                message="La délibération est signée mais les faits de sa séance ne sont pas "
                "figés : signez-la par le service de signature, qui fige la séance avec elle.",
            ),
            deliberation_search_vector(),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="deliberation_search_gin")]

    def __str__(self) -> str:
        return f"{self.number or 'Projet'} — {self.title}"

    @property
    def is_signed(self) -> bool:
        """Signed (then transmitted, published): its texts and facts are frozen."""
        return self.status in SIGNED_STATUSES

    @property
    def is_publishable(self) -> bool:
        """Signed and not yet online (CGCT R2131-1)."""
        return self.status in PUBLISHABLE_STATUSES


class AgendaItemSearch(AgendaItem):
    """An agenda item seen by the search: its debate is part of its deliberation's vector.

    A proxy, so that this trigger on the meetings table lives with the deliberations.
    """

    class Meta:
        proxy = True
        verbose_name = "point de l'ordre du jour (recherche)"
        verbose_name_plural = "points de l'ordre du jour (recherche)"
        default_permissions = ()
        triggers = [
            pgtrigger.Trigger(
                name="agendaitem_deliberation_search_refresh",
                when=pgtrigger.After,
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.debate_summary IS DISTINCT FROM NEW.debate_summary"
                ),
                func=pgtrigger.Func(
                    "UPDATE deliberations_deliberation SET search_vector = NULL "
                    "WHERE item_id = NEW.id; RETURN NULL;"
                ),
            ),
        ]


@history_tracked("VoteEvent")
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
        through="VoteNonParticipant",
        blank=True,
        related_name="votes_not_taken_part",
        verbose_name="ne prenant pas part au vote",
    )
    not_voting_reason = models.CharField(
        "motif (ne prenant pas part au vote)",
        max_length=300,
        blank=True,
        help_text="Ex. : présidente de l'Agence d'urbanisme de l'Artois (AULA).",
        validators=text_validators(),
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
        triggers = [frozen_vote()]

    def __str__(self) -> str:
        return f"Vote sur « {self.item.title} »"

    @property
    def expressed(self) -> int:
        return self.votes_for + self.votes_against


@history_tracked("NamedVoteEvent")
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
        triggers = [frozen_vote_detail("namedvote_facts_frozen")]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} : {self.get_choice_display()}"


@history_tracked("VoteNonParticipantEvent")
class VoteNonParticipant(models.Model):
    """A member not taking part in a vote (CGCT L2131-11), named in the act."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="non_participants")
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="non_participations"
    )

    class Meta:
        # The table Django created for the former implicit many-to-many: its rows are kept.
        db_table = "deliberations_vote_not_voting"
        verbose_name = "membre ne prenant pas part au vote"
        verbose_name_plural = "membres ne prenant pas part au vote"
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "mandate"], name="votenonparticipant_one_per_member"
            ),
        ]
        triggers = [frozen_vote_detail("votenonparticipant_facts_frozen")]

    def __str__(self) -> str:
        return f"{self.mandate} ne prenant pas part au vote"


class SignedDocument(models.Model):
    """A signed PDF exactly as signed: stored once with its SHA-256, served as is.

    The bytes live in the database (BinaryField), not under MEDIA_ROOT: they are written in
    the same transaction as the act's « signed » status and the session's freeze, so a
    rolled-back signature leaves no orphan file and a signed act never lacks its PDF; the
    insert-only trigger guards the bytes too, and a database backup holds the whole register.
    """

    class Kind(models.TextChoices):
        PV = "pv", "Procès-verbal"
        DELIBERATION = "deliberation", "Délibération"
        # The signed act with the body's sealed stamp: received in prefecture, published.
        EXECUTOIRE = "executoire", "Copie exécutoire tamponnée"
        LISTE = "liste", "Liste des délibérations"
        CONVOCATION = "convocation", "Convocation"

    kind = models.CharField("document", max_length=20, choices=Kind.choices)
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_documents",
        verbose_name="séance",
    )
    deliberation = models.ForeignKey(
        Deliberation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_documents",
        verbose_name="délibération",
    )
    pdf = models.BinaryField("PDF signé")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    signed_at = models.DateTimeField("signé le")
    signatories = models.JSONField(
        "signataires", default=list, help_text="Dans l'ordre des signatures."
    )

    class Meta:
        verbose_name = "document signé"
        verbose_name_plural = "documents signés"
        ordering = ["-signed_at"]
        constraints = [
            # A deliberation (and its stamped copy) stands on its own; the other documents
            # belong to a session.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["deliberation", "executoire"],
                        deliberation__isnull=False,
                        session__isnull=True,
                    )
                    | (
                        ~Q(kind__in=["deliberation", "executoire"])
                        & Q(session__isnull=False, deliberation__isnull=True)
                    )
                ),
                name="signeddocument_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "session", "deliberation"],
                nulls_distinct=False,
                name="signeddocument_one_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="signeddocument_sha256_hex"
            ),
        ]
        triggers = [
            insert_only(
                "signeddocument_insert_only",
                "Document signé : il est conservé tel qu'il a été signé et ne peut être ni "
                "modifié ni supprimé.",
                hint="Une correction passe par un erratum ou par un nouvel acte.",
            ),
        ]

    def __str__(self) -> str:
        subject = self.deliberation or self.session
        return f"{self.get_kind_display()} signé — {subject}"


@history_tracked("ErratumEvent")
class Erratum(models.Model):
    """An erratum correcting a signed deliberation or procès-verbal, which never changes."""

    deliberation = models.ForeignKey(
        Deliberation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="errata",
        verbose_name="délibération corrigée",
    )
    pv = models.ForeignKey(
        ProcesVerbal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="errata",
        verbose_name="procès-verbal corrigé",
    )
    text = models.TextField("texte de l'erratum", validators=text_validators(limits.ERRATUM))
    date = models.DateField("date")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établi par",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "erratum"
        verbose_name_plural = "errata"
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deliberation__isnull=False, pv__isnull=True)
                | Q(deliberation__isnull=True, pv__isnull=False),
                name="erratum_corrects_one_act",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="erratum_has_text"),
            length_constraint("text", limits.ERRATUM, "erratum_text_length"),
        ]
        triggers = [
            insert_only(
                "erratum_insert_only",
                "Un erratum enregistré ne peut être ni modifié ni supprimé.",
                hint="Pour le corriger, enregistrez un nouvel erratum.",
            ),
        ]

    def __str__(self) -> str:
        return f"Erratum du {self.date:%d/%m/%Y} — {self.deliberation or self.pv}"


@history_tracked("DeliberationAnnexEvent", exclude=["content"])
class DeliberationAnnex(models.Model):
    """A document annexed to a deliberation and transmitted with it to the prefecture."""

    deliberation = models.ForeignKey(
        Deliberation, on_delete=models.CASCADE, related_name="annexes", verbose_name="délibération"
    )
    position = models.PositiveSmallIntegerField("rang", default=1)
    title = models.CharField("intitulé", max_length=300, validators=text_validators())
    filename = models.CharField("nom du fichier", max_length=150, validators=text_validators())
    content_type = models.CharField("type de fichier", max_length=100, default="application/pdf")
    content = models.BinaryField("contenu")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    added_at = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "annexe"
        verbose_name_plural = "annexes"
        ordering = ["deliberation", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliberation", "filename"], name="annex_unique_filename"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="annex_sha256_hex"
            ),
        ]
        triggers = [
            # An annex of a signed act stays as it was; none is added once the act is sent.
            annex_frozen_with_act(),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.filename})"


class SignatureConsent(models.Model):
    """A signatory's signature of a PV or a deliberation, given from his own account with his
    own certificate (documents.consents): the first one's PDF waits here for the other."""

    class Role(models.TextChoices):
        PRESIDENT = "president", "Président de séance"
        SECRETARY = "secretary", "Secrétaire de séance"

    kind = models.CharField("document", max_length=20, choices=SignedDocument.Kind.choices)
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="signature_consents",
        verbose_name="séance",
    )  # fmt: skip
    deliberation = models.ForeignKey(
        Deliberation, models.CASCADE, null=True, blank=True, related_name="signature_consents",
        verbose_name="délibération",
    )  # fmt: skip
    role = models.CharField("en qualité de", max_length=10, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signature_consents",
        verbose_name="compte",
    )
    given_at = models.DateTimeField("signé le", auto_now_add=True)
    # The passphrase is not kept: signed at once, with the digest of the facts it states.
    certificate = models.ForeignKey(
        SigningCertificate, models.PROTECT, null=True, blank=True, verbose_name="certificat"
    )
    partial_pdf = models.BinaryField("PDF signé par ce seul signataire", null=True, editable=False)
    facts_sha256 = models.CharField("empreinte des faits signés", max_length=64, blank=True)

    class Meta:
        verbose_name = "signature donnée"
        verbose_name_plural = "signatures données"
        ordering = ["given_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="deliberation", deliberation__isnull=False, session__isnull=True)
                    | (Q(kind="pv") & Q(session__isnull=False, deliberation__isnull=True))
                ),
                name="signatureconsent_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "session", "deliberation", "role"],
                nulls_distinct=False,
                name="signatureconsent_one_per_role",
            ),
            # The president and the secretary are two people, so two accounts.
            models.UniqueConstraint(
                fields=["kind", "session", "deliberation", "user"],
                nulls_distinct=False,
                name="signatureconsent_one_role_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} : {self.user}"
