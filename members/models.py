"""Bodies, member collectivities, persons and their mandates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pma_governance.lib.actes_numbers import numbering_pattern_problem
from pma_governance.lib.db import history_tracked, insert_only
from pma_governance.lib.limits import text_validators
from pma_governance.lib.siret import validate_siret


class Body(models.Model):
    """A deliberative assembly (e.g. the Comité syndical of the PMA) and its rules."""

    class QuorumFraction(models.TextChoices):
        HALF = "1/2", "Plus de la moitié des membres en exercice"
        THIRD = "1/3", "Au moins un tiers des membres en exercice"

    name = models.CharField("nom", max_length=200, validators=text_validators())
    short_name = models.CharField(
        "sigle",
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Lettres, chiffres et tirets seulement.")],
    )
    assembly_name = models.CharField(
        "assemblée", max_length=120, default="Comité syndical", validators=text_validators()
    )
    legal_form = models.CharField(
        "forme juridique", max_length=120, blank=True, validators=text_validators()
    )
    siren = models.CharField(
        "SIREN", max_length=9, blank=True, validators=[RegexValidator(r"^\d{9}$", "9 chiffres.")]
    )
    # The open-data file (SCDL) requires a SIRET whose INSEE check digit is right.
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    department_code = models.CharField(
        "département",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{2,3}[AB]?$", "Code département, ex. 062.")],
    )
    # @ctes envelope (EnveloppeCLMISILL/Emetteur/IDCL): the arrondissement and the nature of
    # the emitting collectivity, as the prefecture registered them with the transmission.
    actes_arrondissement = models.CharField(
        "arrondissement (@ctes)",
        max_length=1,
        blank=True,
        validators=[RegexValidator(r"^\d$", "Un chiffre, ex. 5 pour Lens (INSEE 625).")],
        help_text="Chiffre de l'arrondissement du siège, ex. 5 pour Lens (code INSEE 625).",
    )
    actes_nature = models.CharField(
        "nature de la collectivité (@ctes)",
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^\d{2}$", "Deux chiffres.")],
        help_text="Code sur deux chiffres fourni avec la convention de télétransmission.",
    )
    actes_return_email = models.EmailField(
        "adresse de retour (@ctes)",
        blank=True,
        help_text="Adresse à laquelle la préfecture renvoie l'accusé de réception.",
    )
    seat_city = models.CharField(
        "ville du siège", max_length=120, blank=True, validators=text_validators()
    )
    address = models.CharField("adresse", max_length=300, blank=True, validators=text_validators())
    administrative_court = models.CharField(
        "tribunal administratif",
        max_length=120,
        blank=True,
        help_text="Ex. : Lille",
        validators=text_validators(),
    )
    president_title = models.CharField(
        "titre du président",
        max_length=120,
        default="président du Syndicat Mixte",
        validators=text_validators(),
    )
    # Rules (statutes): DESIGN §3.
    quorum_fraction = models.CharField(
        "quorum", max_length=3, choices=QuorumFraction.choices, default=QuorumFraction.HALF
    )
    # CGCT L2121-17: proxies do not count toward the quorum unless the statutes say so
    quorum_counts_proxies = models.BooleanField(
        "les pouvoirs comptent pour le quorum", default=False
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        "pouvoirs par mandataire", default=1, validators=[MinValueValidator(1)]
    )
    substitutes_sit = models.BooleanField("les suppléants siègent", default=True)
    convene_substitutes = models.BooleanField(
        "les suppléants sont convoqués",
        default=True,
        help_text="Les statuts prévoient l'envoi de la convocation aux suppléants.",
    )
    numbering_pattern = models.CharField(
        "modèle de numérotation",
        max_length=60,
        default="{year}/{short}{seq:05d}",
        help_text="{year}, {short} et {seq:05d} ; ex. 2023/PMA00192.",
    )
    last_deliberation_sequence = models.PositiveIntegerField(
        "dernier numéro d'ordre attribué", default=0
    )
    convocation_delay_days = models.PositiveSmallIntegerField(
        "délai de convocation (jours francs)", default=5
    )
    statutes_reference = models.CharField(
        "statuts", max_length=300, blank=True, validators=text_validators()
    )

    class Meta:
        verbose_name = "assemblée"
        verbose_name_plural = "assemblées"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_proxies_per_holder__gte=1), name="body_max_proxies_positive"
            ),
            models.CheckConstraint(
                condition=Q(numbering_pattern__contains="{seq"), name="body_numbering_has_seq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assembly_name} — {self.name}"

    def clean(self) -> None:
        # A SIRET is the SIREN followed by the establishment's NIC (INSEE).
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValidationError(
                {"siret": f"Le SIRET doit commencer par le SIREN de l'assemblée ({self.siren})."}
            )
        # ACTES v1.1: NumeroInterne holds at most 15 characters of [A-Za-z0-9_].
        problem = numbering_pattern_problem(self.numbering_pattern, short=self.short_name)
        if problem:
            raise ValidationError({"numbering_pattern": problem})


class MemberEntity(models.Model):
    """A member collectivity of the body (CALL, CABBALR, CAHC, Département…)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="entities")
    name = models.CharField("nom", max_length=200, validators=text_validators())
    short_name = models.CharField("sigle", max_length=40, validators=text_validators())
    seats = models.PositiveSmallIntegerField("sièges de titulaires", default=1)

    class Meta:
        verbose_name = "membre adhérent"
        verbose_name_plural = "membres adhérents"
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "short_name"], name="entity_unique_short_name"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


