"""``campaignkit phonebank``: make a list; import contacts, do-not-call and status files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select

from campaignkit.core import instance_app, public_url_context, write_session
from campaignkit.plugins.phonebank.importing import (
    MAX_BYTES,
    ImportRefused,
    import_contacts,
    import_do_not_call,
    import_registry_status,
)
from campaignkit.plugins.phonebank.models import CallList

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("phonebank")
def phonebank() -> None:
    """Phone bank call lists: make them and import contacts, do-not-call and registry files."""


def _read(path: Path) -> bytes:
    if path.stat().st_size > MAX_BYTES:
        raise click.ClickException(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return path.read_bytes()


def _refused(exc: ImportRefused) -> click.ClickException:
    lines = "\n".join(f"  {problem}" for problem in exc.problems)
    return click.ClickException(f"nothing was imported; fix these lines:\n{lines}")


@phonebank.command("new-list")
@click.option("--name", required=True)
@click.option("--lawful-basis", required=True, help="The consent given, or why you may call them.")
def new_list(name: str, lawful_basis: str) -> None:
    """Make a call list; prints its number."""
    if not name.strip() or not lawful_basis.strip():
        raise click.ClickException("give a name and the lawful basis")
    app = instance_app()
    with app.app_context(), write_session() as session:
        made = CallList(name=name.strip()[:200], lawful_basis=lawful_basis.strip(),
                        created_by=None, created_at=datetime.now(UTC))  # fmt: skip
        session.add(made)
        session.flush()
        click.echo(f"Made call list {made.id}: {made.name}")


@phonebank.command("import")
@click.option("--list", "list_id", required=True, type=int, help="The call list's number.")
@click.argument("path", type=FILE)
def import_command(list_id: int, path: Path) -> None:
    """Import contacts (name, phone, postcode or zip; email, tags, note) onto a list, or none."""
    data = _read(path)
    app = instance_app()
    with public_url_context(app):
        try:
            with write_session() as session:
                call_list = session.scalar(select(CallList).where(CallList.id == list_id))
                if call_list is None:
                    raise click.ClickException(f"no call list {list_id}")
                report = import_contacts(session, call_list, data)
        except ImportRefused as exc:
            raise _refused(exc) from None
    click.echo(f"Imported {report.added} contacts; {report.skipped_do_not_call} left out "
               f"(do not call); {report.unplaced} not placed in a seat.")  # fmt: skip


@phonebank.command("import-dnc")
@click.argument("path", type=FILE)
def import_dnc_command(path: Path) -> None:
    """Add a file's numbers (a ``phone`` column) to the do-not-call list."""
    _run(import_do_not_call, path, "{} numbers added to the do-not-call list.")


@phonebank.command("import-status")
@click.argument("path", type=FILE)
def import_status_command(path: Path) -> None:
    """Record TPS/CTPS/DNC status from a file (``phone`` and ``status`` columns)."""
    _run(import_registry_status, path, "Registry status recorded on {} contacts.")


def _run(importer, path: Path, message: str) -> None:  # noqa: ANN001
    data = _read(path)
    app = instance_app()
    with public_url_context(app):
        try:
            with write_session() as session:
                changed = importer(session, data)
        except ImportRefused as exc:
            raise _refused(exc) from None
    click.echo(message.format(changed))
