"""`make run`: migrate, load the demo once, then serve on http://127.0.0.1:8000.

`make run` calls this with DATABASE_URL set (by default, the embedded PostgreSQL that
scripts/devdb.py starts). Each step is cheap when already done, so it runs every time:
`load_demo --if-empty` loads nothing when the demo is there, and the demo signing
certificate is only made when its file is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = "127.0.0.1:8000"
DEMO_PASSWORD = "demo-pma-2023"
# pma_governance.demo.loader.DEMO_SIGNING_PASSPHRASE: typed by admin and elu to sign.
DEMO_SIGNING_PASSPHRASE = "signature-demo-2023"
DEMO_ACCOUNTS = (
    ("secretariat", "secrétariat des assemblées : séances, présences, votes, PV"),
    ("admin", "Alain Bavay, président : signe, transmet, publie"),
    ("elu", "François Lemaire, élu et secrétaire de séance : consulte, cosigne"),
)


def prepare() -> None:
    """Bring the database and files up to date."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False)
    # The demo's PAdES certificate, in DEBUG only: otherwise SIGNING_PKCS12_PATH names the
    # body's real certificate, which a demo one must never replace.
    # An older demo PKI without its authority's key cannot issue the signatories' own
    # certificates (load_demo): it is made again, in DEBUG only.
    demo = Path(settings.SIGNING_PKCS12_PATH)
    authority_key = demo.with_suffix(".root.key.pem")  # lib.certificates.root_key_path
    if settings.DEBUG and not (demo.exists() and authority_key.exists()):
        call_command("make_demo_certificate", "--force")
    # The acts of 2023 are signed as they were (PV of 4 April, deliberations), each
    # signatory with the certificate the demo authority issues him.
    sign = ["--sign"] if authority_key.exists() else []
    call_command("load_demo", "--if-empty", *sign)
    if not settings.DEBUG:
        # WhiteNoise serves the collected files, under their hashed names (runserver's own
        # handler, `--insecure`, would look for those names in the sources and miss them).
        call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


def print_accounts() -> None:
    width = max(len(login) for login, _ in DEMO_ACCOUNTS)
    logins = ", ".join(login for login, _ in DEMO_ACCOUNTS)
    print()
    print(f"Comptes de démonstration : {logins} (mot de passe : {DEMO_PASSWORD})")
    for login, role in DEMO_ACCOUNTS:
        print(f"  {login:<{width}}  {role}")
    print(
        "Double authentification : à la première connexion, scannez le QR code avec une "
        "application d'authentification (FreeOTP, Aegis…), puis donnez son code à chaque "
        "connexion."
        "\nPhrase secrète des certificats de signature de démonstration (admin, elu) : "
        f"{DEMO_SIGNING_PASSPHRASE}"
    )
    print(f"PMA Governance : http://{ADDRESS}/  (Ctrl+C pour arrêter)")
    print(flush=True)


def enter_project(target: str) -> bool:
    """Work from the project's root, with its settings; False (having said why) when
    DATABASE_URL is missing, i.e. when this script was not started by `make <target>`."""
    if not os.environ.get("DATABASE_URL"):
        print(
            f"DATABASE_URL n'est pas défini : lancez `make {target}` / "
            f"DATABASE_URL is not set: use `make {target}`",
            file=sys.stderr,
        )
        return False
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pma_governance.settings")
    return True


def main() -> int:
    if not enter_project("run"):
        return 1
    prepare()
    print_accounts()
    # Hand over to manage.py: runserver's autoreloader re-executes its own command line,
    # which must not be this script (it would migrate again on every reload).
    argv = [sys.executable, str(ROOT / "manage.py"), "runserver", ADDRESS]
    if os.name == "posix":
        os.execv(sys.executable, argv)
    return subprocess.call(argv)


if __name__ == "__main__":
    raise SystemExit(main())
