"""A synthetic but plausible archive: bodies, people and the French texts of their acts.

Pure functions over a `random.Random` (no database): the same seed gives the same
archive. `manage.py generate_archive` writes what they produce; the search benchmark
and the tests read it. The texts are built from templates and vocabulary banks by
theme (finances, urbanisme, mobilité, environnement, personnel…), so that common words
(« convention », « subvention »), rarer ones (« chiroptères », « méthanisation »), place
names with accents (« Béthune ») and numbers all occur with realistic frequencies.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from deliberations.majority import Tally, VoteOutcome, decide
from pma_governance.lib.wording import (
    MONTHS,
    amount,
    capfirst,
    date_in_words,
    long_date,
    of,
    of_the,
    time_in_words,
)

# --- Vocabulary --------------------------------------------------------------------------


EPCI_KINDS = ["Communauté d'agglomération", "Communauté de communes"]


def _words(text: str) -> list[str]:
    """A vocabulary bank written compactly: « Lens|Liévin|Hénin-Beaumont »."""
    return text.split("|")


COMMUNES = _words(
    "Lens|Liévin|Hénin-Beaumont|Carvin|Béthune|Bruay-la-Buissière|Arras|Saint-Omer|"
    "Boulogne-sur-Mer|Calais|Montreuil-sur-Mer|Hesdin|Avion|Harnes|Noyelles-Godault|"
    "Courrières|Oignies|Méricourt|Sallaumines|Loos-en-Gohelle|Grenay|Bully-les-Mines|"
    "Mazingarbe|Wingles|Vendin-le-Vieil|Auchel|Lillers|Isbergues|Aire-sur-la-Lys|Fruges|"
    "Frévent|Saint-Pol-sur-Ternoise|Bapaume|Avesnes-le-Comte|Marquion|Vitry-en-Artois|"
    "Douvrin|Haisnes|Beuvry|Nœux-les-Mines|Divion|Houdain|Barlin|Marles-les-Mines|"
    "Calonne-Ricouart|Étaples|Le Touquet-Paris-Plage|Berck|Outreau|Le Portel|Desvres|"
    "Marquise|Guînes|Ardres|Audruicq|Oye-Plage|Arques|Longuenesse|Lumbres|Fauquembergues|"
    "Évin-Malmaison|Courcelles-lès-Lens|Dourges|Montigny-en-Gohelle|Rouvroy|Leforest"
)
TERRITORIES = [
    ("de l'Artois", "ART"),
    ("du Ternois", "TER"),
    ("des Sept Vallées", "SV"),
    ("du Montreuillois", "MON"),
    ("de la Lys romane", "LR"),
    ("du Calaisis", "CAL"),
    ("du Boulonnais", "BOU"),
    ("du Pays de Saint-Omer", "PSO"),
    ("de Béthune-Bruay", "BB"),
    ("d'Hénin-Carvin", "HC"),
    ("de Lens-Liévin", "LL"),
    ("des Deux Caps", "DC"),
    ("du Haut Pays", "HP"),
    ("des Campagnes de l'Artois", "CA"),
    ("d'Osartis-Marquion", "OM"),
    ("du Sud-Artois", "SA"),
    ("de la Canche et de l'Authie", "CAU"),
    ("de la Gohelle", "GOH"),
    ("du Pays d'Opale", "PO"),
    ("de l'Audomarois", "AUD"),
    ("du Bassin minier", "BM"),
    ("de la Flandre intérieure", "FI"),
    ("du Pays de Lumbres", "PL"),
    ("de la Scarpe", "SC"),
]
BODY_KINDS = [
    # name prefix, short prefix, assembly, legal form, president title
    (
        "Pôle métropolitain",
        "PM",
        "Comité syndical",
        "syndicat mixte ouvert",
        "président du Pôle métropolitain",
    ),
    (
        "Communauté d'agglomération",
        "CA",
        "Conseil communautaire",
        "communauté d'agglomération",
        "président de la Communauté d'agglomération",
    ),
    (
        "Communauté de communes",
        "CC",
        "Conseil communautaire",
        "communauté de communes",
        "président de la Communauté de communes",
    ),
    (
        "Syndicat mixte des transports",
        "SMT",
        "Comité syndical",
        "syndicat mixte fermé",
        "président du Syndicat mixte",
    ),
    (
        "Syndicat intercommunal des eaux",
        "SIE",
        "Comité syndical",
        "syndicat intercommunal",
        "président du Syndicat intercommunal",
    ),
    (
        "Syndicat mixte de traitement des déchets",
        "SMD",
        "Comité syndical",
        "syndicat mixte fermé",
        "président du Syndicat mixte",
    ),
    (
        "Syndicat mixte du SCoT",
        "SCOT",
        "Comité syndical",
        "syndicat mixte fermé",
        "président du Syndicat mixte",
    ),
]
FIRST_NAMES = {
    "M.": _words(
        "Alain|Bernard|Christophe|Daniel|Éric|François|Gérard|Hervé|Jacques|Jean-Marc|"
        "Laurent|Marc|Nicolas|Olivier|Patrick|Philippe|Pierre|Stéphane|Thierry|Yves|"
        "Bruno|Didier|Frédéric|Michel|Sylvain|Benoît|Jérôme|Ludovic|Cédric|André"
    ),
    "Mme": _words(
        "Anne|Brigitte|Catherine|Christine|Corinne|Delphine|Élisabeth|Françoise|Hélène|"
        "Isabelle|Karine|Laurence|Marie|Martine|Nathalie|Pascale|Sabine|Sandrine|Sophie|"
        "Sylvie|Valérie|Véronique|Béatrice|Céline|Maryse|Agnès|Josiane|Nadine"
    ),
}
LAST_NAMES = _words(
    "Bavay|Laversin|Duporge|Lefebvre|Dupont|Leroy|Lemaire|Delattre|Vasseur|Caron|Dufour|"
    "Delannoy|Lecomte|Deprez|Carpentier|Dhaussy|Wallart|Boulanger|Delcroix|Hochart|"
    "Lefranc|Merlin|Baillet|Tison|Fontaine|Desmarets|Roussel|Lebrun|Debruyne|Vandamme|"
    "Kaczmarek|Nowak|Wozniak|Lewandowski|Dubois|Mercier|Bertin|Hennebelle|Cousin|"
    "Delplace|Ducrocq|Evrard|Flament|Gosselin|Huchette|Jacquart|Lagache|Maes|Noël|Obert|"
    "Pruvost|Quéval|Ramery|Sergeant|Tellier|Urbain|Verdière|Wattebled|Yvart|Zielinski|"
    "Théret|Bécourt"
)
PARTNERS = _words(
    "l'Office de tourisme intercommunal|la Mission locale|"
    "l'Agence d'urbanisme de l'Artois (AULA)|la Maison de l'emploi|"
    "le Centre social Jean Jaurès|l'association Les Amis du patrimoine minier|"
    "la Mission Bassin Minier|l'Agence de l'eau Artois-Picardie|"
    "le Conservatoire d'espaces naturels|l'association Initiative Artois|"
    "le Comité départemental olympique et sportif|l'école de musique intercommunale|"
    "la Chambre de commerce et d'industrie|la Chambre d'agriculture|"
    "le Parc naturel régional des Caps et Marais d'Opale|l'Établissement public foncier|"
    "la Fondation du patrimoine|l'ADEME|le Groupement d'intérêt public Euralens|"
    "l'association Nord Nature Environnement"
)
FUNDERS = _words(
    "la Région Hauts-de-France|le Département du Pas-de-Calais|l'État (DSIL)|"
    "l'Union européenne (FEDER)|la Banque des Territoires|"
    "l'Agence nationale de la cohésion des territoires|l'Agence de l'eau Artois-Picardie|"
    "l'ADEME"
)
BANKS = _words(
    "la Banque des Territoires|la Caisse d'Épargne Hauts-de-France|"
    "le Crédit Agricole Nord de France|La Banque Postale|le Crédit Mutuel Nord Europe|"
    "l'Agence France Locale"
)
COMPANIES = _words(
    "Eiffage Route Nord-Est|Colas France|SAS Travaux du Nord|SARL Artois Paysage|"
    "Ramery Bâtiment|Veolia Eau|Suez RV Nord-Est|Transdev Artois|Keolis|"
    "SPIE CityNetworks|Bouygues Énergies et Services|SARL Géomètres associés|"
    "Cabinet Verdi Ingénierie|Sogea Nord Hydraulique|Engie Solutions"
)
PROJECTS = [
    "la réhabilitation de la piscine intercommunale",
    "la création d'une voie verte sur l'ancienne voie ferrée",
    "l'extension de la zone d'activités des Alouettes",
    "la rénovation énergétique des écoles",
    "l'aménagement du pôle d'échanges multimodal de la gare",
    "la construction d'une médiathèque",
    "la requalification de la friche de l'ancienne sucrerie",
    "le déploiement de bornes de recharge pour véhicules électriques",
    "la restauration de la zone humide du marais",
    "la création d'une maison de santé pluriprofessionnelle",
    "l'aménagement d'une aire de covoiturage",
    "la réhabilitation des cités minières",
    "la mise en valeur du terril et de ses abords",
    "la construction d'une unité de méthanisation",
    "le renouvellement des réseaux d'eau potable",
    "la création d'une station d'avitaillement en hydrogène",
    "la rénovation du stade municipal",
    "l'aménagement d'un parc urbain",
]
ORGANISMS = [
    "la commission locale d'évaluation des charges transférées (CLECT)",
    "le conseil d'administration de l'Agence d'urbanisme",
    "le comité de pilotage du contrat de ville",
    "le conseil d'exploitation de la régie des transports",
    "la commission d'appel d'offres",
    "le conseil d'administration de la Mission locale",
    "le comité syndical d'Eden 62",
    "l'assemblée générale de l'Établissement public foncier",
    "la commission consultative des services publics locaux",
]
TAXES = _words(
    "la cotisation foncière des entreprises|la taxe d'enlèvement des ordures ménagères|"
    "la taxe GEMAPI|la taxe de séjour|la taxe foncière sur les propriétés bâties|"
    "la taxe d'habitation sur les résidences secondaires"
)
BUDGETS = _words(
    "budget principal|budget annexe des transports|budget annexe de l'eau|"
    "budget annexe de l'assainissement|budget annexe des zones d'activités"
)
GRADES = _words(
    "attaché territorial|ingénieur principal|technicien principal de 2e classe|"
    "adjoint administratif|rédacteur territorial|chargé de mission mobilités|"
    "animateur du plan climat|directeur général adjoint|agent de maîtrise|"
    "éducateur des activités physiques et sportives|chargé d'opérations habitat"
)
SERVICES = [
    "la collecte des déchets ménagers",
    "la restauration scolaire",
    "l'exploitation de la piscine intercommunale",
    "l'exploitation du réseau de bus",
    "la distribution d'eau potable",
    "l'assainissement collectif",
    "la gestion de la fourrière animale",
    "l'exploitation du crématorium",
]
SPECIES = [
    "des chiroptères",
    "du triton crêté",
    "des oiseaux nicheurs du marais",
    "de l'œdicnème criard",
    "des amphibiens",
    "de la flore des terrils",
]


# --- Plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityPlan:
    name: str
    short_name: str
    seats: int


@dataclass(frozen=True)
class BodyPlan:
    name: str
    short_name: str
    assembly_name: str
    legal_form: str
    president_title: str
    seat_city: str
    siren: str
    entities: tuple[EntityPlan, ...]


@dataclass(frozen=True)
class ActText:
    """The texts of one deliberation and of the debate on its item."""

    title: str
    matiere: str
    visas: list[str]
    considerants: str  # sanitised-style HTML (<p>…</p>)
    dispositif: str
    debate: str
    budget_year: int | None = None


def body_plans(rng: random.Random, count: int, taken: set[str]) -> list[BodyPlan]:
    """`count` bodies whose short names are not in `taken` (nor repeated)."""
    plans: list[BodyPlan] = []
    used = set(taken)
    combos = [(k, t) for k in BODY_KINDS for t in TERRITORIES]
    rng.shuffle(combos)
    index = 0
    while len(plans) < count:
        (prefix, short_prefix, assembly, legal_form, president_title), (where, code) = combos[
            index % len(combos)
        ]
        index += 1
        short = f"{short_prefix}{code}"
        suffix = 2
        while short in used:
            short = f"{short_prefix}{code}{suffix}"
            suffix += 1
        used.add(short)
        seat = rng.choice(COMMUNES)
        entities = tuple(
            EntityPlan(
                name=f"Commune {of(commune)}",
                short_name=f"{_initials(commune)[:8]}{n}",
                seats=rng.randint(1, 4),
            )
            for n, commune in enumerate(rng.sample(COMMUNES, rng.randint(6, 12)), start=1)
        )
        if "Communauté" not in prefix:
            # A syndicat's members are EPCI (and sometimes the Département).
            members = [
                EntityPlan(
                    name=f"{rng.choice(EPCI_KINDS)} {territory}",
                    short_name=f"CA{territory_code}",
                    seats=rng.randint(2, 8),
                )
                for territory, territory_code in rng.sample(TERRITORIES, rng.randint(3, 6))
            ]
            entities = (*members, EntityPlan("Département du Pas-de-Calais", "CD62", 2))
        plans.append(
            BodyPlan(
                name=f"{prefix} {where}",
                short_name=short,
                assembly_name=assembly,
                legal_form=legal_form,
                president_title=president_title,
                seat_city=seat,
                siren=f"2{rng.randint(0, 99_999_999):08d}",
                entities=entities,
            )
        )
    return plans


def _initials(text: str) -> str:
    letters = "".join(w[0] for w in text.replace("-", " ").split() if w[0].isalpha())
    return "".join(c for c in letters.upper() if c.isascii()) or "X"


def person_name(rng: random.Random) -> tuple[str, str, str]:
    """(civility, first name, last name)."""
    civility = rng.choice(["M.", "Mme"])
    return civility, rng.choice(FIRST_NAMES[civility]), rng.choice(LAST_NAMES)


# --- Acts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActTemplate:
    matiere: str
    title: str
    expose: tuple[str, ...]  # specific paragraphs; two or three are used
    dispositif: tuple[str, ...]  # the articles, in order
    visas: tuple[str, ...] = ()
    budget: bool = False


@dataclass(frozen=True)
class Theme:
    name: str
    acts: tuple[ActTemplate, ...]
    context: tuple[str, ...]  # paragraphs shared by the theme's acts
    debate: tuple[str, ...]  # interventions during the debate
    weight: int = 1


CGCT = "le Code général des collectivités territoriales, et notamment ses articles L.5211-1 et suivants"

THEMES: tuple[Theme, ...] = (
    Theme(
        name="finances",
        weight=4,
        context=(
            "Le contexte budgétaire reste marqué par la hausse des coûts de l'énergie et par "
            "l'évolution des dotations de l'État, qui impose une maîtrise rigoureuse des "
            "dépenses de fonctionnement.",
            "Les orientations budgétaires présentées lors du débat du {mois_dob} ont fixé le "
            "cadre d'un budget sans hausse de la pression fiscale.",
            "La section d'investissement traduit la programmation pluriannuelle des "
            "investissements, notamment {projet}.",
            "Le ratio de désendettement s'établit à {n} années, en deçà du seuil d'alerte.",
        ),
        acts=(
            ActTemplate(
                "7.1",
                "Budget primitif {annee} – {budget}",
                (
                    "Le projet de budget primitif {annee} du {budget} s'équilibre en section de "
                    "fonctionnement à {montant} et en section d'investissement à {montant2}.",
                    "Les dépenses réelles de fonctionnement progressent de {pourcent} % par "
                    "rapport à l'exercice précédent, principalement du fait des charges de "
                    "personnel et des fluides.",
                ),
                (
                    "ADOPTE le budget primitif {annee} du {budget}, voté par chapitre, tel qu'il "
                    "est annexé à la présente délibération ;",
                    "DIT que le budget est voté au niveau du chapitre pour les deux sections.",
                ),
                visas=("l'instruction budgétaire et comptable M57",),
                budget=True,
            ),
            ActTemplate(
                "7.1",
                "Décision modificative n° {n} – {budget} {annee}",
                (
                    "Des ajustements de crédits sont nécessaires pour tenir compte de "
                    "l'exécution du budget, notamment pour {projet}.",
                    "La présente décision modificative s'équilibre en dépenses et en recettes à "
                    "{montant}.",
                ),
                (
                    "ADOPTE la décision modificative n° {n} du {budget} pour l'exercice {annee} "
                    "telle que présentée en annexe.",
                ),
                budget=True,
            ),
            ActTemplate(
                "7.1",
                "Compte administratif {annee_prec} et affectation du résultat",
                (
                    "Le compte administratif {annee_prec} fait apparaître un excédent de "
                    "fonctionnement de {montant} et un besoin de financement de la section "
                    "d'investissement de {montant2}.",
                    "Le compte de gestion dressé par le comptable public est conforme au compte "
                    "administratif.",
                ),
                (
                    "APPROUVE le compte administratif {annee_prec} ;",
                    "DÉCIDE d'affecter le résultat de fonctionnement au compte 1068 à hauteur "
                    "de {montant2} ;",
                    "CONSTATE la concordance avec le compte de gestion du comptable public.",
                ),
                budget=True,
            ),
            ActTemplate(
                "7.2",
                "Vote des taux de {taxe} pour {annee}",
                (
                    "Il est proposé de maintenir le taux de {taxe} au niveau de {annee_prec}, "
                    "soit {pourcent} %.",
                    "Le produit attendu est estimé à {montant}.",
                ),
                ("FIXE pour l'année {annee} le taux de {taxe} à {pourcent} %.",),
                visas=("le Code général des impôts, et notamment son article 1636 B sexies",),
            ),
            ActTemplate(
                "7.3",
                "Réalisation d'un emprunt de {montant} auprès de {banque}",
                (
                    "Pour financer {projet}, une consultation a été menée auprès de plusieurs "
                    "établissements bancaires.",
                    "L'offre de {banque} a été retenue : durée de {duree} ans, taux fixe de "
                    "{taux} %, échéances trimestrielles.",
                ),
                (
                    "DÉCIDE de contracter auprès de {banque} un emprunt de {montant} aux "
                    "conditions exposées ;",
                    "AUTORISE {president_adresse} à signer le contrat de prêt et tout document "
                    "s'y rapportant.",
                ),
            ),
            ActTemplate(
                "7.5",
                "Attribution d'une subvention à {partenaire} pour {annee}",
                (
                    "{partenaire_maj} sollicite le soutien financier de la collectivité pour "
                    "son programme d'actions {annee}.",
                    "Il est proposé d'attribuer une subvention de {montant}, dans le cadre d'une "
                    "convention d'objectifs et de moyens.",
                ),
                (
                    "ATTRIBUE à {partenaire} une subvention de {montant} au titre de {annee} ;",
                    "AUTORISE {president_adresse} à signer la convention d'objectifs "
                    "correspondante ;",
                    "DIT que les crédits sont inscrits au {budget} {annee}.",
                ),
            ),
            ActTemplate(
                "7.6",
                "Contributions des membres pour l'exercice {annee}",
                (
                    "Conformément aux statuts, les contributions des membres sont réparties "
                    "au prorata de la population.",
                    "Le montant total des contributions s'élève à {montant}.",
                ),
                ("FIXE les contributions des membres pour {annee} selon le tableau annexé.",),
                budget=True,
            ),
            ActTemplate(
                "7.8",
                "Fonds de concours à la commune de {commune} pour {projet}",
                (
                    "La commune de {commune} sollicite un fonds de concours pour {projet}, dont "
                    "le coût est estimé à {montant2}.",
                    "Le fonds de concours ne peut excéder la part de financement assurée par la "
                    "commune bénéficiaire.",
                ),
                (
                    "ATTRIBUE un fonds de concours de {montant} à la commune de {commune} ;",
                    "AUTORISE {president_adresse} à signer la convention de versement.",
                ),
                visas=("l'article L.5216-5 VI du Code général des collectivités territoriales",),
            ),
            ActTemplate(
                "7.10",
                "Admission en non-valeur de créances irrécouvrables",
                (
                    "Le comptable public a transmis un état de créances irrécouvrables pour un "
                    "montant de {montant}, malgré les poursuites engagées.",
                ),
                ("ADMET en non-valeur les créances figurant sur l'état annexé.",),
            ),
        ),
        debate=(
            "{orateur} s'interroge sur l'évolution des charges de personnel.",
            "{orateur} salue la maîtrise des dépenses de fonctionnement malgré le contexte.",
            "{orateur} demande si le recours à l'emprunt aurait pu être évité.",
            "Il lui est répondu que l'autofinancement reste supérieur aux prévisions.",
            "Le vice-président chargé des finances rappelle que les taux restent inchangés "
            "depuis {annee_prec}.",
        ),
    ),
    Theme(
        name="urbanisme",
        weight=2,
        context=(
            "Le schéma de cohérence territoriale fixe les grandes orientations d'aménagement "
            "et limite la consommation d'espaces naturels, agricoles et forestiers.",
            "L'objectif de zéro artificialisation nette impose de privilégier le "
            "renouvellement urbain et la reconquête des friches.",
            "La concertation avec les habitants s'est tenue du {date_concertation} et a donné "
            "lieu à {n} observations.",
        ),
        acts=(
            ActTemplate(
                "2.1",
                "Approbation de la modification n° {n} du plan local d'urbanisme intercommunal",
                (
                    "La modification porte sur l'ouverture à l'urbanisation d'une zone à "
                    "{commune} et sur l'adaptation du règlement écrit.",
                    "Le commissaire enquêteur a rendu un avis favorable assorti de {n} "
                    "recommandations.",
                ),
                (
                    "APPROUVE la modification n° {n} du PLUi telle qu'annexée ;",
                    "DIT que la présente délibération fera l'objet des mesures de publicité "
                    "prévues par le Code de l'urbanisme.",
                ),
                visas=("le Code de l'urbanisme, et notamment ses articles L.153-36 et suivants",),
            ),
            ActTemplate(
                "2.1",
                "Avis sur le projet de plan local d'urbanisme de la commune de {commune}",
                (
                    "La commune de {commune} a arrêté son projet de PLU et sollicite l'avis de "
                    "la collectivité en tant que personne publique associée.",
                    "Le projet est compatible avec les orientations du SCoT.",
                ),
                ("ÉMET un avis favorable sur le projet de PLU de la commune de {commune}.",),
            ),
            ActTemplate(
                "2.3",
                "Exercice du droit de préemption urbain – parcelle {parcelle} à {commune}",
                (
                    "Une déclaration d'intention d'aliéner a été reçue pour la parcelle "
                    "cadastrée {parcelle}, d'une superficie de {surface} m².",
                    "Cette acquisition permettrait {projet}.",
                ),
                (
                    "DÉCIDE d'exercer le droit de préemption urbain sur la parcelle {parcelle} "
                    "au prix de {montant}.",
                ),
            ),
            ActTemplate(
                "8.4",
                "Opération de renouvellement urbain de la friche {friche} à {commune}",
                (
                    "La friche {friche}, d'une surface de {surface} m², constitue une "
                    "opportunité majeure de reconquête urbaine.",
                    "L'Établissement public foncier assure le portage foncier de l'opération.",
                ),
                (
                    "APPROUVE le programme de l'opération ;",
                    "AUTORISE {president_adresse} à signer la convention opérationnelle avec "
                    "l'Établissement public foncier.",
                ),
            ),
        ),
        debate=(
            "{orateur} regrette la consommation de terres agricoles.",
            "{orateur} souligne l'intérêt du projet pour la revitalisation du centre-bourg.",
            "Il est précisé que l'enquête publique n'a soulevé aucune opposition de principe.",
            "{orateur} demande que les communes rurales soient associées aux études.",
        ),
    ),
    Theme(
        name="domaine",
        context=(
            "France Domaine a rendu son avis sur la valeur vénale du bien.",
            "Le bien ne présente plus d'utilité pour le service public.",
        ),
        acts=(
            ActTemplate(
                "3.1",
                "Acquisition de la parcelle cadastrée {parcelle} à {commune}",
                (
                    "La parcelle {parcelle}, d'une superficie de {surface} m², est nécessaire pour "
                    "{projet}.",
                    "Le propriétaire a donné son accord pour une cession au prix de {montant}.",
                ),
                (
                    "DÉCIDE d'acquérir la parcelle cadastrée {parcelle} à {commune} au prix de "
                    "{montant} ;",
                    "AUTORISE {president_adresse} à signer l'acte authentique.",
                ),
            ),
            ActTemplate(
                "3.2",
                "Cession d'un terrain de la zone d'activités à {entreprise}",
                (
                    "{entreprise} souhaite implanter une nouvelle activité créatrice de {n} "
                    "emplois sur un terrain de {surface} m².",
                ),
                ("DÉCIDE de céder à {entreprise} le terrain désigné au prix de {montant}.",),
            ),
            ActTemplate(
                "3.3",
                "Bail commercial avec {entreprise} pour un local de la pépinière d'entreprises",
                ("Le loyer mensuel est fixé à {montant_petit} hors charges.",),
                ("AUTORISE {president_adresse} à signer le bail commercial.",),
            ),
            ActTemplate(
                "3.5",
                "Convention d'occupation du domaine public pour {projet}",
                (
                    "L'occupation est consentie pour une durée de {duree} ans moyennant une "
                    "redevance annuelle de {montant_petit}.",
                ),
                ("APPROUVE la convention d'occupation temporaire du domaine public.",),
            ),
        ),
        debate=(
            "{orateur} demande si d'autres acquéreurs se sont manifestés.",
            "Il est répondu que le prix est conforme à l'estimation des Domaines.",
        ),
    ),
    Theme(
        name="personnel",
        weight=2,
        context=(
            "Le comité social territorial a été consulté et a rendu un avis favorable.",
            "L'évolution des missions de la collectivité rend nécessaire l'adaptation de ses "
            "effectifs.",
            "Les crédits nécessaires sont inscrits au chapitre 012 du budget.",
        ),
        acts=(
            ActTemplate(
                "4.1",
                "Modification du tableau des effectifs – création d'un poste de {grade}",
                (
                    "La montée en charge du service rend nécessaire la création d'un poste de "
                    "{grade} à temps complet.",
                ),
                (
                    "DÉCIDE de créer un poste de {grade} à temps complet à compter du "
                    "{date_effet} ;",
                    "MODIFIE en conséquence le tableau des effectifs.",
                ),
                visas=(
                    "le Code général de la fonction publique",
                    "le tableau des effectifs de la collectivité",
                ),
            ),
            ActTemplate(
                "4.2",
                "Recrutement d'un agent contractuel – {grade}",
                (
                    "Faute de candidat titulaire répondant au profil, il est proposé de "
                    "recruter un agent contractuel pour une durée de {duree} ans.",
                ),
                (
                    "AUTORISE le recrutement d'un agent contractuel sur l'emploi de {grade} "
                    "sur le fondement de l'article L.332-8 du Code général de la fonction "
                    "publique.",
                ),
            ),
            ActTemplate(
                "4.5",
                "Mise à jour du régime indemnitaire (RIFSEEP)",
                (
                    "Le régime indemnitaire tenant compte des fonctions, des sujétions, de "
                    "l'expertise et de l'engagement professionnel est étendu au cadre "
                    "d'emplois des {grade}s.",
                ),
                ("APPROUVE les modalités du RIFSEEP figurant en annexe.",),
            ),
            ActTemplate(
                "4.4",
                "Accueil d'apprentis au sein des services",
                (
                    "L'apprentissage permet à des jeunes d'acquérir une qualification tout en "
                    "découvrant les métiers territoriaux.",
                ),
                ("DÉCIDE de recourir au contrat d'apprentissage pour {n} postes.",),
            ),
        ),
        debate=(
            "{orateur} s'interroge sur l'impact de la création de poste sur la masse salariale.",
            "Le Président rappelle que ce poste est financé à {pourcent} % par {financeur}.",
            "{orateur} salue l'engagement des agents.",
        ),
    ),
    Theme(
        name="commande publique",
        weight=2,
        context=(
            "La consultation a été lancée selon la procédure d'appel d'offres ouvert.",
            "La commission d'appel d'offres s'est réunie le {date_cao} et a retenu l'offre "
            "économiquement la plus avantageuse.",
            "{n} offres ont été reçues dans les délais.",
        ),
        acts=(
            ActTemplate(
                "1.1",
                "Attribution du marché de travaux pour {projet}",
                (
                    "Le marché est attribué à {entreprise} pour un montant de {montant} HT.",
                    "Le délai d'exécution est de {duree} mois.",
                ),
                ("AUTORISE {president_adresse} à signer le marché avec {entreprise}.",),
                visas=("le Code de la commande publique",),
            ),
            ActTemplate(
                "1.1",
                "Avenant n° {n} au marché de maîtrise d'œuvre pour {projet}",
                (
                    "Des prestations supplémentaires rendent nécessaire un avenant d'un "
                    "montant de {montant_petit} HT.",
                ),
                ("APPROUVE l'avenant n° {n} au marché conclu avec {entreprise}.",),
            ),
            ActTemplate(
                "1.2",
                "Délégation de service public pour {service}",
                (
                    "Le contrat de délégation de service public pour {service} arrive à "
                    "échéance le {date_effet}.",
                    "À l'issue de la négociation, l'offre de {entreprise} apparaît la plus "
                    "avantageuse.",
                ),
                (
                    "APPROUVE le choix de {entreprise} comme délégataire ;",
                    "AUTORISE {president_adresse} à signer le contrat de concession.",
                ),
            ),
            ActTemplate(
                "1.4",
                "Convention de groupement de commandes pour {achat}",
                (
                    "La mutualisation des achats permet d'obtenir de meilleures conditions "
                    "tarifaires.",
                ),
                (
                    "APPROUVE la convention constitutive du groupement de commandes ;",
                    "DÉSIGNE la collectivité comme coordonnateur du groupement.",
                ),
            ),
        ),
        debate=(
            "{orateur} demande si des entreprises locales ont répondu.",
            "Il est précisé que {n} entreprises du territoire ont candidaté.",
            "{orateur} s'étonne de l'écart entre l'estimation et le montant du marché.",
        ),
    ),
    Theme(
        name="institutions",
        context=(
            "Les statuts prévoient la représentation de la collectivité au sein de plusieurs "
            "organismes extérieurs.",
            "Le renouvellement général des assemblées rend nécessaire une nouvelle désignation.",
        ),
        acts=(
            ActTemplate(
                "5.3",
                "Désignation des représentants au sein de {organisme}",
                ("Il convient de désigner {n} membres titulaires et autant de suppléants.",),
                ("DÉSIGNE les représentants figurant en annexe au sein de {organisme}.",),
            ),
            ActTemplate(
                "5.4",
                "Délégation d'attributions de l'assemblée au Président",
                (
                    "Afin de faciliter la gestion courante, l'assemblée peut déléguer une partie "
                    "de ses attributions au Président.",
                ),
                (
                    "DÉLÈGUE au Président les attributions énumérées en annexe ;",
                    "DIT qu'il en sera rendu compte à chaque réunion de l'assemblée.",
                ),
            ),
            ActTemplate(
                "5.2",
                "Modification du règlement intérieur de l'assemblée",
                (
                    "Le règlement intérieur est adapté pour permettre la tenue de réunions en "
                    "visioconférence et préciser les modalités du droit d'expression des élus.",
                ),
                ("ADOPTE le règlement intérieur modifié.",),
            ),
            ActTemplate(
                "5.7",
                "Modification des statuts – transfert de la compétence {competence}",
                (
                    "Le transfert de la compétence {competence} permettra une action coordonnée "
                    "à l'échelle du territoire.",
                ),
                (
                    "APPROUVE la modification des statuts ;",
                    "DEMANDE aux membres de se prononcer dans un délai de trois mois.",
                ),
            ),
        ),
        debate=(
            "{orateur} demande que la parité soit respectée dans les désignations.",
            "Aucune autre candidature n'ayant été présentée, il est procédé au vote.",
        ),
    ),
    Theme(
        name="mobilité",
        weight=2,
        context=(
            "Le plan de mobilité vise à réduire la part de la voiture individuelle dans les "
            "déplacements quotidiens.",
            "La fréquentation du réseau a progressé de {pourcent} % depuis {annee_prec}.",
            "L'étoile ferroviaire et le futur service express régional métropolitain "
            "structurent l'offre de transport.",
        ),
        acts=(
            ActTemplate(
                "8.7",
                "Tarification du réseau de bus à compter du {date_effet}",
                (
                    "La nouvelle grille tarifaire introduit la gratuité pour les moins de "
                    "{n} ans et un abonnement solidaire.",
                ),
                ("APPROUVE la grille tarifaire annexée.",),
            ),
            ActTemplate(
                "8.7",
                "Schéma directeur cyclable – programme {annee}",
                (
                    "Le schéma prévoit la réalisation de {n} kilomètres d'aménagements "
                    "cyclables, dont une véloroute reliant {commune} à {commune2}.",
                ),
                (
                    "APPROUVE le programme {annee} du schéma directeur cyclable ;",
                    "SOLLICITE les subventions de {financeur}.",
                ),
            ),
            ActTemplate(
                "8.7",
                "Convention avec la Région pour l'organisation du transport scolaire",
                (
                    "La convention définit la répartition des compétences et des financements "
                    "pour {n} circuits scolaires.",
                ),
                ("AUTORISE {president_adresse} à signer la convention avec la Région.",),
            ),
            ActTemplate(
                "8.7",
                "Aménagement d'une aire de covoiturage à {commune}",
                ("L'aire comptera {n} places et des bornes de recharge électrique.",),
                ("APPROUVE le plan de financement de l'opération.",),
            ),
        ),
        debate=(
            "{orateur} demande une meilleure desserte des communes rurales.",
            "{orateur} se félicite de la gratuité pour les jeunes.",
            "Le vice-président chargé des mobilités précise que la ligne sera cadencée à "
            "{n} minutes.",
        ),
    ),
    Theme(
        name="environnement",
        weight=2,
        context=(
            "Le plan climat-air-énergie territorial fixe l'objectif d'une réduction de "
            "{pourcent} % des émissions de gaz à effet de serre d'ici 2030.",
            "La compétence GEMAPI (gestion des milieux aquatiques et prévention des "
            "inondations) impose l'entretien des cours d'eau et des ouvrages.",
            "Les inventaires naturalistes ont mis en évidence la présence {espece}.",
        ),
        acts=(
            ActTemplate(
                "8.8",
                "Plan climat-air-énergie territorial – bilan à mi-parcours",
                (
                    "Le bilan fait apparaître une baisse des consommations d'énergie du "
                    "patrimoine public et le développement des énergies renouvelables.",
                ),
                ("PREND ACTE du bilan à mi-parcours du PCAET.",),
            ),
            ActTemplate(
                "8.8",
                "Programme de plantation de haies bocagères {annee}",
                (
                    "Le programme prévoit la plantation de {n} kilomètres de haies avec les "
                    "exploitants agricoles volontaires.",
                ),
                ("APPROUVE le programme et son plan de financement.",),
            ),
            ActTemplate(
                "8.8",
                "Travaux de prévention des inondations sur le bassin de la {riviere}",
                (
                    "Les crues de {annee_prec} ont montré la nécessité de renforcer les digues "
                    "et de créer des zones d'expansion de crue.",
                ),
                (
                    "APPROUVE le programme de travaux ;",
                    "SOLLICITE l'aide de l'Agence de l'eau Artois-Picardie.",
                ),
            ),
            ActTemplate(
                "8.8",
                "Collecte et traitement des déchets ménagers – rapport annuel {annee_prec}",
                (
                    "Le taux de valorisation des déchets atteint {pourcent} %, et les tonnages "
                    "d'ordures ménagères résiduelles poursuivent leur baisse.",
                    "La mise en place de la collecte des biodéchets est prévue en {annee}.",
                ),
                ("PREND ACTE du rapport annuel sur le prix et la qualité du service.",),
            ),
            ActTemplate(
                "8.8",
                "Gestion écologique du site naturel du terril de {commune}",
                (
                    "Le plan de gestion prévoit la protection {espece} et l'ouverture "
                    "maîtrisée du site au public.",
                ),
                ("APPROUVE le plan de gestion écologique du site.",),
            ),
        ),
        debate=(
            "{orateur} insiste sur la sensibilisation des habitants au tri.",
            "{orateur} demande que les agriculteurs soient associés au programme.",
            "Il est précisé que l'étude d'impact a été conduite avec le Conservatoire "
            "d'espaces naturels.",
        ),
    ),
    Theme(
        name="eau",
        context=(
            "Le service de l'eau est exploité en régie depuis {annee_regie}.",
            "Le rendement du réseau de distribution atteint {pourcent} %.",
        ),
        acts=(
            ActTemplate(
                "8.8",
                "Tarifs de l'eau potable et de l'assainissement pour {annee}",
                ("Le prix du mètre cube est porté à {prix} euros hors taxes.",),
                ("FIXE les tarifs de l'eau et de l'assainissement pour {annee}.",),
            ),
            ActTemplate(
                "1.2",
                "Création d'une régie dotée de l'autonomie financière pour l'eau potable",
                (
                    "La régie assurera la production et la distribution d'eau potable pour {n} "
                    "abonnés.",
                ),
                (
                    "DÉCIDE la création de la régie des eaux ;",
                    "APPROUVE ses statuts et désigne les membres de son conseil d'exploitation.",
                ),
            ),
        ),
        debate=(
            "{orateur} s'interroge sur le coût de la régie pour les usagers.",
            "Il est répondu que la régie permet de maîtriser le prix de l'eau.",
        ),
    ),
    Theme(
        name="développement économique",
        weight=2,
        context=(
            "Le territoire connaît une dynamique de réindustrialisation portée par la "
            "transition écologique.",
            "La zone d'activités accueille déjà {n} entreprises.",
        ),
        acts=(
            ActTemplate(
                "7.4",
                "Aide à l'immobilier d'entreprise en faveur de {entreprise}",
                (
                    "{entreprise} projette un investissement de {montant2} créant {n} emplois.",
                    "L'aide est accordée dans le respect du régime cadre exempté.",
                ),
                ("ATTRIBUE une aide de {montant} à {entreprise}.",),
            ),
            ActTemplate(
                "7.4",
                "Partenariat {annee} avec {partenaire}",
                (
                    "{partenaire_maj} accompagne la création et la reprise d'entreprises sur le "
                    "territoire.",
                ),
                ("APPROUVE la convention de partenariat {annee} avec {partenaire}.",),
            ),
            ActTemplate(
                "8.6",
                "Soutien à l'insertion professionnelle – clauses sociales",
                (
                    "Les clauses sociales des marchés publics ont permis {n} heures "
                    "d'insertion en {annee_prec}.",
                ),
                ("APPROUVE la convention avec la Maison de l'emploi.",),
            ),
        ),
        debate=(
            "{orateur} demande un suivi des emplois créés.",
            "{orateur} salue l'arrivée d'une entreprise innovante sur le territoire.",
        ),
    ),
    Theme(
        name="habitat",
        context=(
            "Le programme local de l'habitat prévoit la production de {n} logements par an.",
            "La réhabilitation du parc minier constitue une priorité du territoire.",
        ),
        acts=(
            ActTemplate(
                "8.5",
                "Opération programmée d'amélioration de l'habitat – avenant n° {n}",
                ("L'opération a permis la rénovation énergétique de {n} logements privés.",),
                ("APPROUVE l'avenant à la convention d'OPAH.",),
            ),
            ActTemplate(
                "8.5",
                "Garantie d'emprunt accordée à un bailleur social pour {n} logements à {commune}",
                ("Le bailleur sollicite la garantie de la collectivité à hauteur de 50 %.",),
                ("ACCORDE sa garantie pour le remboursement du prêt de {montant2}.",),
            ),
        ),
        debate=("{orateur} rappelle les besoins en logements adaptés aux personnes âgées.",),
    ),
    Theme(
        name="culture et sport",
        context=(
            "La politique culturelle vise à rendre l'offre accessible à tous les habitants.",
            "Le label Patrimoine mondial de l'UNESCO du Bassin minier renforce l'attractivité "
            "touristique.",
        ),
        acts=(
            ActTemplate(
                "8.9",
                "Saison culturelle {annee} – conventions avec les associations",
                ("La saison comptera {n} spectacles dans les communes du territoire.",),
                ("APPROUVE les conventions avec les associations culturelles.",),
            ),
            ActTemplate(
                "8.9",
                "Tarifs de la médiathèque et de l'école de musique",
                ("Les tarifs sont maintenus pour les habitants du territoire.",),
                ("FIXE les tarifs figurant en annexe.",),
            ),
            ActTemplate(
                "8.4",
                "Soutien à l'organisation du Chti Bike Tour {annee}",
                ("La manifestation sportive traversera {n} communes.",),
                ("ATTRIBUE une participation de {montant_petit} aux organisateurs.",),
            ),
        ),
        debate=("{orateur} souhaite que les écoles soient associées à la saison culturelle.",),
    ),
)

RIVERS = ["Souchez", "Deûle", "Lawe", "Clarence", "Canche", "Authie", "Ternoise", "Liane", "Aa"]
FRICHES = ["de l'ancienne sucrerie", "de la fosse 9", "Cerf", "de la verrerie", "de la cokerie"]
PURCHASES = [
    "la fourniture d'électricité",
    "la fourniture de papier",
    "les contrôles réglementaires des bâtiments",
    "l'entretien des espaces verts",
    "la maintenance informatique",
]
COMPETENCES = ["mobilité", "tourisme", "GEMAPI", "eau potable", "éclairage public"]


def _euros(rng: random.Random, low: int, high: int, step: int = 500) -> str:
    return amount(rng.randrange(low, high, step))


class _Slots(dict[str, str]):
    """Template values drawn once per act, so that a text repeats the same amount."""

    def __init__(self, generators: dict[str, Callable[[], str]]) -> None:
        super().__init__()
        self.generators = generators

    def __missing__(self, key: str) -> str:
        value = self.generators[key]()
        self[key] = value
        return value


@dataclass
class ActContext:
    """Who and when: what the texts of an act speak of."""

    year: int
    day: dt.date
    assembly_name: str
    president_civility: str
    speakers: Sequence[str]  # « Monsieur Alain Bavay »…
    rapporteur: str
    visas_base: tuple[str, ...] = field(default_factory=tuple)


def _slots(rng: random.Random, context: ActContext) -> _Slots:
    year = context.year
    president = (
        "Monsieur le Président" if context.president_civility == "M." else "Madame la Présidente"
    )
    partner = rng.choice(PARTNERS)
    return _Slots(
        {
            "annee": lambda: str(year),
            "annee_prec": lambda: str(year - 1),
            "annee_suiv": lambda: str(year + 1),
            "annee_regie": lambda: str(rng.randint(1990, max(1991, year - 1))),
            "montant": lambda: _euros(rng, 5_000, 900_000),
            "montant2": lambda: _euros(rng, 200_000, 12_000_000, 10_000),
            "montant_petit": lambda: _euros(rng, 300, 15_000, 50),
            "pourcent": lambda: str(rng.randint(2, 95)),
            "taux": lambda: f"{rng.randint(1, 4)},{rng.randint(0, 99):02d}",
            "prix": lambda: f"{rng.randint(1, 3)},{rng.randint(0, 99):02d}",
            "n": lambda: str(rng.randint(2, 40)),
            "duree": lambda: str(rng.randint(2, 25)),
            "surface": lambda: f"{rng.randint(120, 45_000)}",
            "commune": lambda: rng.choice(COMMUNES),
            "commune2": lambda: rng.choice(COMMUNES),
            "partenaire": lambda: partner,
            "partenaire_maj": lambda: capfirst(partner),
            "financeur": lambda: rng.choice(FUNDERS),
            "banque": lambda: rng.choice(BANKS),
            "entreprise": lambda: rng.choice(COMPANIES),
            "projet": lambda: rng.choice(PROJECTS),
            "organisme": lambda: rng.choice(ORGANISMS),
            "taxe": lambda: rng.choice(TAXES),
            "budget": lambda: rng.choice(BUDGETS),
            "grade": lambda: rng.choice(GRADES),
            "service": lambda: rng.choice(SERVICES),
            "espece": lambda: rng.choice(SPECIES),
            "riviere": lambda: rng.choice(RIVERS),
            "friche": lambda: rng.choice(FRICHES),
            "achat": lambda: rng.choice(PURCHASES),
            "competence": lambda: rng.choice(COMPETENCES),
            "parcelle": lambda: (
                f"{rng.choice('ABCDHKZ')}{rng.choice('ABCDEHKN')} {rng.randint(1, 999)}"
            ),
            "date_effet": lambda: f"1er {rng.choice(MONTHS)} {year + rng.randint(0, 1)}",
            "date_cao": lambda: (
                f"{rng.randint(2, 28)} {MONTHS[max(context.day.month - 2, 0)]} {year}"
            ),
            "date_concertation": lambda: (
                f"{rng.randint(1, 15)} au {rng.randint(16, 28)} {rng.choice(MONTHS)} {year - 1}"
            ),
            "mois_dob": lambda: f"{rng.randint(1, 28)} {rng.choice(MONTHS[:3])} {year}",
            "president_adresse": lambda: f"{president} ou son représentant",
            "orateur": lambda: rng.choice(context.speakers),
        }
    )


_THEME_WEIGHTS = [theme.weight for theme in THEMES]

# Paragraphs any exposé may carry, whatever its theme.
GENERIC_PARAGRAPHS = (
    "Ce dossier a été présenté en commission le {date_cao}, qui a émis un avis favorable à "
    "l'unanimité de ses membres présents.",
    "La démarche s'inscrit dans le projet de territoire adopté en {annee_prec}, dont elle "
    "décline l'axe consacré à la solidarité entre les communes urbaines et rurales.",
    "Le plan de financement prévisionnel associe {financeur} à hauteur de {pourcent} % et la "
    "collectivité pour le solde, soit {montant}.",
    "Un bilan sera présenté à l'assemblée à l'issue de la première année de mise en œuvre, "
    "assorti d'indicateurs de suivi.",
    "Les services ont travaillé en lien étroit avec les communes membres, notamment "
    "{commune} et {commune2}, afin de tenir compte de leurs contraintes.",
    "La présente décision n'emporte aucune dépense nouvelle sur l'exercice en cours.",
    "Le calendrier prévisionnel prévoit un démarrage des travaux au second semestre "
    "{annee}, pour une livraison attendue fin {annee_suiv}.",
    "Cette action répond aux objectifs du contrat de relance et de transition écologique "
    "signé avec l'État.",
    "Le bureau, réuni le {date_cao}, a proposé de retenir cette solution, qui concilie "
    "qualité du service rendu et maîtrise des coûts.",
    "Il est rappelé que la collectivité a déjà soutenu {partenaire} en {annee_prec}.",
)
CONSIDERANTS = (
    "CONSIDÉRANT l'intérêt de cette démarche pour le territoire et ses habitants ;",
    "CONSIDÉRANT que les crédits nécessaires sont inscrits au {budget} ;",
    "CONSIDÉRANT l'avis favorable de la commission thématique réunie le {date_cao} ;",
    "CONSIDÉRANT l'avis du bureau ;",
    "CONSIDÉRANT la nécessité d'assurer la continuité du service public ;",
)


# Remarks seldom made: words a search finds in a handful of acts among thousands.
RARE_REMARK_ODDS = 0.01
RARE_REMARKS = (
    "{orateur} signale la nidification de la cigogne noire près du chantier.",
    "{orateur} évoque le jumelage avec la ville polonaise de Wałbrzych.",
    "{orateur} rappelle l'inscription du beffroi au patrimoine mondial.",
    "{orateur} s'inquiète d'un incident de cybersécurité survenu dans une commune voisine.",
    "{orateur} suggère d'associer la société d'archéologie locale aux fouilles préventives.",
)


def act_text(rng: random.Random, context: ActContext) -> ActText:
    """The title, texts and debate of one deliberation, from a theme's templates."""
    theme = rng.choices(THEMES, weights=_THEME_WEIGHTS)[0]
    template = rng.choice(theme.acts)
    slots = _slots(rng, context)

    def fill(text: str) -> str:
        return text.format_map(slots)

    president = (
        "Monsieur le Président" if context.president_civility == "M." else "Madame la Présidente"
    )
    paragraphs = [f"{president} EXPOSE :"]
    paragraphs += [fill(p) for p in rng.sample(theme.context, min(len(theme.context), 2))]
    paragraphs += [fill(p) for p in template.expose]
    paragraphs += [fill(p) for p in rng.sample(GENERIC_PARAGRAPHS, rng.randint(1, 3))]
    paragraphs += [fill(p) for p in rng.sample(CONSIDERANTS, rng.randint(1, 2))]
    paragraphs.append(f"Après en avoir délibéré, le {context.assembly_name} :")
    articles = [fill(line) for line in template.dispositif]
    if rng.random() < 0.5:
        articles.append(
            fill(
                "AUTORISE {president_adresse} à signer tout document nécessaire à l'exécution "
                "de la présente délibération."
            )
        )
    debate_lines = [
        f"{context.rapporteur} présente le rapport.",
        *(
            fill(line.replace("{orateur}", rng.choice(context.speakers)))
            for line in rng.sample(theme.debate, min(len(theme.debate), 2))
        ),
        f"{president} soumet la délibération au vote.",
    ]
    if rng.random() < RARE_REMARK_ODDS:
        debate_lines.insert(-1, rng.choice(RARE_REMARKS).replace("{orateur}", context.speakers[0]))
    debate = "" if rng.random() < 0.25 else _html([" ".join(debate_lines)])
    return ActText(
        title=fill(template.title),
        matiere=template.matiere,
        visas=[CGCT, *context.visas_base, *template.visas],
        considerants=_html(paragraphs),
        dispositif=_html(articles),
        debate=debate,
        budget_year=context.year if template.budget else None,
    )


