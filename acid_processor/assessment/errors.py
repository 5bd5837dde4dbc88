"""The error raised when a policy file (watch list, rule set, profile) cannot be loaded.

Policy files are loaded once at start; a bad file must stop the start with a message that names the
file and the line, so the person who edited it can fix it."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PolicyError"]


class PolicyError(Exception):
    """A policy file is malformed: 'watchlist.csv line 7: action 'BLOCK' is not RFS or DNL'."""

    def __init__(self, path: str | Path, line: int | None, problem: str) -> None:
        where = f"{path} line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem
