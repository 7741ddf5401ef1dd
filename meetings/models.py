"""Sessions, their roll call, proxies, ordre du jour and procès-verbal."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from meetings.triggers import (
    PV_SEARCH_RESET,
    PV_STATUS_RANKS,
    frozen_session_children,
    pv_search_vector,
    signed_act_needs_frozen_session,
)
from members.models import Body, Mandate
from pma_governance.lib import limits
from pma_governance.lib.db import (
    FACTS_FROZEN_MESSAGE,
    RETURN_ROW,
    FreezeTrigger,
    history_tracked,
    signed_act_frozen,
    sql_day,
    sql_raise,
)
from pma_governance.lib.limits import length_constraint, text_validators

# A signed (or adopted) PV not yet online: what the secretariat may publish.
PV_PUBLISHABLE_STATUSES = ("signed", "adopted")


@history_tracked("SessionEvent")
class Session(models.Model):
    """A séance of a body's assembly."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", "Ordinaire"
        EXTRAORDINARY = "extraordinary", "Extraordinaire"

    class Status(models.TextChoices):
        PLANNED = "planned", "Programmée"
        CONVENED = "convened", "Convoquée"
        HELD = "held", "Tenue"
        CLOSED = "closed", "Close"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField("date")
    start_time = models.TimeField("heure d'ouverture", null=True, blank=True)
    end_time = models.TimeField("heure de clôture", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True, validators=text_validators())
    kind = models.CharField("nature", max_length=15, choices=Kind.choices, default=Kind.ORDINARY)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PLANNED)
    convened_on = models.DateField("date de convocation", null=True, blank=True)
    convocation_sent_at = models.DateTimeField("convocation envoyée le", null=True, blank=True)
    president = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presided_sessions",
        verbose_name="président de séance",
    )
    secretary = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretary_sessions",
        verbose_name="secrétaire de séance",
    )
    reconvenes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reconvened_by",
        verbose_name="reconvoquée après la séance",
        help_text="Séance sans quorum dont celle-ci reprend les points (CGCT L2121-17).",
    )
    electronic_vote = models.BooleanField(
        "vote électronique",
        default=False,
        db_default=False,
        help_text="Les élus présents votent depuis leur appareil ; le secrétariat ouvre et "
        "clôt chaque scrutin sur l'écran de séance.",
    )
    facts_frozen_at = models.DateTimeField(
        "faits figés le",
        null=True,
        blank=True,
        editable=False,
        help_text="Posée à la signature du procès-verbal ou d'une délibération de la séance : "
        "présences, pouvoirs, ordre du jour et votes ne changent plus.",
    )

    class Meta:
        verbose_name = "séance"
        verbose_name_plural = "séances"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="session_unique_body_date"),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(convened_on__isnull=True) | Q(convened_on__lte=F("date")),
                name="session_convened_before",
            ),
            models.CheckConstraint(
                condition=~Q(reconvenes=F("id")), name="session_not_reconvening_itself"
            ),
        ]
        triggers = [
            # The session's stated columns freeze with its acts; only its lifecycle moves on.
            FreezeTrigger(
                name="session_facts_frozen",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=pgtrigger.Func(
                    "IF OLD.facts_frozen_at IS NOT NULL THEN "
                    "IF TG_OP = 'DELETE' THEN "
                    + sql_raise(
                        FACTS_FROZEN_MESSAGE + " La séance du ",
                        sql_day('OLD."date"') + " || ' ne peut être supprimée.'",
                    )
                    + " END IF; "
                    "IF NEW.facts_frozen_at IS DISTINCT FROM OLD.facts_frozen_at THEN "
                    + sql_raise(
                        "Les faits de la séance du ",
                        sql_day('OLD."date"')
                        + " || ' sont figés depuis la signature : cela ne peut être annulé.'",
                    )
                    + " END IF; "
                    "IF (to_jsonb(NEW) - ARRAY['status', 'convocation_sent_at']) "
                    "IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'convocation_sent_at']) "
                    "THEN "
                    + sql_raise(
                        FACTS_FROZEN_MESSAGE + " Séance du ",
                        sql_day('OLD."date"')
                        + " || ' : date, heures, lieu, présidence et secrétariat sont figés.'",
                    )
                    + " END IF; END IF; "
                    + RETURN_ROW
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name} — séance du {self.date:%d/%m/%Y}"

    @property
    def agenda_locked_reason(self) -> str:
        """Why the ordre du jour can no longer change, in French, or ""."""
        if self.facts_frozen_at is not None:
            # DESIGN §4.6: the facts stated by a signed act never change.
            return (
                "Un acte de cette séance est signé : son ordre du jour est figé "
                "(une correction passe par un erratum)."
            )
        if self.status == Session.Status.CLOSED:
            return "La séance est close : son ordre du jour ne peut plus être modifié."
        return ""


@history_tracked("AgendaItemEvent")
class AgendaItem(models.Model):
    """An item of the ordre du jour."""

    class Kind(models.TextChoices):
        PV_ADOPTION = "pv_adoption", "Adoption du procès-verbal"
        INFORMATION = "information", "Information"
        DELIBERATION = "deliberation", "Délibération"
        QUESTIONS = "questions_diverses", "Questions diverses"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField("rang")
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    title = models.CharField("intitulé", max_length=400, validators=text_validators())
    rapporteur = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_items",
        verbose_name="rapporteur",
    )
    debate_summary = models.TextField(
        "compte rendu des débats", blank=True, validators=text_validators(limits.DEBATE)
    )
    carried_over = models.BooleanField(
        "reporté d'une séance sans quorum",
        default=False,
        help_text="Point reporté : délibère sans condition de quorum (CGCT L2121-17).",
    )
    adopts_pv = models.ForeignKey(
        "ProcesVerbal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_by_items",
        verbose_name="procès-verbal adopté",
    )

    class Meta:
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"],
                name="item_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="item_position_positive"),
            length_constraint("debate_summary", limits.DEBATE, "item_debate_length"),
        ]
        triggers = [
            frozen_session_children("agendaitem_facts_frozen", "Ordre du jour"),
            # The PV's search vector holds the titles and debates of its session's items.
            pgtrigger.Trigger(
                name="agendaitem_pv_search_refresh",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func=pgtrigger.Func(
                    "IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ("
                    "OLD.session_id <> NEW.session_id OR OLD.title IS DISTINCT FROM NEW.title "
                    "OR OLD.debate_summary IS DISTINCT FROM NEW.debate_summary)) THEN "
                    f"{PV_SEARCH_RESET} WHERE session_id = OLD.session_id; END IF; "
                    "IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.session_id <> NEW.session_id) "
                    f"THEN {PV_SEARCH_RESET} WHERE session_id = NEW.session_id; END IF; "
                    "RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_voted(self) -> bool:
        return self.kind in {self.Kind.PV_ADOPTION, self.Kind.DELIBERATION}


@history_tracked("AttendanceEvent")
class Attendance(models.Model):
    """A mandate's attendance at a session (présent, excusé, absent)."""

    class Status(models.TextChoices):
        PRESENT = "present", "Présent"
        EXCUSED = "excused", "Excusé"
        ABSENT = "absent", "Absent"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(
        "présence", max_length=10, choices=Status.choices, default=Status.ABSENT
    )
    seated = models.BooleanField(
        "suppléant siégeant", default=False, help_text="Le suppléant vote pour un titulaire absent."
    )
    replaces = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_in",
        verbose_name="siège pour",
    )
    arrived_at = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arrivals",
        verbose_name="arrivé au point",
    )
    left_at = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="departures",
        verbose_name="parti avant le point",
    )
    # Pre-filled from the member's own answer before the session (issue 12): the roll call
    # shows it as « déclaré » until the secretariat confirms or changes it.
    declared = models.BooleanField("déclaré par le membre, à confirmer", default=False)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["session", "mandate__role", "mandate__person__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "mandate"], name="attendance_one_per_mandate"
            ),
            models.UniqueConstraint(
                fields=["session", "replaces"],
                condition=Q(replaces__isnull=False),
                name="attendance_one_substitute_per_titulaire",
            ),
            models.CheckConstraint(
                condition=~Q(replaces=F("mandate")), name="attendance_not_replacing_self"
            ),
            models.CheckConstraint(
                condition=Q(seated=False) | Q(status="present"),
                name="attendance_seated_is_present",
            ),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | Q(seated=True),
                name="attendance_replaces_only_when_seated",
            ),
            models.CheckConstraint(
                condition=(Q(arrived_at__isnull=True) & Q(left_at__isnull=True))
                | Q(status="present"),
                name="attendance_moves_only_when_present",
            ),
        ]
        triggers = [frozen_session_children("attendance_facts_frozen", "Présences")]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} — {self.get_status_display()}"


