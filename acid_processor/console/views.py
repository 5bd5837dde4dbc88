"""The data each page shows, assembled from the store (no Flask here): a consignment's whole story,
and the small formatting rules every page shares (UTC times, ages in words)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acid_processor.check import Checker
from acid_processor.model import Consignment, to_jsonable

__all__ = ["age_text", "consignment_view", "utc_text"]


def utc_text(value: datetime | None) -> str:
    """A time as operators read it: UTC, to the second."""
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def age_text(seconds: float | None) -> str:
    """An age in words a person reads at a glance: 45 s, 12 min, 3 h 05 min, 2 d 4 h."""
    if seconds is None:
        return "-"
    s = int(max(0, seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} d {s % 86400 // 3600} h"


def _party(p: Any) -> dict[str, Any] | None:
    if p is None:
        return None
    a = p.address
    return {
        "name": p.name,
        "address": ", ".join(x for x in (a.street, a.postcode, a.city, a.subdivision, a.country_id) if x)
        if a
        else None,
        "ids": [x for x in (p.primary_id, p.account_id) if x],
        "phones": list(p.phones),
        "emails": list(p.emails),
    }


def seven_plus_one(c: Consignment) -> dict[str, Any]:
    """The 7+1 data of a consignment as filed, and its security declaration, for display."""
    weight = c.gross_weight
    sec = c.security
    designations = [
        (label, d)
        for label, d in (
            ("issuing RA", sec.issuing_ra),
            ("accepting RA", sec.accepting_ra),
            ("known consignor", sec.known_consignor),
            ("account consignor", sec.account_consignor),
            ("regulated carrier", sec.regulated_carrier),
        )
        if d is not None
    ]
    return {
        "awb": c.awb.number if c.awb else c.awb_text,
        "hawb": c.hawb,
        "shipper": _party(c.shipper),
        "consignee": _party(c.consignee),
        "description": c.summary_description,
        "lines": [
            {"description": i.description, "hs_codes": list(i.hs_codes), "pieces": i.piece_count}
            for i in c.items
        ],
        "pieces": c.piece_count,
        "weight": (
            f"{weight.value} {weight.unit or ''}".strip()
            + (f" ({weight.kg} kg)" if weight.kg is not None and weight.unit != "KGM" else "")
            if weight
            else None
        ),
        "origin": c.origin,
        "destination": c.destination,
        "routing": [
            {
                "flight": m.flight,
                "from": m.departure_location,
                "to": m.arrival_location,
                "departs": m.departure_time,
            }
            for m in c.routing
        ],
        "special_handling": list(c.special_handling),
        "security": {
            "status": sec.status,
            "status_codes": list(sec.status_codes),
            "screening_methods": [
                m.code + (f" (filed {m.original})" if m.original != m.code else "")
                for m in sec.screening_methods
            ],
            "unknown_screening_methods": list(sec.unknown_screening_methods),
            "exemptions": list(sec.exemptions),
            "unknown_exemptions": list(sec.unknown_exemptions),
            "designations": [
                {
                    "what": label,
                    "id": d.id,
                    "kind": d.kind,
                    "country": d.country,
                    "expiry": d.expiry,
                }
                for label, d in designations
            ],
            "issued_by": sec.issued_by,
            "issued_on": sec.issued_on_iso or sec.issued_on,
            "accepted_by": sec.accepted_by,
            "free_text_claims": list(sec.free_text_claims),
            "statements": list(sec.statements),
        },
    }


def consignment_view(store: Any, checker: Checker, key: str) -> dict[str, Any] | None:
    """A consignment's whole story for its page: state and holds, every filing with its decision,
    rule hits and evidence, the replies sent, officer actions, and the 7+1 data and security
    declaration read again from its current filing. None when the consignment was never seen."""
    history = store.history(key)
    state = history["state"]
    if state is None:
        return None
    filing_ids = [e["arrival"] for e in history["events"] if e["kind"] == "filing"]
    decisions = store.decisions_of_filings(filing_ids)
    filings = []
    seen: set[int] = set()
    for e in history["events"]:
        if e["kind"] != "filing" or e["arrival"] in seen:
            continue
        seen.add(e["arrival"])
        own = [d for d in decisions.get(e["arrival"], []) if d["consignment"] == key]
        filings.append(
            {
                "filing_id": e["arrival"],
                "message_id": e["message_id"],
                "kind": e["message_kind"],
                "received_at": e["received_at"],
                "issued_at": e["time"],
                "current": e["event_id"] == state.current,
                "reassessment": bool(e["event"].get("reassessment")),
                "decisions": own,
            }
        )
    current = None
    if state.current_filing_id is not None:
        raw = store.filing_raw(state.current_filing_id)
        if raw is not None:
            result = checker.check(raw["body"])
            c = result.filing.consignment(key) if result.filing is not None else None
            if c is None and result.filing is not None and result.filing.consignments:
                c = result.filing.consignments[0] if len(result.filing.consignments) == 1 else None
            current = seven_plus_one(c) if c is not None else None
    return {
        "key": key,
        "state": state,
        "holds": sorted(state.holds, key=lambda h: (not h.open, h.placed_at)),
        "events": history["events"],
        "filings": filings,
        "replies": history["replies"],
        "actions": history["actions"],
        "current": current,
        "raw_state": to_jsonable(state),
    }
