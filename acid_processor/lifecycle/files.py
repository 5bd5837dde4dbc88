"""Filings and officer commands from files, applied in the order given: what `acid-processor
assess` does, and what the scenario fixtures (fixtures/lifecycle/) are run with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acid_processor.formats.safe_xml import Limits
from acid_processor.lifecycle.commands import CommandError, parse_command
from acid_processor.lifecycle.runner import CommandRefused, Lifecycle, OfficerCommand
from acid_processor.pipeline import Delivery, Processed
from acid_processor.store.base import RecordResult

__all__ = ["Applied", "apply_files"]


@dataclass(frozen=True, slots=True)
class Applied:
    """One file applied: the filing processed (or the officer command), and what was recorded;
    `refused` says why a command was not applied."""

    path: Path
    processed: Processed | None = None
    command: OfficerCommand | None = None
    result: RecordResult | None = None
    refused: str | None = None


def read_file(path: Path, limits: Limits) -> bytes:
    """A file's bytes, reading no more than one byte past the size limit (the check refuses it)."""
    with path.open("rb") as fh:
        return fh.read(limits.max_bytes + 1)


def apply_files(lifecycle: Lifecycle, store: Any, paths: Iterable[Path]) -> Iterator[Applied]:
    """Each file in turn: *.json as an officer command, anything else as a filing."""
    limits = Limits()
    for path in paths:
        raw = read_file(path, limits)
        if path.suffix.lower() == ".json":
            try:
                command = parse_command(raw, source="cli")
                yield Applied(path, command=command, result=lifecycle.command(store, command))
            except (CommandError, CommandRefused) as exc:
                yield Applied(path, refused=str(exc))
            continue
        processed = lifecycle.pipeline.process(Delivery(body=raw, content_type="application/xml"))
        (result,) = lifecycle.record(store, [processed])
        yield Applied(path, processed=processed, result=result)
