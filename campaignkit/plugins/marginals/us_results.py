"""US House results: the MIT Election Data and Science Lab's returns CSV, a simple CSV, a form.

MEDSL publishes one row per candidate, party and voting mode (columns year,
state, state_po, ..., district, stage, runoff, special, candidate, party,
writein, mode, candidatevotes, totalvotes, ...; upper-case strings; at-large
districts as 0). A candidate's votes are summed over their rows (New York's
fused parties, absentee and election-day modes) and the candidate stands for
their main party. Only general-election rows of the latest year count;
special elections are left out, and where a district went to a runoff the
runoff decides it. The simple form is ``district,party,votes`` (``NY-12``;
votes as numbers, or all as percentages like ``52.3%``). Every problem names
its line, and nothing is saved unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from campaignkit.plugins.marginals.data import Result

MEDSL_COLUMNS = (
    "year", "state_po", "office", "district", "stage", "runoff", "special", "candidate",
    "party", "writein", "mode", "candidatevotes", "totalvotes",
)  # fmt: skip
SIMPLE_COLUMNS = ("district", "party", "votes")
#: MEDSL party names -> the short codes results are kept under (others: lower-case, dashed).
PARTY_CODES = {
    "DEMOCRAT": "dem",
    "DEMOCRATIC-FARMER-LABOR": "dem",
    "DEMOCRATIC-NONPARTISAN LEAGUE": "dem",
    "DEMOCRATIC-NPL": "dem",
    "REPUBLICAN": "rep",
    "LIBERTARIAN": "lib",
    "GREEN": "green",
    "INDEPENDENT": "ind",
    "": "other",
}
MAIN_PARTIES = ("dem", "rep")
#: Percentages are kept as shares of this many votes.
PERCENT_BASE = 10_000
#: More votes than any House district (or seat) has cast: a typo, refused.
MAX_VOTES = 100_000_000
_DISTRICT = re.compile(r"^([A-Za-z]{2})[-\s]?(\d{1,3})$")


class ResultsLineError(ValueError):
    """A results file (or form) with a problem, worded for the person with its line."""


def party_code(name: str) -> str:
    """The short code for a party name: ``DEMOCRAT`` -> ``dem``, ``WORKING FAMILIES`` -> ..."""
    text = " ".join(name.split()).upper()
    if text in PARTY_CODES:
        return PARTY_CODES[text]
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:20] or "other"


def district_code(text: str, seats: set[str], where: str) -> str:
    """``NY-12`` from ``NY-12``, ``ny12`` or ``NY 12``; ResultsLineError for an unknown one."""
    match = _DISTRICT.match(text.strip())
    code = f"{match.group(1).upper()}-{int(match.group(2)):02d}" if match else text.strip()
    if code not in seats:
        raise ResultsLineError(f"{where}: there is no district {code[:20]!r}.")
    return code


def result_of(code: str, votes: dict[str, int], valid_votes: int) -> Result:
    """A Result from each party's votes (its best candidate's) and the district's valid votes."""
    ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
    winner, top = ranked[0]
    second, runner_up = ranked[1] if len(ranked) > 1 else ("", 0)
    return Result(code, winner, second, valid_votes, top - runner_up, top, dict(votes))


@dataclass
class _Candidate:
    parties: dict[str, int] = field(default_factory=dict)
    votes: int = 0

    def party(self) -> str:
        main = [p for p in MAIN_PARTIES if p in self.parties]
        if main:
            return main[0]
        return max(sorted(self.parties), key=lambda p: self.parties[p])


