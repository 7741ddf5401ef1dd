"""Search speed on a large archive: `python benchmarks/search.py` (DATABASE_URL as for tests).

Prints the median and the 95th percentile of the time a search page takes — the count of
matches, the 20 best with their highlighted excerpts, as the « Recherche » page asks
them — over varied queries (common and rare words, phrases, exclusions, numbers, filters),
as a superuser and as an élu who sits in one body only. Goal: p95 < 100 ms.

It works in a dedicated database, `<name>_search_bench` beside the one DATABASE_URL names
(never the dev database): the first run migrates it and generates the archive with
`manage.py generate_archive` (100 000 deliberations, a few minutes); later runs reuse it.
`--drop` removes it at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pma_governance.settings")

GOAL_MS = 100.0
PAGE_SIZE = 20
DELIBERATIONS_PER_SESSION = 12  # what generate_archive writes, on average


def _bench_url(url: str) -> tuple[str, str]:
    """DATABASE_URL with the benchmark's own database name, and that name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    bench = f"{name}_search_bench"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def _ensure_database(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')


def _drop_database(name: str) -> None:
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _archive(target: int) -> tuple[int, float]:
    """Deliberations in the benchmark database, generating them when missing; (count, s)."""
    from django.core.management import call_command

    from deliberations.models import Deliberation

    call_command("migrate", verbosity=0)
    have = Deliberation.objects.count()
    if have >= target * 0.95:
        return have, 0.0
    sessions = math.ceil((target - have) / DELIBERATIONS_PER_SESSION)
    print(f"Génération de l'archive ({sessions} séances, quelques minutes)…", flush=True)
    start = time.perf_counter()
    call_command("generate_archive", "--sessions", str(sessions), "--seed", "2023")
    return Deliberation.objects.count(), time.perf_counter() - start


def _users() -> tuple[Any, Any, str]:
    """A superuser, and an élu sitting in one body only (the body with most acts)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from members.models import Body, Mandate, Person

    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    body = Body.objects.annotate(n=Count("deliberations")).order_by("-n", "pk").first()
    assert body is not None
    elu, created = user_model.objects.get_or_create(username="bench-elu")
    if created:
        person = Person.objects.create(
            civility="Mme", first_name="Élue", last_name="Banc", user=elu
        )
        Mandate.objects.create(
            body=body, person=person, role=Mandate.Role.TITULAIRE, external_id="bench-elu"
        )
    return admin, elu, body.short_name


def _queries(body_short: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, text, filters): what élus and the secretariat type."""
    from deliberations.models import Deliberation

    number = str(
        Deliberation.objects.filter(body__short_name=body_short, number__isnull=False)
        .order_by("sequence")
        .values_list("number", flat=True)[50]
    )
    seq = number.rsplit("/", 1)[-1][-5:]
    return [
        ("mot courant", "convention", {}),
        ("mot très courant", "président", {}),
        ("deux mots courants", "subvention association", {}),
        ("mot sans accent", "deliberation", {}),
        ("mot peu courant", "chiroptères", {}),
        ("mot rare", "cybersécurité", {}),
        ("mot rare sans accent", "walbrzych", {}),
        ("nom propre", "Béthune", {}),
        ("expression", '"plan climat"', {}),
        ("expression longue", '"taxe d\'enlèvement des ordures ménagères"', {}),
        ("exclusion", "piscine -réhabilitation", {}),
        ("OU", "covoiturage OR cyclable", {}),
        ("numéro complet", number, {}),
        ("numéro court", seq, {}),
        ("mot courant, année", "budget", {"year": 2021}),
        ("mot courant, matière 7", "convention", {"matiere": "7"}),
        ("rejetées", "subvention", {"result": "rejected"}),
        ("procès-verbaux", "ferroviaire", {"kind": "pv"}),
        ("page 5", "convention", {"page": 5}),
        ("aucun résultat", "aéroport", {}),
    ]


def _search_page(user: Any, text: str, options: dict[str, Any]) -> int:
    """What the search view asks: the count and one page of hits with their excerpts."""
    from django.core.paginator import Page, Paginator

    from pma_governance.search.selectors import SearchFilters, SearchHit, archive_search

    options = dict(options)
    page_number = options.pop("page", 1)
    results = archive_search(user, text, SearchFilters(**options))
    page: Page[SearchHit] = Paginator(results, PAGE_SIZE).get_page(page_number)
    hits = list(page)
    for hit in hits:
        str(hit.excerpt)
    return page.paginator.count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliberations", type=int, default=100_000, help="taille de l'archive")
    parser.add_argument("--repeat", type=int, default=20, help="exécutions de chaque recherche")
    parser.add_argument("--drop", action="store_true", help="supprimer la base à la fin")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL n'est pas défini (voir README).")
    url, name = _bench_url(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = url

    import django

    django.setup()
    from django.db import connection, reset_queries

    _ensure_database(name)
    try:
        count, generated = _archive(args.deliberations)
        admin, elu, body_short = _users()
        queries = _queries(body_short)
        rows: list[tuple[str, str, float, float, int]] = []
        everything: list[float] = []
        for who, user in (("superutilisateur", admin), (f"élu ({body_short})", elu)):
            for label, text, options in queries:
                _search_page(user, text, options)  # warm-up: plans, caches
                timings = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    found = _search_page(user, text, options)
                    timings.append((time.perf_counter() - start) * 1000)
                    reset_queries()
                everything += timings
                rows.append(
                    (who, label, statistics.median(timings), _percentile(timings, 0.95), found)
                )
        connection.close()
    finally:
        if args.drop:
            _drop_database(name)

    print(f"Recherche sur {count} délibérations (base {name})")
    if generated:
        print(f"  archive générée en {generated:.0f} s")
    print(f"  {'compte':<20} {'recherche':<26} {'médiane':>9} {'p95':>9} {'résultats':>10}")
    for who, label, median, p95, found in rows:
        print(f"  {who:<20} {label:<26} {median:7.1f} ms {p95:6.1f} ms {found:>10}")
    median_all = statistics.median(everything)
    p95_all = _percentile(everything, 0.95)
    verdict = "OK" if p95_all < GOAL_MS else "DÉPASSÉ"
    print(
        f"  toutes recherches ({len(everything)}) : médiane {median_all:.1f} ms, "
        f"p95 {p95_all:.1f} ms (objectif p95 < {GOAL_MS:.0f} ms) {verdict}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