@history_tracked("ProxyEvent")
class Proxy(models.Model):
    """A proxy (pouvoir) given by an absent member to a present one."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="proxies_given", verbose_name="mandant"
    )
    holder = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="proxies_held", verbose_name="mandataire"
    )
    received_on = models.DateField("reçu le", null=True, blank=True)
    from_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxies_from",
        verbose_name="à partir du point",
        help_text="Pour un membre qui quitte la séance en cours.",
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name="même pouvoir que pour la séance",
        help_text="Un pouvoir vaut au plus trois séances consécutives (CGCT L2121-20).",
    )
    illness = models.BooleanField("maladie dûment constatée", default=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    # Pre-filled from a pouvoir given online before the session (issue 12), to confirm.
    declared = models.BooleanField("déclaré avant la séance, à confirmer", default=False)
    answer = models.ForeignKey(
        "AttendanceAnswer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxies",
        verbose_name="réponse d'origine",
    )

    class Meta:
        verbose_name = "pouvoir"
        verbose_name_plural = "pouvoirs"
        ordering = ["session", "giver__person__last_name"]
        constraints = [
            # CGCT L2121-20: a member gives one proxy per session, never to himself.
            models.UniqueConstraint(
                fields=["session", "giver"],
                condition=Q(revoked_at__isnull=True),
                name="proxy_one_active_per_giver",
            ),
            models.CheckConstraint(condition=~Q(giver=F("holder")), name="proxy_not_to_self"),
        ]
        triggers = [frozen_session_children("proxy_facts_frozen", "Pouvoirs")]

    def __str__(self) -> str:
        return (
            f"{self.giver.person.full_name} ayant donné procuration à "
            f"{self.holder.person.full_name}"
        )

    @property
    def consecutive_sessions(self) -> int:
        count, current = 1, self.carried_from
        while current is not None and count <= 10:
            count, current = count + 1, current.carried_from
        return count


@history_tracked("DeportEvent")
class Deport(models.Model):
    """A member's déport: he declares he takes no part in the debate and vote on an item."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="deports")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="deports", verbose_name="point"
    )
    mandate = models.ForeignKey(
        Mandate, on_delete=models.PROTECT, related_name="deports", verbose_name="membre"
    )
    reason = models.CharField(
        "motif",
        max_length=limits.NOT_VOTING_REASON,
        help_text="Ex. : présidente de l'Agence d'urbanisme de l'Artois.",
        validators=text_validators(),
    )
    by_secretariat = models.BooleanField("saisi par le secrétariat", default=False)
    declared_at = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        verbose_name = "déport"
        verbose_name_plural = "déports"
        ordering = ["item__position", "mandate__person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "mandate"], name="deport_one_per_item"),
            models.CheckConstraint(condition=~Q(reason=""), name="deport_reason_given"),
        ]
        # CGCT L2131-11: the déports stated by a signed act never change.
        triggers = [frozen_session_children("deport_facts_frozen", "Déports")]

    def __str__(self) -> str:
        return f"{self.mandate.person.full_name} se déporte sur « {self.item.title} »"


