"""ACTES nomenclature (natures and matières) used for the contrôle de légalité."""

from __future__ import annotations

import datetime as dt

# The date of the classification (nature and matière codes) this table transcribes, sent as
# ACTES `ClassificationDateVersion`; change it with the table when the prefecture's changes.
CLASSIFICATION_DATE = dt.date(2018, 1, 1)

# Nature code -> (abbreviation used in the AR identifier, label).
NATURES: dict[str, tuple[str, str]] = {
    "1": ("DE", "Délibérations"),
    "2": ("AR", "Actes réglementaires"),
    "3": ("AI", "Actes individuels"),
    "4": ("CC", "Contrats, conventions et avenants"),
    "5": ("BF", "Documents budgétaires et financiers"),
    "6": ("AU", "Autres"),
}

MATIERES: dict[str, str] = {
    "1": "Commande publique",
    "1.1": "Marchés publics",
    "1.2": "Délégation de service public",
    "1.3": "Conventions de mandat",
    "1.4": "Autres types de contrats",
    "1.5": "Transactions / protocole d'accord transactionnel",
    "1.6": "Maîtrise d'œuvre",
    "1.7": "Actes spéciaux et divers",
    "2": "Urbanisme",
    "2.1": "Documents d'urbanisme",
    "2.2": "Actes relatifs au droit d'occupation ou d'utilisation des sols",
    "2.3": "Droit de préemption urbain",
    "3": "Domaine et patrimoine",
    "3.1": "Acquisitions",
    "3.2": "Aliénations",
    "3.3": "Locations",
    "3.4": "Limites territoriales",
    "3.5": "Autres actes de gestion du domaine public",
    "3.6": "Autres actes de gestion du domaine privé",
    "4": "Fonction publique",
    "4.1": "Personnels titulaires et stagiaires de la FPT",
    "4.2": "Personnels contractuels",
    "4.3": "Fonction publique hospitalière",
    "4.4": "Autres catégories de personnels",
    "4.5": "Régime indemnitaire",
    "5": "Institutions et vie politique",
    "5.1": "Election exécutif",
    "5.2": "Fonctionnement des assemblées",
    "5.3": "Désignation de représentants",
    "5.4": "Délégation de fonctions",
    "5.5": "Délégation de signature",
    "5.6": "Exercice des mandats locaux",
    "5.7": "Intercommunalité",
    "5.8": "Décision d'ester en justice",
    "6": "Libertés publiques et pouvoirs de police",
    "6.1": "Police municipale",
    "6.2": "Pouvoirs du président du conseil départemental",
    "6.3": "Pouvoirs du représentant de l'État",
    "6.4": "Autres actes réglementaires",
    "6.5": "Actes pris au nom de l'État",
    "7": "Finances locales",
    "7.1": "Décisions budgétaires",
    "7.2": "Fiscalité",
    "7.3": "Emprunts",
    "7.4": "Interventions économiques",
    "7.5": "Subventions",
    "7.6": "Contributions budgétaires",
    "7.7": "Avances",
    "7.8": "Fonds de concours",
    "7.9": "Prises de participation (SEM, etc.)",
    "7.10": "Divers",
    "8": "Domaines de compétences par thèmes",
    "8.1": "Enseignement",
    "8.2": "Aide sociale",
    "8.3": "Voirie",
    "8.4": "Aménagement du territoire",
    "8.5": "Politique de la ville, habitat, logement",
    "8.6": "Emploi, formation professionnelle",
    "8.7": "Transports",
    "8.8": "Environnement",
    "8.9": "Culture",
    "9": "Autres domaines de compétences",
    "9.1": "Autres domaines de compétences des communes",
    "9.2": "Autres domaines de compétences des départements",
    "9.3": "Autres domaines de compétences des régions",
    "9.4": "Vœux et motions",
}

NATURE_CHOICES = [(code, f"{code} — {label} ({abbr})") for code, (abbr, label) in NATURES.items()]
MATIERE_CHOICES = [(code, f"{code} {label}") for code, label in MATIERES.items()]


def nature_abbreviation(code: str) -> str:
    return NATURES[code][0]


def matiere_label(code: str) -> str:
    return MATIERES.get(code, "")


def matiere_path(code: str) -> list[tuple[str, str]]:
    """The matière and the levels above it, each as (code, label): « 7.5.1 » gives
    7 Finances locales, 7.5 Subventions, 7.5.1 … (levels unknown to the nomenclature are
    left out)."""
    levels = code.split(".")
    prefixes = [".".join(levels[: n + 1]) for n in range(len(levels))]
    return [(prefix, MATIERES[prefix]) for prefix in prefixes if prefix in MATIERES]
