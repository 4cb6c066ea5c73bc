"""The ``luoshi`` command line: a thin client of the pipeline and the register.

Each command parses its arguments, makes one library call and prints; a
:class:`luoshi.errors.LuoshiError` becomes a one-line message on stderr and exit code 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from luoshi.errors import LuoshiError
from luoshi.indicators.commands import indicators_app  # light: computing modules load lazily

app = typer.Typer(
    help="luoshi (落实): read plans into a sourced register of tasks, targets and projects.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Manage the register's database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")
token_app = typer.Typer(help="Manage API bearer tokens.", no_args_is_help=True)
app.add_typer(token_app, name="token")
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

T = TypeVar("T")
Paths = Annotated[list[Path], typer.Argument(help="Plan files: .txt, .pdf, .docx, .html.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object to stdout.")]


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _guard(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except LuoshiError as exc:
        _fail(str(exc))
        raise  # unreachable; keeps type checkers content


@contextmanager
def _session() -> Iterator[Any]:
    from luoshi.registry.db import database_url, make_engine, session_scope

    engine = make_engine(database_url())
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@app.command()
def extract(paths: Paths, as_json: JsonFlag = False) -> None:
    """Extract tasks, targets and projects from plan files (nothing is stored).

    Example: luoshi extract data/seeds/000_911dc114d7018d40.txt --json
    """
    from luoshi.pipeline import extract_checked

    docs = _guard(lambda: [d for p in paths for d in extract_checked(p)])
    if as_json:
        json.dump({"documents": [d.to_json() for d in docs]}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for d in docs:
        typer.echo(
            f"{d.meta.title} {d.meta.doc_number or ''}\n"
            f"  tasks {len(d.tasks)}, targets {len(d.targets)}, projects {len(d.projects)}, "
            f"departments {len(d.departments)}"
        )


@app.command("import")
def import_(paths: Paths) -> None:
    """Import plan files into the register: idempotent by content, all or nothing.

    Example: luoshi import data/seeds/*.txt
    """
    from luoshi.registry.importer import import_paths

    def run() -> Any:
        with _session() as session:
            return import_paths(session, [str(p) for p in paths])

    report = _guard(run)
    typer.echo(str(report))


@app.command()
def summary() -> None:
    """Print the register: per document its tasks, targets, projects and departments,
    then the disagreements between documents."""
    from luoshi.registry.queries import summary as register_summary

    def run() -> list[Any]:
        with _session() as session:
            return list(register_summary(session))

    rows = _guard(run)
    if not rows:
        typer.echo("The register is empty: run `luoshi import PATH...` first.")
        return
    typer.echo(f"{'document':<44} {'文号':<20} tasks targets projects depts")
    for r in rows:
        typer.echo(
            f"{r.title[:40]:<44} {(r.doc_number or '—'):<20} {r.tasks:>5} {r.targets:>7} "
            f"{r.projects:>8} {r.departments:>5}"
        )
    typer.echo("")
    conflicts(as_json=False)


@app.command()
def conflicts(as_json: JsonFlag = False) -> None:
    """List targets on which documents disagree (same indicator and year, different values)."""
    from luoshi.extraction.conflicts import find_conflicts
    from luoshi.registry.queries import conflict_records

    def run() -> list[Any]:
        with _session() as session:
            records = conflict_records(session)
            return find_conflicts(records)

    found = _guard(run)
    if as_json:
        json.dump({"conflicts": [c.to_json() for c in found]}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    typer.echo(f"Disagreements between documents: {len(found)}")
    for c in found:
        typer.echo(c.describe())


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database named by LUOSHI_DATABASE_URL (default: ./luoshi.db)."""
    from luoshi.registry.db import database_url, upgrade

    _guard(lambda: upgrade(database_url()))
    typer.echo("database is at the latest schema")


# browsers (and load clients) keep a connection open between pages; uvicorn's 5 s default
# closes it while a client may be sending on it
KEEP_ALIVE_SECONDS = 60


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the web workspace on the configured database (LUOSHI_DATABASE_URL)."""
    import uvicorn

    from luoshi.registry.db import database_url, upgrade

    _guard(lambda: upgrade(database_url()))
    uvicorn.run(
        "luoshi.web.app:create_app", factory=True, host=host, port=port, workers=workers,
        log_level="info", proxy_headers=False, timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )  # fmt: skip


Role = Annotated[str, typer.Option("--role", help="admin | office | department | district | viewer")]


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name used to sign in.")],
    role: Role,
    unit: Annotated[
        str | None, typer.Option(help="Canonical unit name (required for department and district).")
    ] = None,
) -> None:
    """Create an account; the password is read from standard input.

    Example: printf '%s\\n' 'S3cure-Passw0rd' | luoshi user add zhang --role department --unit 市生态环境局
    """
    from luoshi.services.accounts import create_user

    password = sys.stdin.readline().rstrip("\r\n")

    def run() -> None:
        with _session() as session:
            create_user(session, name, password, role, unit)

    _guard(run)
    typer.echo(f"user {name} created ({role}{', ' + unit if unit else ''})")


UserName = Annotated[str, typer.Argument(help="User name.")]


@user_app.command("list")
def user_list(as_json: JsonFlag = False) -> None:
    """List accounts: name, role, unit, whether enabled or locked, last sign-in."""
    from luoshi.registry.models import utcnow
    from luoshi.services.accounts import list_users

    def run() -> list[dict[str, Any]]:
        now = utcnow()
        with _session() as session:
            return [
                {
                    "username": u.username, "role": u.role, "unit": u.unit.name if u.unit else None,
                    "active": u.active, "locked": bool(u.locked_until and u.locked_until > now),
                    "last_login_at": u.last_login_at.isoformat() if u.last_login_at else None,
                }  # fmt: skip
                for u in list_users(session)
            ]

    users = _guard(run)
    if as_json:
        json.dump({"users": users}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    for u in users:
        state = "locked" if u["locked"] else ("active" if u["active"] else "disabled")
        typer.echo(f"{u['username']:<24} {u['role']:<11} {state:<9} {u['unit'] or '—'}")


def _user_change(name: str, change: Callable[[Any, int], Any], done: str) -> None:
    from luoshi.services.accounts import find_user

    def run() -> None:
        with _session() as session:
            change(session, find_user(session, name).id)

    _guard(run)
    typer.echo(f"user {name} {done}")


@user_app.command("disable")
def user_disable(name: UserName) -> None:
    """Disable an account: it cannot sign in, its sessions end and its tokens are revoked."""
    from luoshi.services.accounts import set_active

    _user_change(name, lambda s, uid: set_active(s, None, uid, False), "disabled")


@user_app.command("enable")
def user_enable(name: UserName) -> None:
    """Enable a disabled account again."""
    from luoshi.services.accounts import set_active

    _user_change(name, lambda s, uid: set_active(s, None, uid, True), "enabled")


@user_app.command("unlock")
def user_unlock(name: UserName) -> None:
    """Lift a lock-out after repeated failed sign-ins."""
    from luoshi.services.accounts import unlock

    _user_change(name, lambda s, uid: unlock(s, None, uid), "unlocked")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="What the token is for, e.g. nightly-export.")],
    user: Annotated[str, typer.Option("--user", help="The account the token acts as.")],
) -> None:
    """Create a bearer token for scripts (`Authorization: Bearer <token>`); printed once.

    Example: luoshi token create nightly-export --user zhang
    """
    from luoshi.services.accounts import create_token_cli

    def run() -> str:
        with _session() as session:
            return create_token_cli(session, user, name)

    typer.echo(_guard(run))


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit log's hash chain: exit 0 if intact, 1 naming the first bad entry."""
    from luoshi.services.audit import verify

    def run() -> Any:
        with _session() as session:
            return verify(session)

    result = _guard(run)
    if not result.ok:
        _fail(result.describe())
    typer.echo(result.describe())


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="The file to write (a zip).")]) -> None:
    """Back up the whole register (every table, attachments and the audit log) to one file.

    Example: luoshi backup /srv/backups/luoshi-2025-06-30.zip
    """
    from luoshi.registry.db import database_url, make_engine
    from luoshi.services.backup import backup as run_backup

    def run() -> Any:
        engine = make_engine(database_url())
        try:
            return run_backup(engine, path)
        finally:
            engine.dispose()

    typer.echo(_guard(run).describe("wrote"))


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A file written by `luoshi backup`.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a register that is not empty.")] = False,
) -> None:
    """Restore a backup into the configured database (checked first; all or nothing).

    Example: LUOSHI_DATABASE_URL=postgresql+psycopg://luoshi@db/luoshi luoshi restore backup.zip
    """
    from luoshi.registry.db import database_url, make_engine
    from luoshi.services.backup import restore as run_restore

    def run() -> Any:
        engine = make_engine(database_url())
        try:
            return run_restore(engine, path, force=force)
        finally:
            engine.dispose()

    typer.echo(_guard(run).describe("restored"))


@user_app.command("demo-admin")
def user_demo_admin(name: Annotated[str, typer.Argument(help="User name.")] = "admin") -> None:
    """Create the demo admin account with a random password, printed once (for `make run`)."""
    import secrets

    from sqlalchemy import select

    from luoshi.registry.tracking import UserAccount
    from luoshi.services.accounts import create_user

    password = "Ls-" + secrets.token_urlsafe(12) + "9a"

    def run() -> bool:
        with _session() as session:
            if session.scalar(select(UserAccount).where(UserAccount.username == name)):
                return False
            create_user(session, name, password, "admin", display_name="演示管理员")
            return True

    if _guard(run):
        typer.echo(f"demo admin account: {name} / {password}  (shown once; change it on /account)")
    else:
        typer.echo(f"demo admin account {name!r} exists; its password was shown when it was created")


app.add_typer(indicators_app, name="indicators")


@app.command()
def digest(
    date_: Annotated[str | None, typer.Option("--date", help="Day to report on, YYYY-MM-DD (default: today, China time).")] = None,
    folder: Annotated[Path | None, typer.Option(help="Write here instead of the folder in the digest setting.")] = None,
) -> None:
    """Write the daily digest of due-soon and overdue reports, one file per unit."""
    from luoshi.services.reminders import digest_command  # loads the register only when used

    digest_command(date_, folder)


if __name__ == "__main__":  # pragma: no cover
    app()