@history_tracked("ProcesVerbalEvent", exclude=["search_vector"])
class ProcesVerbal(models.Model):
    """The procès-verbal (minutes) of a session (CGCT L2121-15)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Projet"
        SIGNED = "signed", "Signé"
        ADOPTED = "adopted", "Adopté"
        PUBLISHED = "published", "Publié"

    session = models.OneToOneField(Session, on_delete=models.PROTECT, related_name="pv")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT)
    preamble = models.TextField("préambule", blank=True, validators=text_validators(limits.PV_TEXT))
    closing_text = models.TextField(
        "clôture", blank=True, validators=text_validators(limits.PV_TEXT)
    )
    version = models.PositiveIntegerField("version", default=1)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifié par",
    )
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    frozen_facts = models.JSONField("faits figés à la signature", null=True, blank=True)
    deposited_on = models.DateField("déposé en préfecture le", null=True, blank=True)
    published_on = models.DateField("publié le", null=True, blank=True)
    # Derived from the texts by the database (pv_search_vector): never written by the app.
    search_vector = SearchVectorField("index de recherche", null=True, editable=False)

    class Meta:
        verbose_name = "procès-verbal"
        verbose_name_plural = "procès-verbaux"
        ordering = ["-session__date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False),
                name="pv_signed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | ~Q(status="draft"),
                name="pv_published_after_signature",
            ),
            length_constraint("preamble", limits.PV_TEXT, "pv_preamble_length"),
            length_constraint("closing_text", limits.PV_TEXT, "pv_closing_text_length"),
        ]
        permissions = [
            ("sign_procesverbal", "Peut signer les procès-verbaux"),
            ("publish_procesverbal", "Peut publier les procès-verbaux"),
        ]
        triggers = [
            signed_act_frozen(
                "pv_signed_frozen",
                ranks=PV_STATUS_RANKS,
                mutable=[
                    "status",
                    "updated_at",
                    "updated_by_id",
                    "deposited_on",
                    "published_on",
                    # Derived data, not a fact: it may be computed again (new configuration).
                    "search_vector",
                ],
                subject="Procès-verbal de la séance du ",
                subject_sql=(
                    "(SELECT " + sql_day('s."date"') + " FROM meetings_session s "
                    "WHERE s.id = OLD.session_id)"
                ),
            ),
            signed_act_needs_frozen_session(
                "pv_signed_session_frozen",
                session_sql="NEW.session_id",
                signed_sql="NEW.status <> 'draft'",
                message="Le procès-verbal est signé mais les faits de sa séance ne sont pas "
                "figés : signez-le par le service de signature, qui fige la séance avec lui.",
            ),
            pv_search_vector(),
        ]
        indexes = [GinIndex(fields=["search_vector"], name="pv_search_gin")]

    def __str__(self) -> str:
        return f"Procès-verbal de la séance du {self.session.date:%d/%m/%Y}"

    @property
    def is_signed(self) -> bool:
        """Signed by the president and the secretary (then adopted, published): frozen."""
        return self.status != ProcesVerbal.Status.DRAFT

    @property
    def is_publishable(self) -> bool:
        """Signed and not yet online (CGCT R2131-1)."""
        return self.status in PV_PUBLISHABLE_STATUSES


# The convening of members before a session (issue 12): its own module, same app.
from meetings import convening_models  # noqa: E402

AttendanceAnswer = convening_models.AttendanceAnswer
ConvocationDispatch = convening_models.ConvocationDispatch
ConvocationReceipt = convening_models.ConvocationReceipt
