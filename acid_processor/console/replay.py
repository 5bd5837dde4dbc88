"""Try a rule set: run a proposed policy directory over the last N stored filings and say how the
decisions would change, without changing anything (nothing is written, nothing is published).

Each stored filing is read once and assessed twice, with the rule set in force and with the
proposed one, and the decisions are compared consignment by consignment. Both sides are pure
assessments of the filing alone (no lifecycle: a house is assessed on its own filing, a hold is
not carried over), so what moves is what the rule change moves, not the history around it.
`acid-processor replay` and the console's /policy page both call `replay_rules`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acid_processor.assessment.engine import Assessor

__all__ = ["Moved", "ReplayReport", "replay_rules"]


@dataclass(frozen=True, slots=True)
class Moved:
    """A consignment whose decision the proposed rule set changes."""

    consignment: str
    filing_id: int
    message_id: str | None
    before: str
    after: str
    rules_before: tuple[str, ...]
    rules_after: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "consignment": self.consignment,
            "filing_id": self.filing_id,
            "message_id": self.message_id,
            "before": self.before,
            "after": self.after,
            "rules_before": list(self.rules_before),
            "rules_after": list(self.rules_after),
        }


@dataclass(slots=True)
class ReplayReport:
    """What a rule set would have decided on the last N filings, against the rule set in force."""

    version_in_force: str
    version_proposed: str
    filings: int = 0
    consignments: int = 0
    before: Counter[str] = field(default_factory=Counter)
    after: Counter[str] = field(default_factory=Counter)
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (before, after) -> count
    moved: list[Moved] = field(default_factory=list)
    moved_total: int = 0  # all that move; `moved` keeps the first `keep` of them

    def as_json(self) -> dict[str, Any]:
        """The report as JSON data (the `replay --json` output)."""
        return {
            "rules_version_in_force": self.version_in_force,
            "rules_version_proposed": self.version_proposed,
            "filings": self.filings,
            "consignments": self.consignments,
            "before": dict(sorted(self.before.items())),
            "after": dict(sorted(self.after.items())),
            "changes": [{"before": b, "after": a, "count": n} for (b, a), n in sorted(self.changes.items())],
            "moved_total": self.moved_total,
            "moved": [m.as_json() for m in self.moved],
        }

    def lines(self) -> list[str]:
        """The report as text for the command line."""
        out = [
            f"rules in force {self.version_in_force}, proposed {self.version_proposed}",
            f"{self.filings} filing(s), {self.consignments} consignment decision(s)",
        ]
        kinds = sorted(set(self.before) | set(self.after))
        width = max((len(k) for k in kinds), default=8)
        out.append(f"  {'DECISION':<{width}}  IN FORCE  PROPOSED")
        out += [f"  {k:<{width}}  {self.before[k]:>8}  {self.after[k]:>8}" for k in kinds]
        out.append(f"{self.moved_total} consignment(s) move")
        for (b, a), n in sorted(self.changes.items()):
            out.append(f"  {b} -> {a}: {n}")
        for m in self.moved:
            added = sorted(set(m.rules_after) - set(m.rules_before))
            removed = sorted(set(m.rules_before) - set(m.rules_after))
            what = ", ".join([*(f"+{r}" for r in added), *(f"-{r}" for r in removed)]) or "same rules"
            out.append(f"  {m.consignment}  {m.before} -> {m.after}  ({what})  filing {m.filing_id}")
        return out


def replay_rules(
    store: Any,
    in_force: Assessor,
    proposed: Assessor,
    last: int,
    *,
    keep: int = 500,
    progress: Callable[[int], None] | None = None,
) -> ReplayReport:
    """Assess the last `last` stored filings (XFWB, XFZB, XFHL; not dead letters or commands)
    with both rule sets; count the decisions and keep the first `keep` consignments that move."""
    report = ReplayReport(in_force.rules_version, proposed.rules_version)
    checker = in_force.checker
    for filing_id, message_id, body in store.recent_filings(last):
        result = checker.check(body)
        before = {d.consignment_key: d for d in in_force.assess_result(result).decisions}
        after = {d.consignment_key: d for d in proposed.assess_result(result).decisions}
        report.filings += 1
        for key in sorted(set(before) | set(after)):
            b, a = before.get(key), after.get(key)
            was = b.outcome.value if b else "NONE"
            now = a.outcome.value if a else "NONE"
            report.consignments += 1
            report.before[was] += 1
            report.after[now] += 1
            if was != now:
                report.changes[(was, now)] += 1
                report.moved_total += 1
                if len(report.moved) < keep:
                    report.moved.append(
                        Moved(
                            key,
                            filing_id,
                            message_id,
                            was,
                            now,
                            b.rule_ids if b else (),
                            a.rule_ids if a else (),
                        )
                    )
        if progress is not None:
            progress(report.filings)
    return report