def _html(paragraphs: Sequence[str]) -> str:
    """Paragraphs as the sanitised HTML the app stores (« & » and « < » escaped)."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


# --- Items without an act, and the PV's texts ------------------------------------------------

INFORMATION_TITLES = [
    "Actualités du territoire",
    "Point d'information sur l'avancement des projets",
    "Compte rendu des décisions prises par délégation",
    "Présentation du rapport d'activité {annee_prec}",
    "Calendrier des prochaines réunions",
]
INFORMATION_DEBATES = [
    "{orateur} fait le point sur les travaux engagés pour {projet}.",
    "{orateur} présente les décisions prises par le Président en vertu de sa délégation.",
    "Un point est fait sur le service express régional métropolitain et l'étoile ferroviaire.",
    "{orateur} informe l'assemblée de la candidature du territoire à un appel à projets de "
    "{financeur}.",
]


def information_item(rng: random.Random, context: ActContext) -> tuple[str, str]:
    """(title, debate) of an information item."""
    slots = _slots(rng, context)
    title = rng.choice(INFORMATION_TITLES).format_map(slots)
    debate = " ".join(
        line.replace("{orateur}", rng.choice(context.speakers)).format_map(slots)
        for line in rng.sample(INFORMATION_DEBATES, 2)
    )
    return title, _html([debate])


def pv_adoption_debate(rng: random.Random) -> str:
    """The debate on the adoption of the previous PV: usually nothing to say."""
    return rng.choice(
        [
            "",
            "",
            _html(["Le procès-verbal de la séance précédente n'appelle aucune observation."]),
            _html(["Une rectification de forme est apportée à la liste des présents."]),
        ]
    )


def pv_texts(
    rng: random.Random,
    *,
    day: dt.date,
    start: dt.time,
    end: dt.time,
    assembly_name: str,
    body_name: str,
    place: str,
    president: str,
) -> tuple[str, str]:
    """(preamble, closing) of a session's procès-verbal."""
    preamble = (
        f"{date_in_words(day)} à {time_in_words(start)}, le {assembly_name} "
        f"{of_the(body_name)}, légalement convoqué, s'est réuni {place}, sous la présidence de "
        f"{president}."
    )
    closing = rng.choice(
        [
            "L'ordre du jour étant épuisé, la séance est levée à {end}.",
            "Plus personne ne demandant la parole, la séance est levée à {end}.",
            "Le Président remercie les membres présents et lève la séance à {end}.",
        ]
    ).format(end=time_in_words(end))
    return _html([preamble]), _html([closing, f"Séance du {long_date(day)}."])


