"""Lifecycle messages to targeting: a hold placed, removed, confirmed or answered; a consolidation
held by its houses; a consignment that departed with an open hold. JSON documents valid against
schemas/lifecycle-event.schema.json, published to the targeting exchange (never to a carrier).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acid_processor.lifecycle.records import ConsignmentState, Hold

__all__ = ["hold_json", "lifecycle_event"]

EVENTS = (
    "hold_placed",
    "hold_removed",
    "hold_confirmed",
    "hold_answered",
    "master_status",
    "loaded_with_open_hold",
)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def hold_json(h: Hold) -> dict[str, Any]:
    """One hold as targeting sees it."""
    return {
        "hold_id": h.id,
        "kind": h.kind.value,
        "state": h.state,
        "origin": h.origin,
        "rule_ids": list(h.rule_ids),
        "placed_by": h.placed_by,
        "placed_at": _iso(h.placed_at),
        "note": h.note,
        "removed_by": h.removed_by,
        "removed_at": _iso(h.removed_at),
        "removal": h.removal,
        "removal_note": h.removal_note,
        "confirmed_by": h.confirmed_by,
        "confirmed_at": _iso(h.confirmed_at),
        "answered_by": h.answered_by,
    }


def lifecycle_event(
    event: str,
    state: ConsignmentState,
    *,
    event_id: str,
    caused_by: str,
    now: datetime,
    holds: tuple[Hold, ...] = (),
    told: str | None = None,
    houses: dict[str, str] | None = None,
    rules_version: str | None = None,
) -> dict[str, Any]:
    """A lifecycle event document: what happened to which consignment, caused by which filing,
    officer or manifest, the holds concerned, every hold still open, and the status the carrier
    was told (never the reason)."""
    if event not in EVENTS:
        raise ValueError(f"unknown lifecycle event {event!r}")
    return {
        "event": event,
        "event_id": event_id,
        "consignment_key": state.key,
        "awb": state.awb,
        "hawb": state.hawb,
        "level": state.level,
        "caused_by": caused_by,
        "holds": [hold_json(h) for h in holds],
        "open_holds": [hold_json(h) for h in state.holds if h.open],
        "carrier_told": told,
        "departed": state.departed,
        "departed_flight": state.departed_flight,
        "departed_at": _iso(state.departed_at),
        "flights": list(state.flights),
        "holding_houses": houses or {},
        "rules_version": rules_version,
        "at": _iso(now),
    }
