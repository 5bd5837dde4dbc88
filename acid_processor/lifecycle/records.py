"""The memory of a consignment: its holds, the events that placed and removed them, and what the
carrier was last told. Plain frozen records, stored as JSON by the store and folded by `fold.py`.

A consignment's state is a function of its events in order, so replaying the same history always
gives the same state, whatever order the events arrived in. Filings take their place by their own
issue time (the latest wins; arrival order breaks ties). Officer actions and departures happen
when they arrive: they take their place right after the events applied before them (their own
moment is kept apart, for the audit), so a filing that arrives after them comes after them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from acid_processor.model import Outcome

__all__ = [
    "COMPLETE",
    "HOLD_KINDS",
    "ConsignmentState",
    "DepartureEvent",
    "Event",
    "FilingEvent",
    "Hold",
    "LifecyclePolicy",
    "OfficerEvent",
    "Screening",
    "event_from_json",
    "event_to_json",
    "hold_id",
    "state_from_json",
    "state_to_json",
]

HOLD_KINDS: tuple[Outcome, ...] = (Outcome.RFI, Outcome.RFS, Outcome.DNL)  # weakest first
COMPLETE = "ASSESSMENT_COMPLETE"
OPEN = "open"
REMOVED = "removed"

# What removed a hold.
BY_AMENDMENT = "amendment"  # an amendment no longer raises the RFI rules (the data was corrected)
BY_SCREENING = "screening"  # an amendment declares a screening result that answers the RFS
BY_OFFICER = "officer"


@dataclass(frozen=True, slots=True)
class LifecyclePolicy:
    """How holds are released, from rules.toml [lifecycle]. Authorities differ: under PACT an
    officer evaluates every reply, elsewhere a corrected filing or a screening result is enough."""

    release_rfi: str = "automatic"  # "automatic" (by a corrected amendment) or "officer"
    release_rfs: str = "automatic"  # "automatic" (by a screening result) or "officer"
    min_screening_methods: int = 2  # methods a screening result must name (ICS2)

    @property
    def auto_rfi(self) -> bool:
        return self.release_rfi == "automatic"

    @property
    def auto_rfs(self) -> bool:
        return self.release_rfs == "automatic"


@dataclass(frozen=True, slots=True)
class Screening:
    """What a filing's security declaration says about screening, enough to answer an RFS."""

    status: str | None = None  # SHR, SPX, SCO, NSC
    methods: int = 0  # distinct valid screening methods declared
    by_regulated_agent: bool = False  # issued by a regulated agent (ISS RA)
    declared_at: datetime | None = None  # OCI SD of the issuing group, UTC


@dataclass(frozen=True, slots=True)
class Hold:
    """A hold on a consignment: placed once, reported in place on every later update, removed only
    by a corrected amendment (RFI), a screening result (RFS) or an officer."""

    id: str
    kind: Outcome  # RFI, RFS or DNL
    rule_ids: tuple[str, ...]
    placed_by: str  # "filing <message id>" or "officer <id>"
    placed_at: datetime
    origin: str = "rule"  # "rule" (an assessment placed it) or "manual" (an officer did)
    note: str | None = None
    state: str = OPEN
    removed_by: str | None = None
    removed_at: datetime | None = None
    removal: str | None = None  # amendment, screening, officer
    removal_note: str | None = None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    confirm_note: str | None = None
    answered_by: str | None = None  # an amendment that answers it, awaiting an officer's review

    @property
    def open(self) -> bool:
        return self.state == OPEN


