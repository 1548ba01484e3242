"""Importing election results from a House of Commons Library results CSV, as published.

The Library's files name their columns "ONS ID", "First party", "Second
party", "Valid votes", "Majority", "Con", "Lab", ... "All other candidates",
"Of which other winner"; the kit's derived shape (``pcon24cd``,
``winner_party``, ``votes_lab``, ...) is accepted too. The imported results
replace the kit's for the seats they cover, atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from campaignkit.plugins.marginals.data import Result
from campaignkit.plugins.marginals.importers import ImportSummary, record_import
from campaignkit.plugins.marginals.models import ImportedResult

PARTIES = ("con", "lab", "ld", "ruk", "green", "snp", "pc", "dup", "sf", "sdlp", "uup", "apni")
#: Our field -> the column names it may have, published Library form first.
COLUMNS = {
    "code": ("ONS ID", "pcon24cd"),
    "winner": ("First party", "winner_party"),
    "second": ("Second party", "second_party"),
    "valid_votes": ("Valid votes", "valid_votes"),
    "majority": ("Majority", "majority"),
    "other": ("All other candidates", "votes_other"),
    "other_winner": ("Of which other winner", "votes_other_winner"),
}


class ResultsFileError(ValueError):
    """The file is not a results CSV this importer understands."""


def _pick(header: list[str], names: tuple[str, ...]) -> str | None:
    lowered = {name.strip().lower(): name for name in header}
    return next((lowered[n.lower()] for n in names if n.lower() in lowered), None)


def column_map(header: list[str]) -> dict[str, str]:
    """Map our field names to the file's column names; raises ResultsFileError if one is missing."""
    found = {field: _pick(header, names) for field, names in COLUMNS.items()}
    for party in PARTIES:
        found[party] = _pick(header, (party, f"votes_{party}"))
    missing = [field for field, column in found.items() if column is None]
    if missing:
        raise ResultsFileError(f"not a results file: no column for {', '.join(missing)}")
    return found  # type: ignore[return-value]


def _result(row: dict[str, str], columns: dict[str, str], seats: set[str]) -> ImportedResult:
    code = row[columns["code"]].strip()
    if code not in seats:
        raise ValueError(f"unknown seat {code}")
    votes = {party: int(row[columns[party]] or 0) for party in PARTIES}
    votes["other"] = int(row[columns["other"]] or 0)
    winner = row[columns["winner"]].strip().lower()
    winner_votes = votes[winner] if winner in PARTIES else int(row[columns["other_winner"]] or 0)
    return ImportedResult(
        code=code,
        winner=winner,
        second=row[columns["second"]].strip().lower(),
        valid_votes=int(row[columns["valid_votes"]]),
        majority=int(row[columns["majority"]]),
        winner_votes=winner_votes,
        votes=votes,
    )


def import_results(session: Session, path: Path, seats: set[str]) -> ImportSummary:
    """Replace the imported results with those in ``path``; rows for unknown seats are bad."""
    text = path.read_text(encoding="utf-8-sig")  # 650 rows: small enough to read whole
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "ONS ID" in line or "pcon24cd" in line), 0)
    reader = csv.DictReader(io.StringIO("\n".join(lines[start:])))
    columns = column_map(list(reader.fieldnames or []))
    session.execute(delete(ImportedResult))
    rows = bad = 0
    seen: set[str] = set()
    for row in reader:
        try:
            result = _result(row, columns, seats - seen)
        except (KeyError, TypeError, ValueError):
            bad += 1  # unknown or repeated seat, or a number that is not one
            continue
        seen.add(result.code)
        session.add(result)
        rows += 1
    if rows == 0:
        raise ResultsFileError(f"{path.name}: no usable rows")
    record_import(session, "results", path.name, rows, bad)
    return ImportSummary(rows, bad)


def store_results(
    session: Session, results: dict[str, Result], source: str, replace_all: bool = True
) -> ImportSummary:
    """Save checked results: all imported ones replaced, or only those of the districts given."""
    if replace_all:
        session.execute(delete(ImportedResult))
    else:
        session.execute(delete(ImportedResult).where(ImportedResult.code.in_(list(results))))
    for result in results.values():
        session.add(
            ImportedResult(
                code=result.code, winner=result.winner, second=result.second,
                valid_votes=result.valid_votes, majority=result.majority,
                winner_votes=result.winner_votes, votes=dict(result.votes),
            )
        )  # fmt: skip
    record_import(session, "results", source, len(results), 0)
    return ImportSummary(len(results), 0)
