"""The two database roles: the owner that migrates, the runtime role the application uses.

The freeze of signed acts is kept by triggers (`db.FreezeTrigger`). A trigger holds only
against a role that cannot disable, drop or replace it, and only the owner of a table (or
a superuser) can: so the application runs as a role with data rights only — read, insert,
update, delete — and `manage.py migrate` runs as the owner (`DATABASE_MIGRATE_URL`).
These functions take a DB-API cursor (Django's or psycopg's); no app is imported here.
"""

from __future__ import annotations

from typing import Any, Protocol

from pma_governance.lib.envconf import database_from_url

SCHEMA = "public"
DATA_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...


def quote_ident(name: str) -> str:
    """A role or schema name as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def owner_settings(settings_dict: dict[str, Any], migrate_url: str) -> dict[str, Any]:
    """The connection settings with the owner's credentials (DATABASE_MIGRATE_URL), if set."""
    conf = dict(settings_dict)
    if migrate_url:
        owner = database_from_url(migrate_url)
        conf.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    return conf


def create_runtime_role(cursor: Cursor, role: str, password: str | None = None) -> None:
    """Create `role` (LOGIN, nothing else) unless it exists; set its password if given."""
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    options = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
    if password is not None:
        # Utility statements take no parameters: the literal is quoted here.
        options += " PASSWORD '" + password.replace("'", "''") + "'"
    cursor.execute(f"{verb} ROLE {quote_ident(role)} {options}")


def grant_data_rights(cursor: Cursor, role: str) -> None:
    """Give `role` the data rights on every table and sequence, now and to come.

    Run as the owner after each migration: the tables it creates later get the same
    rights (default privileges of the owner), and nothing else is granted — no TRUNCATE,
    no REFERENCES, no TRIGGER, and no ownership, so no ALTER, DROP or DISABLE.
    """
    who, schema = quote_ident(role), quote_ident(SCHEMA)
    cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {who}")
    cursor.execute(f"GRANT {DATA_RIGHTS} ON ALL TABLES IN SCHEMA {schema} TO {who}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {who}")
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT {DATA_RIGHTS} ON TABLES TO {who}"
    )
    cursor.execute(
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {who}"
    )


def runtime_role_problems(cursor: Cursor, role: str) -> list[str]:
    """Why `role` could still undo the freeze, in French; empty when it cannot."""
    cursor.execute(
        "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = %s",
        [role],
    )
    row = cursor.fetchone()
    if row is None:
        return [f"le rôle {role} n'existe pas"]
    problems = []
    if row[0]:
        problems.append(f"le rôle {role} est superutilisateur : il passe outre tout")
    elif row[1]:
        problems.append(
            f"le rôle {role} peut créer des rôles (CREATEROLE) : il peut se donner ceux du "
            "propriétaire"
        )
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') "
        "AND pg_has_role(%s, c.relowner, 'MEMBER') ORDER BY c.relname LIMIT 3",
        [SCHEMA, role],
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned and not row[0]:
        problems.append(
            f"le rôle {role} possède des tables (ou en hérite les droits du propriétaire) : "
            + ", ".join(owned)
            + "… — il peut désactiver ou supprimer leurs déclencheurs"
        )
    return problems