# --- Votes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VotePlan:
    """A plausible vote: who was there, and the tally decided by the CGCT rules."""

    present: int
    represented: int
    outcome: VoteOutcome


def vote_plan(rng: random.Random, in_office: int) -> VotePlan:
    """Mostly adopted, often unanimously; a few contested votes and rare rejections."""
    in_office = max(in_office, 3)
    present = rng.randint(in_office // 2 + 1, in_office)
    represented = rng.randint(0, min(in_office - present, present))
    voters = present + represented
    draw = rng.random()
    tally: Tally | None
    if draw < 0.75:
        tally = None  # à l'unanimité
    elif draw < 0.97:
        against = rng.randint(1, max(1, voters // 4))
        abstain = rng.randint(0, max(0, voters // 6))
        tally = Tally(for_=voters - against - abstain, against=against, abstain=abstain)
        if tally.for_ <= tally.against:
            tally = None
    else:
        against = rng.randint(voters // 2 + 1, voters)
        abstain = rng.randint(0, voters - against)
        tally = Tally(for_=voters - against - abstain, against=against, abstain=abstain)
        if tally.for_ == tally.against:  # no tie: the president's vote would decide
            tally = Tally(for_=tally.for_, against=tally.against + tally.abstain, abstain=0)
            if tally.for_ == tally.against:
                tally = None
    return VotePlan(present, represented, decide(voters=voters, tally=tally))
