"""The room live and electronic voting under load: `python benchmarks/live.py` (DATABASE_URL
as for tests).

Starts the production server (gunicorn with gunicorn.conf.py, DEBUG off, as `make serve`)
on a free port of 127.0.0.1, against a database of its own (`<name>_live_bench`, migrated
and filled here: a body of 70 titulaires, each with an account, a session of 10 voted
items, electronic voting on, every member present but two who gave a pouvoir). Then 70
élus log in over HTTP and follow the live view of their device, polling its state with
If-None-Match every 500 ms as static/js/app.js does; the secretariat (over HTTP too,
logged in with its TOTP code) opens a roll-call poll on each item in turn, each élu casts
his vote — and his mandant's — from the voting form as soon as his device shows it (CSRF
token included), and once every voice is cast the secretariat closes the poll.

Prints the latency from each recorded change (a version of the session, stamped by a
trigger the benchmark adds to its own database when the change is written) to each device's
first 200 showing it (median, p95, max; goal p95 < 1 s), the time from opening to the
recorded vote for each item (goal < 10 s), and checks that the votes counted (Vote tallies,
NamedVote rows) are exactly the votes last cast. Stops gunicorn and drops its database at
the end, even on Ctrl-C.
"""

from __future__ import annotations

import argparse
import html
import math
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pma_governance.settings")
# The accounts created here are not security events worth printing.
os.environ.setdefault("SECURITY_LOG_LEVEL", "WARNING")

