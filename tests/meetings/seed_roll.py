"""The roll of the PMA Comité syndical of 13 June 2023, as stated in the seed PV."""

from __future__ import annotations

from meetings.roll import ProxyGrant, RollEntry

PRESENT_TITULAIRES = {
    "bavay": "Alain Bavay",
    "della-franca": "Marcello Della Franca",
    "duporge": "Laurent Duporge",
    "idziak": "Ludovic Idziak",
    "lefebvre": "Nadine Lefebvre",
    "lemaire": "François Lemaire",
    "leveugle": "Emmanuelle Leveugle",
    "pilch": "Christophe Pilch",
    "robert": "Sylvain Robert",
    "scalone": "Jean-Pascal Scalone",
}
PROXY_GIVERS = {
    "bossart": "Steve Bossart",
    "czerwinski": "Bernard Czerwinski",
    "decourcelle": "Catherine Decourcelle",
    "gacquerre": "Olivier Gacquerre",
}
SEATED_SUPPLEANTS = {
    "ait-chikhebbih": "Fatima Aït Chikhebbih",
    "canivez": "Patrick Canivez",
    "laversin": "Corinne Laversin",
}
SEED_PROXIES = {
    "bossart": "bavay",
    "czerwinski": "pilch",
    "decourcelle": "lefebvre",
    "gacquerre": "idziak",
}


def seed_entries() -> list[RollEntry]:
    """22 titulaires (10 present, 4 proxy givers, t15..t22 absent) and 3 seated suppléants."""
    entries = [
        RollEntry(member_id, name, "titulaire", "present")
        for member_id, name in PRESENT_TITULAIRES.items()
    ]
    entries += [RollEntry(member_id, name, "titulaire") for member_id, name in PROXY_GIVERS.items()]
    entries += [RollEntry(f"t{n}", f"Titulaire {n}", "titulaire") for n in range(15, 23)]
    entries += [
        RollEntry(member_id, name, "suppleant", "present", seated=True)
        for member_id, name in SEATED_SUPPLEANTS.items()
    ]
    return entries


def seed_proxies() -> list[ProxyGrant]:
    return [ProxyGrant(giver, holder) for giver, holder in SEED_PROXIES.items()]


def seed_roll() -> tuple[list[RollEntry], list[ProxyGrant]]:
    """The seed's roll: (entries, proxies)."""
    return seed_entries(), seed_proxies()
