"""Reading the policy's list files: one reader for plain-text lists and one for CSV lists, shared by
every list (descriptions, stop words, locations, intelligence, freighters, watch lists).

The same rules everywhere, so that a list edited by hand behaves the same whatever it holds:
UTF-8 (a byte-order mark is allowed); blank lines and lines whose first character is `#` are
comments; in CSV, quoted fields may hold commas and line breaks; the header names the columns
(any order, case-insensitive) and an unknown column is refused, so that a misspelt column stops
the start instead of being ignored. Every problem is a PolicyError naming the file and the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from acid_processor.assessment.errors import PolicyError

__all__ = ["csv_rows", "read_text", "text_lines"]


def read_text(path: Path) -> str:
    """A list file's text; PolicyError when it is missing, unreadable or not UTF-8."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(path, None, "list file not found") from None
    except OSError as exc:
        raise PolicyError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PolicyError(path, line, f"not UTF-8 ({exc.reason} at byte {exc.start})") from None


def text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The entries of a one-entry-per-line list, stripped, with their line numbers."""
    for n, raw in enumerate(read_text(path).splitlines(), 1):
        text = raw.strip()
        if text and not text.startswith("#"):
            yield n, text


def csv_rows(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV list as {column: stripped value}, with the line each row ends on.

    Optional columns absent from the header read as empty strings."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    header: list[str] | None = None
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            missing = [c for c in required if c not in header]
            if missing:
                raise PolicyError(path, line, f"missing column(s): {', '.join(missing)}")
            unknown = [c for c in header if c not in required and c not in optional]
            if unknown:
                raise PolicyError(path, line, f"unknown column(s): {', '.join(unknown)}")
            if len(set(header)) != len(header):
                raise PolicyError(path, line, "a column is named twice")
            continue
        if len(row) != len(header):
            raise PolicyError(path, line, f"{len(row)} fields where the header has {len(header)}")
        values = dict.fromkeys(optional, "")
        values.update(zip(header, (cell.strip() for cell in row), strict=True))
        yield line, values
    if header is None:
        raise PolicyError(path, None, "empty list file: a header row is needed")
