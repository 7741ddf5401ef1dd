"""PDF speed and memory, from one run: `python benchmarks/pdf.py` (DATABASE_URL as for tests).

Prints, for the demo PV of 13 June 2023:
- the time to produce the PV through the app (facts + template + WeasyPrint), the time
  WeasyPrint alone takes on the same HTML, and their ratio (goal ≤ 1.15);
- the median time to serve the signed PV over HTTP (goal < 20 ms);
- how much the process grows while rendering 50 PVs in a row (goal ≤ 50 MB).

It works in a throwaway database (test_<name>), dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import io
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pma_governance.settings")


def _median_seconds(run: Callable[[], Any], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadedServer(WSGIServer):
    daemon_threads = True


def _serve(app: Any) -> tuple[WSGIServer, int]:
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadedServer, handler_class=_QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def _rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    parser.add_argument("--requests", type=int, default=50, help="HTTP requests (median)")
    parser.add_argument("--renders", type=int, default=50, help="PVs rendered for memory")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from weasyprint import HTML

    from meetings.models import ProcesVerbal, Session
    from pma_governance.demo.loader import DEMO_SIGNING_PASSPHRASE
    from pma_governance.documents.catalog import document_context, document_kind, document_pdf
    from pma_governance.documents.consents import Hand, pv_sign
    from pma_governance.lib import pdf as render

    settings.ALLOWED_HOSTS = ["*"]
    workdir = Path(tempfile.mkdtemp(prefix="pma-bench-"))
    settings.SIGNING_PKCS12_PATH = str(workdir / "bench.p12")
    settings.SIGNING_PKCS12_PASSPHRASE = "bench"
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        quiet = io.StringIO()
        call_command("make_demo_certificate", "--force", stdout=quiet)
        call_command("load_demo", stdout=quiet)
        session = Session.objects.select_related("body").get(
            body__short_name="PMA", date="2023-06-13"
        )

        # 1. The PV through the app, then WeasyPrint alone on the very same HTML.
        document_pdf("pv", session=session)  # warm-up: fonts, templates, imports
        app_time = _median_seconds(lambda: document_pdf("pv", session=session), args.repeat)
        spec = document_kind("pv")
        html = render.render_html(spec.template, document_context("pv", session=session))

        def weasyprint_alone() -> None:
            HTML(string=html, base_url=render.BASE_URL, url_fetcher=render._fetcher()).write_pdf(
                font_config=render._font_config(), **render.PDF_OPTIONS
            )

        alone_time = _median_seconds(weasyprint_alone, args.repeat)

        # 2. The signed PV served over HTTP, as stored.
        user_model = get_user_model()
        # Each signatory with the certificate the demo authority issued him (load_demo).
        president = user_model.objects.get(username="admin")
        secretary = user_model.objects.get(username="elu")
        pv = ProcesVerbal.objects.get(session=session)
        pv_sign(
            pv=pv,
            president=Hand(president, DEMO_SIGNING_PASSPHRASE),
            secretary=Hand(secretary, DEMO_SIGNING_PASSPHRASE),
        )
        client = Client()
        client.force_login(president)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        server, port = _serve(WSGIHandler())
        path = f"/documents/seances/{session.pk}/pv.pdf"
        conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        timings, size = [], 0
        for _ in range(args.requests + 3):
            start = time.perf_counter()
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            timings.append(time.perf_counter() - start)
            if response.status != 200:
                raise SystemExit(f"GET {path} → {response.status}")
            size = len(body)
        serve_ms = statistics.median(timings[3:]) * 1000
        conn.close()
        server.shutdown()

        # 3. Memory: many PVs in a row in one process.
        gc.collect()
        before = _rss_mb()
        for _ in range(args.renders):
            document_pdf("pv", session=session)
        gc.collect()
        growth = _rss_mb() - before
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)

    ratio = app_time / alone_time
    print("PDF du procès-verbal de démonstration (13 juin 2023)")
    print(f"  par l'application       : {app_time * 1000:8.1f} ms (médiane de {args.repeat})")
    print(f"  WeasyPrint seul         : {alone_time * 1000:8.1f} ms (même HTML)")
    print(
        f"  rapport                 : {ratio:8.3f}   (objectif ≤ 1,15) {'OK' if ratio <= 1.15 else 'DÉPASSÉ'}"
    )
    print(
        f"  PDF signé servi en HTTP : {serve_ms:8.2f} ms (médiane de {args.requests}, "
        f"{size // 1024} Kio) (objectif < 20 ms) {'OK' if serve_ms < 20 else 'DÉPASSÉ'}"
    )
    print(
        f"  mémoire, {args.renders} PV de suite : {growth:+6.1f} Mo (objectif ≤ 50 Mo) "
        f"{'OK' if growth <= 50 else 'DÉPASSÉ'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