PASSWORD = "banc-d-essai-en-direct-2026"
LATENCY_GOAL = 1.0
ITEM_GOAL = 10.0
CHOICES = ("for", "against", "abstain")
ETAG_VERSION = re.compile(r'-(\d+)"?$')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIVE_ETAG = re.compile(r'data-live-etag="([^"]+)"')
BALLOT_FORM = re.compile(
    r'action="(/espace/seances/\d+/en-direct/scrutins/(\d+)/voter/)".*?'
    r'name="for_mandate" value="(\d+)"',
    re.S,
)
CLOSE_URL = re.compile(r"/seances/\d+/seance/scrutin/(\d+)/clore/")
# The benchmark's own trigger: when each version of the session was written (same clock as
# time.time(), this machine's).
STAMP_SQL = [
    "CREATE TABLE bench_version (version bigint, at double precision)",
    """
CREATE FUNCTION bench_version_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bench_version VALUES (NEW.version, extract(epoch FROM clock_timestamp()));
  RETURN NULL;
END $$;
""",
    "CREATE TRIGGER bench_version_stamp AFTER INSERT OR UPDATE ON live_sessionscreen "
    "FOR EACH ROW EXECUTE FUNCTION bench_version_stamp();",
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10, help="points votés à la suite (10)")
    parser.add_argument("--members", type=int, default=70, help="titulaires connectés (70)")
    parser.add_argument(
        "--interval", type=float, default=0.5, help="période d'interrogation des appareils, s"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="attente maximale d'un scrutin, s"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.items <= 100:
        parser.error("--items : entre 1 et 100")
    if not 4 <= args.members <= 300:
        parser.error("--members : entre 4 et 300")
    if not 0.05 <= args.interval <= 10:
        parser.error("--interval : entre 0,05 et 10 s")
    return args


def bench_url(url: str) -> tuple[str, str]:
    """DATABASE_URL with the benchmark's own database name, and that name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "postgres"
    bench = f"{name}_live_bench"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def session_document(members: int, items: int) -> dict[str, Any]:
    """An interchange document (pma_governance/interchange): the body, its titulaires, the
    session with its roll (two absents gave a pouvoir) and `items` deliberations to vote."""
    ids = [f"m{n:03d}" for n in range(1, members + 1)]
    mandates = [
        {
            "id": mid,
            "civility": "Mme" if n % 2 else "M.",
            "first_name": "Élu",
            "last_name": f"Banc {n:03d}",
            "role": "titulaire",
        }
        for n, mid in enumerate(ids, start=1)
    ]
    mandates[0]["office"] = "Président"
    givers, holders = ids[-2:], ids[2:4]
    return {
        "format": "pma-governance.session/1",
        "body": {
            "name": "Syndicat mixte du banc d'essai",
            "short_name": "SMB",
            "assembly": "Comité syndical",
            "legal_form": "syndicat mixte ouvert",
            "siren": "200060358",
            "department": "062",
            "seat_city": "Lens",
            "address": "1 place de l'Essai, 62300 Lens",
            "administrative_court": "Lille",
            "rules": {
                "quorum_fraction": "1/2",
                "quorum_counts_proxies": True,
                "max_proxies_per_holder": 1,
                "substitutes": False,
            },
            "numbering": "{year}/SMB{seq:05d}",
        },
        "mandates": mandates,
        "session": {
            "date": time.strftime("%Y-%m-%d"),
            "time": "18:00",
            "place": "Salle du comité",
            "convened_on": None,
            "president": ids[0],
            "secretary": ids[1],
            "present": ids[:-2],
            "substitutes": [],
            "proxies": [{"from": g, "to": h} for g, h in zip(givers, holders, strict=True)],
            "excused": [],
            "items": [
                {
                    "kind": "deliberation",
                    "title": f"Point {n} soumis au vote électronique",
                    "nature": "1",
                    "matiere": "7.5",
                    "dispositif": "APPROUVE la proposition.",
                }
                for n in range(1, items + 1)
            ],
        },
    }


@dataclass
class Prepared:
    session_pk: int
    items: list[int]
    elus: list[tuple[str, int]]  # (username, own mandate pk)
    voices: int
    secretariat: str = "secretariat"


def prepare(members: int, items: int) -> Prepared:
    """Fill the (migrated) benchmark database: the session, the accounts, the stamps."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from meetings.models import AgendaItem
    from members.models import BodyAccess, Mandate
    from pma_governance.accounts.policy import two_factor_required
    from pma_governance.interchange.importer import import_document
    from pma_governance.lib.roles import ELECTED, SECRETARIAT, ensure_roles
    from pma_governance.live.evote import electronic_vote_set, item_voices

    session = import_document(session_document(members, items))
    electronic_vote_set(session=session, enabled=True)
    groups = ensure_roles()
    users = get_user_model()
    # One hash for every account (same password): the preparation stays quick.
    password = make_password(PASSWORD)
    secretariat = users.objects.create(username="secretariat", password=password)
    secretariat.groups.add(groups[SECRETARIAT])
    BodyAccess.objects.create(user=secretariat, body=session.body)
    elus = []
    for mandate in Mandate.objects.filter(body=session.body).select_related("person"):
        user = users.objects.create(username=mandate.external_id, password=password)
        user.groups.add(groups[ELECTED])
        mandate.person.user = user
        mandate.person.save(update_fields=["user"])
        elus.append((user, mandate.pk))
    for user in [secretariat, *(u for u, _ in elus)]:
        if two_factor_required(user):
            TOTPDevice.objects.create(user=user, name="Banc d'essai", confirmed=True)
    item_pks = list(
        AgendaItem.objects.filter(session=session).order_by("position").values_list("pk", flat=True)
    )
    voices = len(item_voices(AgendaItem.objects.get(pk=item_pks[0])).all)
    with connection.cursor() as cursor:
        for statement in STAMP_SQL:
            cursor.execute(statement)
    return Prepared(
        session_pk=session.pk,
        items=item_pks,
        elus=sorted((u.username, pk) for u, pk in elus),
        voices=voices,
    )


def totp_code(username: str) -> str:
    """The code the account's application shows now (a step ahead if this one was used)."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


def refusal(page: str) -> str:
    """The French reason a page gives (its alerts), for an error message."""
    found = re.findall(r'class="alert alert-danger[^"]*"[^>]*>(.*?)</(?:div|p)>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found)[:500]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def version_of(etag: str) -> int:
    match = ETAG_VERSION.search(etag)
    return int(match.group(1)) if match else -1


def csrf_of(page: str) -> str:
    match = CSRF.search(page)
    if not match:
        raise RuntimeError("jeton CSRF introuvable dans la page")
    return match.group(1)


def log_in(base: str, username: str) -> requests.Session:
    """The login form, then the code page when the account has an application."""
    client = requests.Session()
    page = client.get(f"{base}/connexion/", timeout=30)
    response = client.post(
        f"{base}/connexion/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_of(page.text),
        },
        timeout=60,
    )
    if "/connexion/code/" in response.url:
        response = client.post(
            response.url,
            data={"code": totp_code(username), "csrfmiddlewaretoken": csrf_of(response.text)},
            timeout=30,
        )
    if response.status_code != 200 or "/connexion/" in response.url:
        raise RuntimeError(f"connexion refusée pour {username} ({response.url})")
    return client


@dataclass
class Ledger:
    """What the clients saw and did, shared by their threads."""

    seen: dict[str, list[tuple[float, int]]] = field(default_factory=dict)  # 200s
    cast: dict[tuple[int, int], str] = field(default_factory=dict)  # (poll, voice): choice
    cast_at: dict[int, list[float]] = field(default_factory=dict)
    requests: int = 0
    not_modified: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(default_factory=threading.Condition)


class Device(threading.Thread):
    """One élu's phone: polls the live state as app.js does, votes when a poll shows."""

    def __init__(
        self,
        base: str,
        session_pk: int,
        username: str,
        client: requests.Session,
        ledger: Ledger,
        interval: float,
        stop: threading.Event,
        rank: int,
    ) -> None:
        super().__init__(name=f"device-{username}", daemon=True)
        self.base, self.username, self.client = base, username, client
        self.page_url = f"{base}/espace/seances/{session_pk}/en-direct/"
        self.state_url = f"{self.page_url}etat/"
        self.ledger, self.interval, self.stop, self.rank = ledger, interval, stop, rank
        self.etag = ""
        self.voted: set[tuple[int, int]] = set()

    def _saw(self, etag: str) -> None:
        with self.ledger.lock:
            self.ledger.seen.setdefault(self.username, []).append((time.time(), version_of(etag)))

    def open_page(self) -> None:
        page = self.client.get(self.page_url, timeout=30)
        page.raise_for_status()
        match = LIVE_ETAG.search(page.text)
        self.etag = html.unescape(match.group(1)) if match else ""
        self._saw(self.etag)

    def choice(self, poll: int, voice: int) -> str:
        # Mostly « pour », some « contre » and abstentions, varying by poll.
        turn = (poll + voice) % 10
        return "against" if turn == 0 else "abstain" if turn == 1 else "for"

    def vote(self, fragment: str) -> None:
        for action, poll_text, voice_text in BALLOT_FORM.findall(fragment):
            poll, voice = int(poll_text), int(voice_text)
            if (poll, voice) in self.voted:
                continue
            choices = [self.choice(poll, voice)]
            if self.rank % 17 == 0:
                # A few change their mind before the closing: the last vote counts.
                choices.insert(0, "abstain" if choices[0] != "abstain" else "for")
            for choice in choices:
                # A form's submission, as the browser does it: then the page it redirects to.
                response = self.client.post(
                    self.base + action,
                    data={
                        "csrfmiddlewaretoken": csrf_of(fragment),
                        "for_mandate": voice,
                        "choice": choice,
                    },
                    timeout=30,
                )
                if response.status_code != 200 or "enregistré" not in response.text:
                    with self.ledger.lock:
                        self.ledger.errors.append(f"{self.username}: vote refusé ({poll}, {voice})")
                    return
                match = LIVE_ETAG.search(response.text)
                self.etag = html.unescape(match.group(1)) if match else ""
                self._saw(self.etag)
            self.voted.add((poll, voice))
            with self.ledger.changed:
                self.ledger.cast[(poll, voice)] = choices[-1]
                self.ledger.cast_at.setdefault(poll, []).append(time.time())
                self.ledger.changed.notify_all()

    def run(self) -> None:
        # Devices do not all start on the same beat.
        self.stop.wait(self.interval * (self.rank % 10) / 10)
        while not self.stop.is_set():
            wait = self.interval
            try:
                response = self.client.get(
                    self.state_url,
                    headers={"If-None-Match": self.etag} if self.etag else {},
                    allow_redirects=False,
                    timeout=30,
                )
                with self.ledger.lock:
                    self.ledger.requests += 1
                    self.ledger.not_modified += response.status_code == 304
                if response.status_code == 200:
                    self.etag = response.headers.get("ETag", "")
                    self._saw(self.etag)
                    if "/voter/" in response.text:
                        self.vote(response.text)
                elif response.status_code != 304:
                    wait = 2.0
                    with self.ledger.lock:
                        self.ledger.errors.append(f"{self.username}: {response.status_code}")
            except requests.RequestException as error:
                wait = 2.0
                with self.ledger.lock:
                    self.ledger.errors.append(f"{self.username}: {error}")
            self.stop.wait(wait)


def stamps() -> list[tuple[int, float]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version, at FROM bench_version ORDER BY version")
        return [(int(v), float(at)) for v, at in cursor.fetchall()]


def latest_version() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(version), 0) FROM bench_version")
        return int(cursor.fetchone()[0])


def latencies(ledger: Ledger, versions: list[tuple[int, float]]) -> tuple[list[float], int]:
    """Per (change, device): from the change's stamp to the device's first 200 showing it
    (or a later version); and how many pairs were never seen."""
    found: list[float] = []
    missed = 0
    for seen in ledger.seen.values():
        seen = sorted(seen)
        for version, at in versions:
            first = next((t for t, v in seen if v >= version and t >= at), None)
            if first is None:
                missed += 1
            else:
                found.append(first - at)
    return found, missed


def check_counts(ledger: Ledger, polls: dict[int, int]) -> list[str]:
    """Every vote last cast is counted, and nothing else: tallies and names."""
    from collections import Counter

    from deliberations.models import NamedVote, Vote

    problems = []
    for item_pk, poll in polls.items():
        cast = {voice: c for (p, voice), c in ledger.cast.items() if p == poll}
        vote = Vote.objects.get(item_id=item_pk)
        named = dict(NamedVote.objects.filter(vote=vote).values_list("mandate_id", "choice"))
        tally = Counter(cast.values())
        counted = (vote.votes_for, vote.votes_against, vote.abstentions)
        expected = (tally["for"], tally["against"], tally["abstain"])
        if counted != expected:
            problems.append(f"point {item_pk} : décompte {counted}, votes exprimés {expected}")
        if named != cast:
            problems.append(f"point {item_pk} : noms au PV ≠ votes exprimés")
    return problems


@contextmanager
def gunicorn(port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """The production server as `make serve` starts it, in its own process group."""
    argv = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "pma_governance.wsgi",
    ]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/sante/", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError("gunicorn n'a pas démarré :\n" + log.read().decode()[-3000:])
                time.sleep(0.2)
            yield server
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=35)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()


