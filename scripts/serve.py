"""`make serve`: the app as production runs it — migrate, collect the static files, then
hand over to gunicorn (gunicorn.conf.py) on $PORT, with DEBUG off.

`make serve` calls this with DATABASE_URL set (without one, the embedded PostgreSQL that
scripts/devdb.py starts, as for `make run`). Nothing of the demo is loaded. The settings
come from the environment (README « Mise en production »): SECRET_KEY is required.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The script beside this one (scripts/ is on sys.path when a script of it runs).
from run_dev import enter_project

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def prepare() -> None:
    """Bring the database schema and the collected static files up to date."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise SystemExit(
            f"make serve : configuration incomplète / incomplete settings: {error}"
        ) from None
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=1)
    # Hashed names and gzip/brotli copies, which WhiteNoise serves (settings.STORAGES).
    print("Collecte des fichiers statiques (collectstatic)…", flush=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


def main() -> int:
    if not enter_project("serve"):
        return 1
    os.environ["DEBUG"] = "0"
    prepare()
    port = os.environ.get("PORT", "8000")
    print(f"PMA Governance (production) : port {port} (Ctrl+C pour arrêter)", flush=True)
    # gunicorn takes this process's place: a service manager's signals reach it directly.
    argv = [str(GUNICORN), "--config", str(ROOT / "gunicorn.conf.py"), "pma_governance.wsgi"]
    os.execv(argv[0], argv)


if __name__ == "__main__":
    raise SystemExit(main())
