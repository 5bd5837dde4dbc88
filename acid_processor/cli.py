"""The `acid-processor` command line: one sub-command per job.

Exit status: 0 when every file is valid, 1 when any is not, 2 on a usage error (argparse's own
convention, kept for missing files too).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from acid_processor import __version__
from acid_processor.check import Checker, CheckResult
from acid_processor.formats.safe_xml import Limits
from acid_processor.model import Reason, to_jsonable

FILING_SUFFIXES = (".xml",)


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


def expand_files(args: Sequence[str]) -> list[Path]:
    """Files named on the command line; a directory stands for the filing files (*.xml) in it."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            out.extend(
                sorted(
                    p for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in FILING_SUFFIXES and not p.name.startswith(".")
                )
            )
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(f"no such file or directory: {arg}")
    return out


def read_message(path: Path, limits: Limits) -> bytes:
    """A file's bytes, reading no more than one byte past the size limit (the check refuses it)."""
    with path.open("rb") as fh:
        return fh.read(limits.max_bytes + 1)


def reason_json(reason: Reason) -> dict:
    return {
        "code": reason.code,
        "path": reason.path,
        "line": reason.line,
        "detail": reason.detail,
        "severity": reason.severity.value,
    }


def check_json(path: Path, result: CheckResult) -> dict:
    return {
        "file": str(path),
        "kind": result.kind,
        "version": result.version,
        "valid": result.valid,
        "reasons": [reason_json(r) for r in result.reasons],
        "record": to_jsonable(result.filing) if result.filing is not None else None,
    }


def _check_lines(path: Path, result: CheckResult) -> Iterator[str]:
    kind = f"{result.kind or '?'} {result.version or ''}".strip()
    yield f"{path}  {kind}  {'valid' if result.valid else 'INVALID'}"
    for r in result.reasons:
        where = r.path or ""
        if r.line:
            where += f" (line {r.line})"
        yield f"    {r.severity.value:<7} {r.code:<24} {where}"
        yield f"            {r.detail}"


def cmd_check(ns: argparse.Namespace) -> int:
    files = expand_files(ns.files)
    limits = Limits()
    checker = Checker(limits=limits)
    all_valid = True
    for path in files:
        raw = read_message(path, limits)
        result = checker.check(raw)
        all_valid &= result.valid
        if ns.explain and result.kind and result.filing is None:
            result = CheckResult(
                result.kind, result.version, result.valid,
                result.reasons + tuple(checker.explain(raw, result)), None,
            )
        if ns.json:
            print(json.dumps(check_json(path, result), ensure_ascii=False))
        else:
            print("\n".join(_check_lines(path, result)))
    return 0 if all_valid else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acid-processor",
        description="Reads air-cargo advance information filings (IATA Cargo-XML), checks and assesses them.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="read and validate filings; print kind, version, validity, reasons")
    check.add_argument("files", nargs="+", metavar="FILE", help="filing files, or directories of *.xml files")
    check.add_argument("--json", action="store_true", help="one JSON object per file per line")
    check.add_argument(
        "--explain", action="store_true",
        help="for schema failures, add the xmlschema library's more detailed explanation (slower)",
    )
    check.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    try:
        return ns.func(ns)
    except UsageError as exc:
        print(f"acid-processor: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