def run_polls(
    args: argparse.Namespace, base: str, prepared: Prepared, ledger: Ledger
) -> tuple[dict[int, int], list[dict[str, float]], list[tuple[int, float]]]:
    """The secretariat's loop: open, wait for every voice, close; item by item."""
    secretariat = log_in(base, prepared.secretariat)
    live_url = f"{base}/seances/{prepared.session_pk}/seance/"
    token = csrf_of(secretariat.get(live_url, timeout=30).text)
    htmx = {"HX-Request": "true", "X-CSRFToken": token}
    polls: dict[int, int] = {}
    timings: list[dict[str, float]] = []
    marks: list[tuple[int, float]] = []  # versions of the openings and closings
    for item_pk in prepared.items[: args.items]:
        start = time.time()
        response = secretariat.post(
            f"{live_url}points/{item_pk}/scrutin/",
            data={"mode": "public"},
            headers=htmx,
            timeout=60,
        )
        # The live screen's poll panel (polled beside the roll) has the closing form.
        panel = secretariat.get(f"{live_url}scrutin/etat/", timeout=30)
        match = CLOSE_URL.search(panel.text)
        if response.status_code != 200 or not match:
            raise RuntimeError(
                f"ouverture du scrutin refusée sur le point {item_pk} "
                f"({response.status_code}) : {refusal(response.text)}"
            )
        poll = int(match.group(1))
        polls[item_pk] = poll
        opened = time.time()
        marks.append((latest_version(), opened))

        def all_cast(poll: int = poll) -> bool:
            return sum(1 for p, _ in ledger.cast if p == poll) >= prepared.voices

        with ledger.changed:
            done = ledger.changed.wait_for(all_cast, timeout=args.timeout)
        if not done:
            raise RuntimeError(f"scrutin {poll} : toutes les voix ne sont pas exprimées à temps")
        last_cast = max(ledger.cast_at[poll])
        response = secretariat.post(
            f"{live_url}scrutin/{poll}/clore/", data={}, headers=htmx, timeout=60
        )
        if response.status_code != 200 or refusal(response.text):
            raise RuntimeError(f"clôture du scrutin {poll} refusée : {refusal(response.text)}")
        closed = time.time()
        marks.append((latest_version(), closed))
        timings.append(
            {
                "open": opened - start,
                "first": min(ledger.cast_at[poll]) - start,
                "cast": last_cast - start,
                "closed": closed - start,
            }
        )
    return polls, timings, marks


