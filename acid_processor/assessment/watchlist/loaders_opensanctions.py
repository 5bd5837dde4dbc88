"""OpenSanctions' `targets.simple.csv`: one row per target of its collections, any source.

Columns: id, schema, name, aliases, birth_date, countries, addresses, identifiers, sanctions,
phones, emails, program_ids, dataset, first_seen, last_seen, last_change; several values in one
cell are joined with ';'. Countries are lower-case ISO codes (the first one that is a two-letter
code becomes the entry's country); identifiers are bare values (scheme 'ID'). Schema Person is a
person; Organization, Company and LegalEntity are organizations; others (Vessel, Airplane...) are
kept without a kind. The file may be hundreds of megabytes: it is streamed, not read whole, and
columns it adds later are ignored rather than refused.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.watchlist.entries import WatchListEntry
from acid_processor.assessment.watchlist.loaders_common import country_code, make_entry

__all__ = ["COLUMNS", "read_opensanctions"]

COLUMNS = ("id", "schema", "name", "aliases", "countries", "addresses", "identifiers")
_KINDS = {
    "person": "person",
    "organization": "organization",
    "company": "organization",
    "legalentity": "organization",
}


def read_opensanctions(
    path: Path, list_name: str, action: str
) -> Iterator[tuple[int | None, WatchListEntry]]:
    """The rows of an OpenSanctions targets.simple.csv as entries with the line each ends on."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header: list[str] | None = None
            try:
                for row in reader:
                    line = reader.line_num
                    if not any(cell.strip() for cell in row):
                        continue
                    if header is None:
                        header = [h.strip().lower() for h in row]
                        missing = [c for c in COLUMNS if c not in header]
                        if missing:
                            raise PolicyError(path, line, f"missing column(s): {', '.join(missing)}")
                        continue
                    if len(row) != len(header):
                        raise PolicyError(path, line, f"{len(row)} fields where the header has {len(header)}")
                    yield line, _entry(path, line, dict(zip(header, row, strict=True)), list_name, action)
            except UnicodeDecodeError as exc:
                raise PolicyError(path, reader.line_num + 1, f"not UTF-8 ({exc.reason})") from None
            except csv.Error as exc:
                raise PolicyError(path, reader.line_num, f"not valid CSV: {exc}") from None
    except FileNotFoundError:
        raise PolicyError(path, None, "list file not found") from None
    except OSError as exc:
        raise PolicyError(path, None, f"cannot read: {exc.strerror or exc}") from None
    if header is None:
        raise PolicyError(path, None, "empty list file: a header row is needed")


def _entry(path: Path, line: int, row: dict[str, str], list_name: str, action: str) -> WatchListEntry:
    target = row["id"].strip()
    if not target:
        raise PolicyError(path, line, "empty id")

    def values(column: str) -> list[str]:
        return [v for v in (v.strip() for v in row[column].split(";")) if v]

    countries = (country_code(c) for c in values("countries"))
    return make_entry(
        path,
        line,
        f"id {target}",
        id=target,
        name=row["name"],
        list_name=list_name,
        action=action,
        aliases=values("aliases"),
        country=next((c for c in countries if c), None),
        addresses=values("addresses"),
        identifiers=[("ID", v) for v in values("identifiers")],
        kind=_KINDS.get(row["schema"].strip().lower()),
    )
