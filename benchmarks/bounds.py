"""The largest act allowed, as a PDF: `python benchmarks/bounds.py` (DATABASE_URL as for tests).

Every text of one deliberation of the demo is filled to its limit
(pma_governance/lib/limits.py): title, visas, considérants, the debate of its item and the
dispositif, written as the secretariat writes them (paragraphs, lines of the dispositif).
Prints the time to render its extrait (facts + template + WeasyPrint), median of a few runs,
and its size; goal < 5 s.

It works in a throwaway database (test_<name>), dropped at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pma_governance.settings")

SENTENCE = (
    "Considérant que le Pôle métropolitain de l'Artois conduit avec l'Agence d'urbanisme "
    "de l'Artois des travaux d'intérêt partagé pour la Chaîne des parcs et la mobilité ; "
)


def filled(limit: int, *, paragraph: int, opening: str = "", closing: str = "") -> str:
    """Text of exactly `limit` characters, cut into paragraphs of about `paragraph`."""
    body = []
    size = 0
    while True:
        words = (SENTENCE * (paragraph // len(SENTENCE) + 1))[:paragraph]
        piece = opening + words + closing
        if size + len(piece) > limit:
            break
        body.append(piece)
        size += len(piece)
    rest = limit - size - len(opening) - len(closing)
    if rest > 0:
        body.append(opening + SENTENCE[:rest] + closing)
    return "".join(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from deliberations.models import Deliberation
    from meetings.models import AgendaItem
    from pma_governance.documents.catalog import document_pdf
    from pma_governance.lib import limits

    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_demo", stdout=io.StringIO())
        act = Deliberation.objects.filter(item__isnull=False).order_by("id").first()
        assert act is not None and act.item_id is not None
        visa = filled(limits.VISA, paragraph=limits.VISA)
        visas = [visa] * (limits.VISAS_TOTAL // limits.VISA)
        texts = {
            "title": filled(Deliberation._meta.get_field("title").max_length or 0, paragraph=400),
            "visas": visas,
            "considerants": filled(
                limits.CONSIDERANTS, paragraph=900, opening="<p>", closing="</p>"
            ),
            "dispositif": filled(limits.DISPOSITIF, paragraph=300, closing="\n"),
        }
        debate = filled(limits.DEBATE, paragraph=900, opening="<p>", closing="</p>")
        # The database checks the limits too: a text over one would be refused here.
        Deliberation.objects.filter(pk=act.pk).update(**texts)
        AgendaItem.objects.filter(pk=act.item_id).update(debate_summary=debate)
        act.refresh_from_db()
        act.full_clean()
        characters = sum(len(t) for t in (texts["title"], *visas, debate))
        characters += len(texts["considerants"]) + len(texts["dispositif"])

        pdf = document_pdf("deliberation", deliberation=act)  # warm-up: fonts, templates
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            pdf = document_pdf("deliberation", deliberation=act)
            timings.append(time.perf_counter() - start)
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    seconds = statistics.median(timings)
    print("Extrait d'une délibération dont chaque texte est à sa limite")
    print(f"  textes                  : {characters:9,d} caractères".replace(",", "\u202f"))
    print(f"  PDF                     : {len(pdf) // 1024:9d} Kio")
    print(
        f"  rendu                   : {seconds:9.2f} s (médiane de {args.repeat}) "
        f"(objectif < 5 s) {'OK' if seconds < 5 else 'DÉPASSÉ'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