def _count(text: str, where: str, label: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise ResultsLineError(f"{where}: {label} {text!r} is not a whole number.") from None
    if value < 0:
        raise ResultsLineError(f"{where}: {label} cannot be negative.")
    if value > MAX_VOTES:
        raise ResultsLineError(f"{where}: {label} {value:,} is more than any district casts.")
    return value


def _races(reader: csv.DictReader, seats: set[str]) -> dict[tuple, dict]:
    """Each (district, runoff) race's candidates and total, from the rows of the latest year."""
    rows = [(line, row) for line, row in enumerate(reader, start=2)]
    years = {row["year"].strip() for _line, row in rows if row["office"].strip() == "US HOUSE"}
    latest = max(years, key=lambda y: int(y) if y.isdigit() else 0, default="")
    races: dict[tuple, dict] = {}
    seen: dict[tuple, int] = {}
    for line, row in rows:
        where = f"line {line}"
        if row["office"].strip() != "US HOUSE" or row["year"].strip() != latest:
            continue
        if row["stage"].strip() != "GEN" or row["special"].strip().upper() == "TRUE":
            continue
        number = row["district"].strip()
        code = district_code(f"{row['state_po']}-{number}", seats, where)
        runoff = row["runoff"].strip().upper() == "TRUE"
        name = " ".join(row["candidate"].split()).upper() or "WRITEIN"
        party = party_code(row["party"])
        key = (code, runoff, name, party, row["mode"].strip().upper())
        if key in seen:
            raise ResultsLineError(
                f"{where}: {name} ({row['party'].strip() or 'no party'}, "
                f"{row['mode'].strip() or 'no mode'}) in {code} is listed twice "
                f"(first on line {seen[key]})."
            )
        seen[key] = line
        votes = _count(row["candidatevotes"], where, "candidatevotes")
        total = _count(row["totalvotes"], where, "totalvotes")
        race = races.setdefault((code, runoff), {"total": total, "line": line, "people": {}})
        race["total"] = max(race["total"], total)
        person = race["people"].setdefault(name, _Candidate())
        person.votes += votes
        person.parties[party] = person.parties.get(party, 0) + votes
        counted = sum(p.votes for p in race["people"].values())
        if counted > MAX_VOTES:
            raise ResultsLineError(f"{where}: {code} now has more votes than any district casts.")
        if race["total"] and counted > race["total"]:
            share = 100 * counted / race["total"]
            raise ResultsLineError(
                f"{where}: the candidates in {code} now have {counted:,} votes, {share:.1f}% "
                f"of its totalvotes {race['total']:,} (more than 100%)."
            )
    return races


def read_medsl(text: str, seats: set[str]) -> dict[str, Result]:
    """Results by district from a MEDSL U.S. House returns CSV; ResultsLineError names the line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in MEDSL_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ResultsLineError(f"line 1: not a MEDSL returns file (no {', '.join(missing)}).")
    races = _races(reader, seats)
    results = {}
    for (code, runoff), race in sorted(races.items()):
        if not runoff and (code, True) in races:
            continue  # the runoff decided this district
        votes: dict[str, int] = {}
        for person in race["people"].values():
            party = person.party()
            votes[party] = max(votes.get(party, 0), person.votes)
        valid = race["total"] or sum(p.votes for p in race["people"].values())
        results[code] = result_of(code, votes, valid)
    if not results:
        raise ResultsLineError("no general-election U.S. House rows in the file.")
    return results


def _amount(text: str, where: str) -> tuple[float, bool]:
    value = text.strip().replace(",", "")
    if value.endswith("%"):
        try:
            share = float(value[:-1])
        except ValueError:
            raise ResultsLineError(f"{where}: {text.strip()!r} is not a percentage.") from None
        if not 0 <= share <= 100:
            raise ResultsLineError(f"{where}: {text.strip()} is not a percentage from 0 to 100.")
        return share, True
    return float(_count(value, where, "votes")), False


def read_simple(lines: list[tuple[int, dict[str, str]]], seats: set[str]) -> dict[str, Result]:
    """Results from ``(line, {"district", "party", "votes"})`` rows; errors name the line."""
    parties: dict[str, dict[str, tuple[float, bool, int]]] = {}
    for line, row in lines:
        where = f"line {line}"
        code = district_code(row.get("district") or "", seats, where)
        party = party_code(row.get("party") or "")
        if not (row.get("party") or "").strip():
            raise ResultsLineError(f"{where}: give the party.")
        amount, percent = _amount(row.get("votes") or "", where)
        known = parties.setdefault(code, {})
        if party in known:
            raise ResultsLineError(
                f"{where}: {party} is listed twice for {code} (first on line {known[party][2]})."
            )
        if known and next(iter(known.values()))[1] != percent:
            raise ResultsLineError(f"{where}: give {code}'s votes all as numbers or all as %.")
        known[party] = (amount, percent, line)
        if not percent and sum(v[0] for v in known.values()) > MAX_VOTES:
            raise ResultsLineError(f"{where}: {code} has more votes than any district casts.")
        if percent and sum(v[0] for v in known.values()) > 100.05:
            raise ResultsLineError(f"{where}: {code}'s percentages add up to more than 100%.")
    results = {}
    for code, known in parties.items():
        percent = next(iter(known.values()))[1]
        if percent:
            votes = {p: round(v[0] * PERCENT_BASE / 100) for p, v in known.items()}
            results[code] = result_of(code, votes, PERCENT_BASE)
        else:
            votes = {p: int(v[0]) for p, v in known.items()}
            results[code] = result_of(code, votes, sum(votes.values()))
    if not results:
        raise ResultsLineError("no results given.")
    return results


def read_simple_csv(text: str, seats: set[str]) -> dict[str, Result]:
    """Results from a ``district,party,votes`` CSV (header required)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    if any(c not in header for c in SIMPLE_COLUMNS):
        raise ResultsLineError("line 1: the header must be district,party,votes.")
    rows = [
        (line, {k.strip().lower(): (v or "") for k, v in row.items() if k})
        for line, row in enumerate(reader, start=2)
    ]
    return read_simple(rows, seats)


def is_us_results(text: str) -> bool:
    """True for a MEDSL returns file or a ``district,party,votes`` file (by its header)."""
    header = next(csv.reader(io.StringIO(text.partition("\n")[0])), [])
    names = {name.strip().lower() for name in header}
    return set(MEDSL_COLUMNS) <= names or set(SIMPLE_COLUMNS) <= names


def read_us_results(text: str, seats: set[str]) -> dict[str, Result]:
    """Results from either US form, told apart by the header."""
    header = next(csv.reader(io.StringIO(text)), [])
    if set(MEDSL_COLUMNS) <= {name.strip().lower() for name in header}:
        return read_medsl(text, seats)
    return read_simple_csv(text, seats)
