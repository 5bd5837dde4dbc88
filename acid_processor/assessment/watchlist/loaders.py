"""Reading watch-list files into `WatchListEntry` values, whatever their format.

Formats: our own CSV (id,name,aliases,country,address,list_name,action[,min_score,identifiers,
addresses,weak_aliases,kind]), OpenSanctions' targets.simple.csv, OFAC's SDN XML, the UN
consolidated list XML and the EU Financial Sanctions Files XML. `load_entries` reads any of them,
telling them apart by their content unless told; a `WatchListSource` is one configured file (path,
format, and for foreign formats the list name and action, which they do not carry). Every problem
is a PolicyError naming the file and the line, so a bad list stops the start instead of screening
against half of it.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.lists import csv_rows
from acid_processor.assessment.normalise import name_tokens
from acid_processor.assessment.watchlist.entries import ACTIONS, KINDS, WatchListEntry
from acid_processor.assessment.watchlist.loaders_eu import read_eu_fsf
from acid_processor.assessment.watchlist.loaders_ofac import read_ofac_sdn
from acid_processor.assessment.watchlist.loaders_opensanctions import read_opensanctions
from acid_processor.assessment.watchlist.loaders_un import read_un_consolidated
from acid_processor.assessment.watchlist.loaders_xml import root_name

__all__ = [
    "COLUMNS",
    "DEFAULT_LIST_NAMES",
    "FORMATS",
    "OPTIONAL_COLUMNS",
    "WatchListSource",
    "detect_format",
    "load_entries",
    "read_csv",
]

COLUMNS = ("id", "name", "aliases", "country", "address", "list_name", "action")
OPTIONAL_COLUMNS = ("min_score", "identifiers", "addresses", "weak_aliases", "kind")

_Reader = Callable[[Path, str, str], Iterable[tuple[int | None, WatchListEntry]]]
# Foreign formats: their reader and the list name their entries get unless configured.
_FOREIGN: dict[str, tuple[_Reader, str]] = {
    "opensanctions": (read_opensanctions, "OPENSANCTIONS"),
    "ofac-sdn": (read_ofac_sdn, "OFAC-SDN"),
    "un-consolidated": (read_un_consolidated, "UN-CONSOLIDATED"),
    "eu-fsf": (read_eu_fsf, "EU-FSF"),
}
FORMATS = ("csv", *_FOREIGN)
DEFAULT_LIST_NAMES = {fmt: default for fmt, (_, default) in _FOREIGN.items()}
DEFAULT_ACTION = "DNL"  # a foreign list says who is listed, not what a hit calls for: do not load
_XML_ROOTS = {"sdnList": "ofac-sdn", "CONSOLIDATED_LIST": "un-consolidated", "export": "eu-fsf"}


@dataclass(frozen=True, slots=True)
class WatchListSource:
    """One configured watch-list file: its path, its format (None: detected from the content) and,
    for a foreign format, the list name and action its entries get (None: the format's defaults)."""

    path: Path
    format: str | None = None
    list_name: str | None = None
    action: str | None = None

    @classmethod
    def of(cls, value: WatchListSource | Path | str) -> WatchListSource:
        """A source from a configured source or a bare path (format detected, defaults applied)."""
        return value if isinstance(value, WatchListSource) else cls(Path(value))

    def fingerprint(self) -> bytes:
        """What the watch list's version hashes for this file: its name, settings and content."""
        settings = (self.path.name, self.format, self.list_name, self.action)
        digest = hashlib.sha256("\0".join(map(str, settings)).encode() + b"\0")
        try:
            with self.path.open("rb") as handle:
                digest.update(hashlib.file_digest(handle, "sha256").digest())
        except FileNotFoundError:
            raise PolicyError(self.path, None, "list file not found") from None
        except OSError as exc:
            raise PolicyError(self.path, None, f"cannot read: {exc.strerror or exc}") from None
        return digest.digest()


def load_entries(
    source: WatchListSource | Path | str,
    *,
    format: str | None = None,
    list_name: str | None = None,
    action: str | None = None,
) -> list[tuple[int | None, WatchListEntry]]:
    """Every entry of one watch-list file with the line it is on; keyword arguments override the
    source's settings. PolicyError naming file and line for the first problem."""
    source = WatchListSource.of(source)
    overrides = {"format": format, "list_name": list_name, "action": action}
    source = replace(source, **{k: v for k, v in overrides.items() if v is not None})
    path = source.path
    fmt = source.format or detect_format(path)
    if fmt not in FORMATS:
        raise PolicyError(path, None, f"format '{fmt}' is not one of {', '.join(FORMATS)}")
    if fmt == "csv":
        if source.list_name is not None or source.action is not None:
            raise PolicyError(
                path, None, "our CSV names list_name and action in its own columns: do not configure them"
            )
        return list(read_csv(path))
    reader, default_list_name = _FOREIGN[fmt]
    chosen = (source.action or DEFAULT_ACTION).strip().upper()
    if chosen not in ACTIONS:
        raise PolicyError(path, None, f"action '{source.action}' is not RFS or DNL")
    name = (source.list_name if source.list_name is not None else default_list_name).strip()
    if not name:
        raise PolicyError(path, None, "empty list_name")
    return list(reader(path, name, chosen))


def detect_format(path: Path) -> str:
    """The format of a list file from its content: the root element of an XML file, the header of a
    CSV file (OpenSanctions has a 'schema' column, ours a 'list_name' one). Our CSV when unsure, so
    that its own checks explain what is wrong."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except FileNotFoundError:
        raise PolicyError(path, None, "list file not found") from None
    except OSError as exc:
        raise PolicyError(path, None, f"cannot read: {exc.strerror or exc}") from None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        root = root_name(path)
        if root not in _XML_ROOTS:
            known = ", ".join(f"{r} ({f})" for r, f in _XML_ROOTS.items())
            raise PolicyError(path, 1, f"XML root element '{root}' is none of {known}")
        return _XML_ROOTS[root]
    for line in head.decode("utf-8", errors="replace").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            header = {h.strip().lower() for h in next(csv.reader([line]), [])}
            return "opensanctions" if "schema" in header and "list_name" not in header else "csv"
    return "csv"


def read_csv(path: Path) -> Iterator[tuple[int, WatchListEntry]]:
    """Entries of one file in our CSV format with the line each ends on; PolicyError on the first bad row."""
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
    kind = row["kind"].lower() or None
    if kind is not None and kind not in KINDS:
        raise fail(f"kind '{row['kind']}' is not person or organization (or empty)")
    identifiers = []
    for item in _split(row["identifiers"]):
        scheme, colon, value = item.partition(":")
        if not colon or not scheme.strip() or not value.strip():
            raise fail(f"identifier '{item}' is not SCHEME:VALUE (e.g. EORI:DE123456789012345)")
        identifiers.append((scheme.strip(), value.strip()))
    return WatchListEntry(
        row["id"],
        row["name"],
        _split(row["aliases"]),
        country,
        row["address"] or None,
        row["list_name"],
        action,
        min_score,
        weak_aliases=_split(row["weak_aliases"]),
        addresses=_split(row["addresses"]),
        identifiers=tuple(identifiers),
        kind=kind,
    )


def _split(cell: str) -> tuple[str, ...]:
    """The '|'-separated values of a cell, stripped, blanks left out."""
    return tuple(v.strip() for v in cell.split("|") if v.strip())