@dataclass(frozen=True, slots=True)
class FilingEvent:
    """An assessed filing of one consignment (or a re-assessment of its current filing)."""

    event_id: str  # "filing <message id>"
    time: datetime  # the filing's own issue time, UTC: filings fold in issue-time order
    arrival: int  # arrival order (the stored filing's id)
    outcome: Outcome  # the decision; NOT_ASSESSED when the filing was not assessed
    rfi_rules: tuple[str, ...] = ()
    rfs_rules: tuple[str, ...] = ()
    dnl_rules: tuple[str, ...] = ()
    screening: Screening = Screening()
    flights: tuple[str, ...] = ()
    filing_id: int | None = None  # the stored filing, to read again
    reassessment: bool = False  # the same filing assessed again (its master's data arrived)

    def rules(self, kind: Outcome) -> tuple[str, ...]:
        return {Outcome.RFI: self.rfi_rules, Outcome.RFS: self.rfs_rules, Outcome.DNL: self.dnl_rules}[kind]


@dataclass(frozen=True, slots=True)
class OfficerEvent:
    """An officer's action: release or confirm holds (all open ones when none is named), or place
    a manual hold of a kind. Always with an officer id and a note."""

    event_id: str  # "officer <command id>"
    time: datetime  # where it folds: right after what was applied when it arrived
    arrival: int
    officer: str
    action: str  # release, confirm, place
    note: str
    hold_ids: tuple[str, ...] = ()
    kind: Outcome | None = None  # for place
    at: datetime | None = None  # when the officer acted


@dataclass(frozen=True, slots=True)
class DepartureEvent:
    """A flight manifest named the consignment: it has departed on that flight."""

    event_id: str  # "manifest <message id>"
    time: datetime  # where it folds: right after what was applied when it arrived
    arrival: int
    flight: str | None
    at: datetime | None = None  # when the flight departed, as the manifest says


Event = FilingEvent | OfficerEvent | DepartureEvent


@dataclass(frozen=True, slots=True)
class ConsignmentState:
    """Everything the processor remembers of one consignment (AWB, and house number for a house)."""

    key: str
    awb: str | None = None
    hawb: str | None = None
    level: str = "master"  # master or house
    master_key: str | None = None  # a house's master (its AWB)
    house_keys: tuple[str, ...] = ()  # a master's known houses
    consolidation: bool = False
    current: str | None = None  # event id of the filing that is current (latest by issue time)
    current_time: datetime | None = None
    current_arrival: int | None = None
    current_filing_id: int | None = None
    last_time: datetime | None = None  # the latest event applied, (time, arrival): later ones fold on
    last_arrival: int | None = None
    flights: tuple[str, ...] = ()
    departed_flight: str | None = None
    departed_at: datetime | None = None
    departed_arrival: int | None = None
    holds: tuple[Hold, ...] = ()
    last_status: str | None = None  # what the carrier was last told: "RFS:in_place", COMPLETE, ...
    subject: dict[str, Any] = dataclasses.field(default_factory=dict)  # for XCSNs: routing, recipients
    totals: dict[str, Any] = dataclasses.field(default_factory=dict)  # pieces and kg, as filed

    @property
    def departed(self) -> bool:
        return self.departed_arrival is not None

    @property
    def open_holds(self) -> tuple[Hold, ...]:
        return tuple(h for h in self.holds if h.open)

    def strongest_open(self) -> Outcome | None:
        """The strongest kind among the open holds (DNL > RFS > RFI), or None."""
        kinds = {h.kind for h in self.holds if h.open}
        return next((k for k in reversed(HOLD_KINDS) if k in kinds), None)

    def applied_before(self, time: datetime, arrival: int) -> bool:
        """Whether an event at (time, arrival) comes after everything applied (so it folds on)."""
        if self.last_time is None or self.last_arrival is None:
            return True
        return (time, arrival) > (self.last_time, self.last_arrival)


def hold_id(key: str, kind: Outcome, event_id: str) -> str:
    """A hold's id: stable for the same consignment, kind and placing event (replays agree)."""
    digest = hashlib.sha256(f"{key}|{kind.value}|{event_id}".encode()).hexdigest()[:12]
    return f"H-{digest}"


# --- JSON --------------------------------------------------------------------------------------