# Linking a person to an account gives that account the person's signature: who did it and
# when is kept (issue 11).
@history_tracked("PersonEvent")
class Person(models.Model):
    """An elected person who holds or held a mandate."""

    class Civility(models.TextChoices):
        MR = "M.", "M."
        MRS = "Mme", "Mme"

    civility = models.CharField("civilité", max_length=3, choices=Civility.choices)
    first_name = models.CharField(
        "prénom", max_length=100, blank=True, validators=text_validators()
    )
    last_name = models.CharField("nom", max_length=100, validators=text_validators())
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True, validators=text_validators())
    paper_convocation = models.BooleanField(
        "convocation sur papier",
        default=False,
        help_text="L'élu a demandé à recevoir la convocation par courrier (CGCT L2121-10).",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name="compte",
    )

    class Meta:
        verbose_name = "élu"
        verbose_name_plural = "élus"
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def title(self) -> str:
        """« Monsieur » or « Madame »."""
        return "Madame" if self.civility == self.Civility.MRS else "Monsieur"


class Mandate(models.Model):
    """A person's seat in a body for a member entity, as titulaire or suppléant."""

    class Role(models.TextChoices):
        TITULAIRE = "titulaire", "Titulaire"
        SUPPLEANT = "suppleant", "Suppléant"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="mandates")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mandates")
    entity = models.ForeignKey(
        MemberEntity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mandates",
        verbose_name="membre adhérent",
    )
    role = models.CharField("qualité", max_length=10, choices=Role.choices)
    office = models.CharField(
        "fonction",
        max_length=120,
        blank=True,
        help_text="Président, Vice-président…",
        validators=text_validators(),
    )
    start_date = models.DateField("début", default=dt.date(2020, 7, 1))
    end_date = models.DateField("fin", null=True, blank=True)
    external_id = models.SlugField(
        "identifiant d'échange",
        max_length=60,
        help_text="Identifiant stable dans les fichiers d'échange de séance.",
    )
    note = models.CharField("note", max_length=300, blank=True, validators=text_validators())

    class Meta:
        verbose_name = "mandat"
        verbose_name_plural = "mandats"
        ordering = ["body", "role", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "external_id"], name="mandate_unique_external_id"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="mandate_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.get_role_display().lower()})"

    @property
    def name(self) -> str:
        return self.person.full_name

    def is_open_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


