"""`manage.py migrate`, as the owner of the tables when DATABASE_MIGRATE_URL is set.

The application connects with DATABASE_URL, a role with data rights only: it cannot
create, alter or drop a table, nor disable, drop or replace the triggers that freeze
signed acts. Migrations need the owner: with DATABASE_MIGRATE_URL set, this command
migrates with the owner's user and password, then grants the runtime role the data
rights on every table (those just created included), and warns if that role could still
undo the freeze. Without it, it is Django's `migrate` (development, CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from pma_governance.lib.dbroles import grant_data_rights, owner_settings, runtime_role_problems


@contextmanager
def as_owner(connection: BaseDatabaseWrapper, owner: dict[str, Any]) -> Iterator[None]:
    """The connection logs in with the owner's credentials, then again with its own."""
    own = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(own)


class Command(migrate.Command):
    help = migrate.Command.help + " En tant que propriétaire si DATABASE_MIGRATE_URL est défini."

    def handle(self, *args: Any, **options: Any) -> None:
        url = getattr(settings, "DATABASE_MIGRATE_URL", "")
        if not url:
            super().handle(*args, **options)
            return
        connection = connections[options["database"]]
        runtime_role = str(connection.settings_dict["USER"])
        owner = owner_settings(connection.settings_dict, url)
        with as_owner(connection, owner):
            super().handle(*args, **options)
            if runtime_role and runtime_role != owner["USER"]:
                with connection.cursor() as cursor:
                    grant_data_rights(cursor, runtime_role)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Rôle d'exécution {runtime_role} : lecture et écriture des données, "
                "sans droit sur les tables ni sur leurs déclencheurs."
            )
        with connection.cursor() as cursor:
            problems = runtime_role_problems(cursor, runtime_role)
        for problem in problems:
            self.stderr.write(
                f"Attention : {problem}. Le gel des actes signés ne tient pas contre "
                "DATABASE_URL (README « Base de données »)."
            )