def report(
    args: argparse.Namespace,
    prepared: Prepared,
    ledger: Ledger,
    timings: list[dict[str, float]],
    versions: list[tuple[int, float]],
    marks: list[tuple[int, float]],
    problems: list[str],
    duration: float,
) -> bool:
    lags, missed = latencies(ledger, versions)
    marked = {v for v, _ in marks}
    mark_lags, _ = latencies(ledger, [(v, at) for v, at in versions if v in marked])
    print(
        f"Séance en direct : {len(ledger.seen)} appareils d'élus (interrogation toutes les "
        f"{args.interval * 1000:.0f} ms), {len(timings)} scrutins publics de "
        f"{prepared.voices} voix, gunicorn {os.environ.get('WEB_CONCURRENCY', '2')} × "
        f"{os.environ.get('GUNICORN_THREADS', '4')} fils"
    )
    print(
        f"  requêtes d'état : {ledger.requests} en {duration:.0f} s "
        f"({ledger.requests / duration:.0f}/s), dont {ledger.not_modified} « 304 »"
    )
    ok = True
    for label, values in (
        ("tout changement (ouvertures, votes, clôtures)", lags),
        ("ouvertures et résultats enregistrés", mark_lags),
    ):
        if not values:
            continue
        p95 = percentile(values, 0.95)
        verdict = "OK" if p95 < LATENCY_GOAL else "DÉPASSÉ"
        ok &= p95 < LATENCY_GOAL
        print(f"  délai changement → chaque appareil, {label} ({len(values)} mesures) :")
        print(
            f"    médiane {statistics.median(values) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {max(values) * 1000:.0f} ms (objectif p95 < 1 s) {verdict}"
        )
    if missed:
        ok = False
        print(f"  {missed} changements jamais vus par un appareil")
    print("  par scrutin (depuis l'ouverture) : voix toutes exprimées / vote enregistré")
    for n, t in enumerate(timings, start=1):
        print(f"    point {n:2d} : {t['cast']:5.2f} s / {t['closed']:5.2f} s")
    worst = max(t["closed"] for t in timings)
    verdict = "OK" if worst < ITEM_GOAL else "DÉPASSÉ"
    ok &= worst < ITEM_GOAL
    print(
        f"  {prepared.voices} votes exprimés et comptés : médiane "
        f"{statistics.median(t['closed'] for t in timings):.2f} s, max {worst:.2f} s "
        f"(objectif < 10 s) {verdict}"
    )
    cast = len(ledger.cast)
    if problems:
        ok = False
        for line in problems:
            print(f"  ERREUR : {line}")
    else:
        print(f"  votes comptés = votes exprimés : {cast} voix sur {len(timings)} points, OK")
    if ledger.errors:
        ok = False
        print(
            f"  {len(ledger.errors)} erreurs (l'appareil réessaie 2 s plus tard), dont : {'; '.join(ledger.errors[:5])}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL n'est pas défini (voir README).")
    url, name = bench_url(os.environ["DATABASE_URL"])
    os.environ["DATABASE_URL"] = url
    os.environ.pop("DATABASE_MIGRATE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    def drop() -> None:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    static = tempfile.TemporaryDirectory(prefix="live-bench-static-")
    try:
        print(f"Préparation de la base {name}…", flush=True)
        call_command("migrate", verbosity=0)
        prepared = prepare(args.members, args.items)
        port = free_port()
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "PORT": str(port),
            "BIND_ADDRESS": "127.0.0.1",
            "STATIC_ROOT": static.name,
            # Plain HTTP on the loopback: cookies are not kept for HTTPS only.
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "LOGIN_FAILURE_LIMIT": "1000",
        }
        call_command_env(["collectstatic", "--noinput", "-v", "0"], env)
        base = f"http://127.0.0.1:{port}"
        with gunicorn(port, env):
            print(f"gunicorn sur {base} ; connexion de {len(prepared.elus)} élus…", flush=True)
            ledger = Ledger()
            stop = threading.Event()
            names = [username for username, _ in prepared.elus]
            # A few at a time: each login checks a password hash (slow on purpose).
            with ThreadPoolExecutor(max_workers=4) as pool:
                clients = list(pool.map(lambda username: log_in(base, username), names))
            devices = [
                Device(
                    base, prepared.session_pk, username, client, ledger, args.interval, stop, rank
                )
                for rank, (username, client) in enumerate(zip(names, clients, strict=True))
            ]
            for device in devices:
                device.open_page()
            for device in devices:
                device.start()
            started = time.time()
            try:
                time.sleep(2 * args.interval)  # every device polling
                polls, timings, marks = run_polls(args, base, prepared, ledger)
                # Until every device shows the last result (bounded).
                final = latest_version()
                deadline = time.time() + 10
                while time.time() < deadline and any(
                    max(v for _, v in ledger.seen.get(d.username, [(0, -1)])) < final
                    for d in devices
                ):
                    time.sleep(0.1)
            finally:
                stop.set()
                for device in devices:
                    device.join(timeout=35)
            duration = time.time() - started
        versions = [(v, at) for v, at in stamps() if at >= started and v <= final]
        problems = check_counts(ledger, polls)
        ok = report(args, prepared, ledger, timings, versions, marks, problems, duration)
    finally:
        static.cleanup()
        drop()
    return 0 if ok else 1


def call_command_env(argv: list[str], env: dict[str, str]) -> None:
    """A manage.py command with the server's environment (DEBUG off: hashed static names)."""
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *argv], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        raise SystemExit(130) from None