def _time_out(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _time_in(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def hold_to_json(h: Hold) -> dict[str, Any]:
    """One hold as plain JSON data."""
    return _hold_out(h)


def _hold_out(h: Hold) -> dict[str, Any]:
    out = {f.name: getattr(h, f.name) for f in dataclasses.fields(h)}
    out["kind"] = h.kind.value
    out["rule_ids"] = list(h.rule_ids)
    for name in ("placed_at", "removed_at", "confirmed_at"):
        out[name] = _time_out(out[name])
    return out


def _hold_in(d: dict[str, Any]) -> Hold:
    values = dict(d)
    values["kind"] = Outcome(values["kind"])
    values["rule_ids"] = tuple(values.get("rule_ids") or ())
    for name in ("placed_at", "removed_at", "confirmed_at"):
        values[name] = _time_in(values.get(name))
    return Hold(**values)


_STATE_TIMES = ("current_time", "last_time", "departed_at")
_STATE_TUPLES = ("house_keys", "flights")


def state_to_json(s: ConsignmentState) -> dict[str, Any]:
    """A state as plain JSON data (what the store keeps)."""
    out = {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}
    for name in _STATE_TIMES:
        out[name] = _time_out(out[name])
    for name in _STATE_TUPLES:
        out[name] = list(out[name])
    out["holds"] = [_hold_out(h) for h in s.holds]
    return out


def state_from_json(d: dict[str, Any]) -> ConsignmentState:
    """The state a JSON document describes (unknown keys from a newer version are an error)."""
    values = dict(d)
    for name in _STATE_TIMES:
        values[name] = _time_in(values.get(name))
    for name in _STATE_TUPLES:
        values[name] = tuple(values.get(name) or ())
    values["holds"] = tuple(_hold_in(h) for h in values.get("holds") or ())
    return ConsignmentState(**values)


def event_to_json(e: Event) -> dict[str, Any]:
    """An event as plain JSON data, with its type."""
    out = {f.name: getattr(e, f.name) for f in dataclasses.fields(e)}
    out["type"] = type(e).__name__
    out["time"] = _time_out(e.time)
    if not isinstance(e, FilingEvent):
        out["at"] = _time_out(e.at)
    if isinstance(e, FilingEvent):
        out["outcome"] = e.outcome.value
        for name in ("rfi_rules", "rfs_rules", "dnl_rules", "flights"):
            out[name] = list(out[name])
        s = e.screening
        out["screening"] = {
            "status": s.status,
            "methods": s.methods,
            "by_regulated_agent": s.by_regulated_agent,
            "declared_at": _time_out(s.declared_at),
        }
    elif isinstance(e, OfficerEvent):
        out["hold_ids"] = list(e.hold_ids)
        out["kind"] = e.kind.value if e.kind else None
    return out


def event_from_json(d: dict[str, Any]) -> Event:
    """The event a JSON document describes."""
    values = {k: v for k, v in d.items() if k != "type"}
    values["time"] = _time_in(values["time"])
    if "at" in values:
        values["at"] = _time_in(values["at"])
    kind = d["type"]
    if kind == "FilingEvent":
        values["outcome"] = Outcome(values["outcome"])
        for name in ("rfi_rules", "rfs_rules", "dnl_rules", "flights"):
            values[name] = tuple(values.get(name) or ())
        s = values.get("screening") or {}
        values["screening"] = Screening(
            s.get("status"),
            int(s.get("methods") or 0),
            bool(s.get("by_regulated_agent")),
            _time_in(s.get("declared_at")),
        )
        return FilingEvent(**values)
    if kind == "OfficerEvent":
        values["hold_ids"] = tuple(values.get("hold_ids") or ())
        values["kind"] = Outcome(values["kind"]) if values.get("kind") else None
        return OfficerEvent(**values)
    if kind == "DepartureEvent":
        return DepartureEvent(**values)
    raise ValueError(f"unknown lifecycle event type {kind!r}")
