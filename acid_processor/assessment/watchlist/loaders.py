"""Reading watch-list files into `WatchListEntry` values.

Our own CSV (id,name,aliases,country,address,list_name,action[,min_score,...]) is read here; every
problem is a PolicyError naming the file and the line, so a bad list stops the start instead of
screening against half of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.lists import csv_rows
from acid_processor.assessment.normalise import name_tokens
from acid_processor.assessment.watchlist.entries import ACTIONS, WatchListEntry

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "read_csv"]

COLUMNS = ("id", "name", "aliases", "country", "address", "list_name", "action")
OPTIONAL_COLUMNS = ("min_score",)


def read_csv(path: Path) -> Iterable[tuple[int, WatchListEntry]]:
    """Entries of one CSV file with the line each ends on; PolicyError on the first bad row."""
    for line, row in csv_rows(path, COLUMNS, OPTIONAL_COLUMNS):
        yield line, _entry(path, line, row)


def _entry(path: Path, line: int, row: dict[str, str]) -> WatchListEntry:
    def fail(problem: str) -> PolicyError:
        return PolicyError(path, line, problem)

    if not row["id"]:
        raise fail("empty id")
    if not row["name"]:
        raise fail("empty name")
    if not name_tokens(row["name"]):
        raise fail(f"name '{row['name']}' has no letters or digits")
    action = row["action"].upper()
    if action not in ACTIONS:
        raise fail(f"action '{row['action']}' is not RFS or DNL")
    country = row["country"].upper() or None
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise fail(f"country '{row['country']}' is not a two-letter ISO 3166 code")
    if not row["list_name"]:
        raise fail("empty list_name")
    min_score = None
    if row.get("min_score"):
        try:
            min_score = float(row["min_score"])
        except ValueError:
            raise fail(f"min_score '{row['min_score']}' is not a number") from None
        if not 0.0 <= min_score <= 100.0:
            raise fail(f"min_score {min_score:g} is not between 0 and 100")
    aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
    return WatchListEntry(
        row["id"], row["name"], aliases, country, row["address"] or None, row["list_name"], action, min_score
    )