@history_tracked("BodyAccessEvent")
class BodyAccess(models.Model):
    """A secretariat or administrator account's access to one body.

    Élus need none: they see the bodies they sit in, from their mandates (DESIGN §1).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="body_accesses"
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="accesses")

    class Meta:
        verbose_name = "accès à une assemblée"
        verbose_name_plural = "accès aux assemblées"
        constraints = [
            models.UniqueConstraint(fields=["user", "body"], name="bodyaccess_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.body.short_name}"


class SecurityEvent(models.Model):
    """An entry of the security journal: a login, a signature, a change of rights…

    Written once: the database refuses any UPDATE or DELETE (issue 11, point 8).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "Connexion"
        LOGIN_FAILED = "login_failed", "Échec de connexion"
        LOCKOUT = "lockout", "Verrouillage après des échecs"
        LOGOUT = "logout", "Déconnexion"
        SIGNATURE = "signature", "Signature"
        TRANSMISSION = "transmission", "Transmission en préfecture"
        PREFECTURE_ACK = "prefecture_ack", "Accusé de réception de la préfecture"
        PUBLICATION = "publication", "Publication"
        ACCESS_GRANTED = "access_granted", "Accès à une assemblée accordé"
        ACCESS_REVOKED = "access_revoked", "Accès à une assemblée retiré"
        PERSON_LINKED = "person_linked", "Élu rattaché à un compte"
        PERSON_UNLINKED = "person_unlinked", "Élu détaché d'un compte"
        GROUPS_CHANGED = "groups_changed", "Groupes d'un compte modifiés"
        PERMISSIONS_CHANGED = "permissions_changed", "Permissions modifiées"
        ACCOUNT_CHANGED = "account_changed", "Statut d'un compte modifié"

    at = models.DateTimeField("quand", default=timezone.now, db_index=True)
    kind = models.CharField("événement", max_length=30, choices=Kind.choices, db_index=True)
    # Who acted. No database constraint: deleting an account must not rewrite the journal.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte",
    )
    # The account's login when the event was written (or the one typed, for a failure).
    username = models.CharField("identifiant", max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    detail = models.TextField("détail", blank=True)

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "journal de sécurité"
        ordering = ["-at", "-pk"]
        # Reading the journal is a right of its own, in no role: superusers, or whom they grant.
        default_permissions = ()
        permissions = [("read_securityevent", "Lire le journal de sécurité")]
        triggers = [
            insert_only(
                "securityevent_insert_only",
                "Journal de sécurité : un événement enregistré ne peut être ni modifié ni "
                "supprimé.",
                "Le journal de sécurité ne s'écrit qu'en ajout.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.username or '?'}"


@history_tracked("SigningCertificateEvent", exclude=["pkcs12"])
class SigningCertificate(models.Model):
    """A person's own signing certificate, registered by an administrator.

    The private key is kept only inside `pkcs12`, encrypted under the holder's passphrase,
    which is never stored: it is typed at each signature. The key is never shown, served
    nor exported (not in the admin, any page, the API or the history). A replaced or
    revoked certificate stays, with the date and the account that revoked it.
    """

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="certificates", verbose_name="titulaire"
    )
    pkcs12 = models.BinaryField("clé et certificat chiffrés (PKCS#12)", editable=False)
    subject = models.CharField("sujet", max_length=500)
    common_name = models.CharField("nom commun", max_length=200)
    issuer = models.CharField("émetteur", max_length=500)
    serial = models.CharField("numéro de série", max_length=80)
    not_before = models.DateTimeField("valide à partir du")
    not_after = models.DateTimeField("valide jusqu'au")
    fingerprint = models.CharField("empreinte SHA-256", max_length=64)
    registered_at = models.DateTimeField("enregistré le", auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="enregistré par",
    )
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoqué par",
    )

    class Meta:
        verbose_name = "certificat de signature"
        verbose_name_plural = "certificats de signature"
        ordering = ["person", "-registered_at"]
        permissions = [
            ("register_signingcertificate", "Peut enregistrer les certificats de signature"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="signingcertificate_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.common_name} ({self.fingerprint[:16]}…)"

    @property
    def fingerprint_display(self) -> str:
        """« AB:CD:… », as certificate viewers show it."""
        return ":".join(self.fingerprint[i : i + 2] for i in range(0, len(self.fingerprint), 2))


class NotificationPreference(models.Model):
    """Whether a person receives one kind of e-mail (`members.notifications.KINDS`).

    No row means the kind's default; convocations are always sent, whatever is stored.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("courriel", max_length=30)
    enabled = models.BooleanField("reçu", default=True)
    changed_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"
        ordering = ["person", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="notification_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.person.full_name} — {self.kind} : {'oui' if self.enabled else 'non'}"
