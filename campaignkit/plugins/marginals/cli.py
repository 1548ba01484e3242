"""The ``campaignkit marginals`` commands: ``import-postcodes FILE`` and ``import-results FILE``."""

from __future__ import annotations

from pathlib import Path

import click

from campaignkit.core import instance_app, write_session
from campaignkit.plugins.marginals.boundaries import seat_index
from campaignkit.plugins.marginals.data import tables
from campaignkit.plugins.marginals.importers import import_postcodes
from campaignkit.plugins.marginals.results_import import (
    ResultsFileError,
    import_results,
    store_results,
)
from campaignkit.plugins.marginals.sources import SourceError, total_bytes
from campaignkit.plugins.marginals.us_results import (
    ResultsLineError,
    is_us_results,
    read_us_results,
)

FILE = click.Path(exists=True, dir_okay=True, path_type=Path)


@click.group("marginals")
def marginals() -> None:
    """Seats and postcodes: import postcode and results files."""


@marginals.command("import-postcodes")
@click.argument("path", type=FILE)
def import_postcodes_command(path: Path) -> None:
    """Load every postcode from a Code-Point Open zip or folder, or an ONSPD CSV.

    Each postcode gets its seat by point in polygon. The new postcodes
    replace the old ones in one transaction; rows without a usable position
    are counted and reported.
    """
    app = instance_app()
    with app.app_context():
        index = seat_index(tables().boundaries_file)
        try:
            size = total_bytes(path)
            with (
                click.progressbar(length=size, label="Importing postcodes") as bar,
                write_session() as session,
            ):
                summary = import_postcodes(session, path, index, progress=bar.update)
                for where, row in summary.bad_examples:
                    click.echo(f"{where}: not a postcode with a position: {row}", err=True)
                if summary.rows == 0 and summary.bad_rows:  # rolls back: the old ones stay
                    raise click.ClickException(
                        f"None of the {summary.bad_rows:,} rows of {path.name} is a postcode "
                        "with a position; nothing was imported."
                    )
        except SourceError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"Imported {summary.rows:,} postcodes in {summary.seconds:.1f} s; "
        f"{summary.bad_rows:,} bad rows skipped, {summary.duplicates:,} repeated postcodes "
        f"skipped (the first kept), {summary.skipped:,} terminated left out, "
        f"{summary.no_seat:,} outside every seat."
    )


@marginals.command("import-results")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_results_command(path: Path) -> None:
    """Load election results: a House of Commons Library results CSV, or for US districts the
    MIT Election Data and Science Lab's House returns CSV or a ``district,party,votes`` CSV.

    They replace the kit's results for the seats in the file, all at once. A
    US file with any bad line is refused whole, with the line named.
    """
    app = instance_app()
    with app.app_context():
        seats = set(tables().seats)
        try:
            text = path.read_text(encoding="utf-8-sig")
            if is_us_results(text):
                results = read_us_results(text, seats)
                with write_session() as session:
                    summary = store_results(session, results, path.name)
            else:
                with write_session() as session:
                    summary = import_results(session, path, seats)
        except (ResultsFileError, ResultsLineError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{path.name}: {exc}") from None
    click.echo(f"Imported results for {summary.rows} seats; {summary.bad_rows} bad rows skipped.")
