"""Referrals to targeting officers: the full picture of a hold, with every rule id and evidence.

A referral is a JSON object (schemas/referral.schema.json) made for RFI, RFS and DNL decisions and
for any decision a random selection touched. It carries what the carrier never sees: the rule ids,
list entries, scores and evidence, the rules version, and the 7+1 data and security declaration
the officer needs to act.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from acid_processor.model import (
    Assessment,
    Consignment,
    Decision,
    Evidence,
    Outcome,
    Party,
    RuleHit,
    Weight,
    to_jsonable,
)

__all__ = ["RANDOM_CATEGORY", "build_referral", "needs_referral", "referral_type"]

RANDOM_CATEGORY = "random"
_TYPES = {Outcome.RFI: "rfi", Outcome.RFS: "rfs", Outcome.DNL: "dnl"}
REVIEW = "review"  # a random selection that placed no hold: the officer reviews, the carrier heard CO


def needs_referral(d: Decision) -> bool:
    """True for a hold (RFI, RFS, DNL) and for any assessed decision a random selection touched."""
    if d.outcome.is_hold:
        return True
    if d.outcome in (Outcome.REJECTED, Outcome.NOT_ASSESSED):
        return False
    return _random(d)


def referral_type(d: Decision) -> str:
    """rfi, rfs or dnl for a hold; review for a random selection that placed none."""
    return _TYPES.get(d.outcome, REVIEW)


def build_referral(
    a: Assessment,
    d: Decision,
    *,
    referral_id: str,
    source_message_id: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The referral for one decision, as plain JSON data (validates against referral.schema.json)."""
    consignment = _consignment(a, d)
    return {
        "referral_id": referral_id,
        "type": referral_type(d),
        "outcome": d.outcome.value,
        "awb": d.awb,
        "hawb": d.hawb,
        "consignment_key": d.consignment_key,
        "level": d.level,
        "source_kind": a.kind,
        "seven_plus_one": _seven_plus_one(a, d, consignment),
        "security": to_jsonable(consignment.security) if consignment is not None else None,
        "hits": [_hit(h) for h in d.hits],
        "recommended_screening_methods": list(_methods(d)),
        "rules_version": d.rules_version or a.rules_version,
        "random_selection": _random(d),
        "test_mode": a.test_mode,
        "received_at": a.received_at,
        "referred_at": _iso(now),
        "source_message_id": source_message_id,
    }


def _random(d: Decision) -> bool:
    return any(h.category == RANDOM_CATEGORY for h in d.hits)


def _methods(d: Decision) -> tuple[str, ...]:
    """The decision's recommended screening methods, else those of its hits, without repeats."""
    found = list(d.screening_methods) or [m for h in d.hits for m in h.screening_methods]
    return tuple(dict.fromkeys(found))


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _consignment(a: Assessment, d: Decision) -> Consignment | None:
    """The filed consignment the decision is about, matched on its key (AWB, and HAWB for a house)."""
    return a.filing.consignment(d.consignment_key) if a.filing is not None else None


def _party(p: Party | None) -> dict[str, Any] | None:
    return to_jsonable(p) if p is not None else None


def _weight(w: Weight | None) -> dict[str, Any] | None:
    if w is None:
        return None
    return {"value": float(w.value), "unit": w.unit, "kg": float(w.kg) if w.kg is not None else None}


def _seven_plus_one(a: Assessment, d: Decision, c: Consignment | None) -> dict[str, Any]:
    """The 7+1 data set as filed: parties, descriptions, pieces, weight, HS codes, route."""
    legs = c.routing if c is not None and c.routing else (a.filing.routing if a.filing is not None else ())
    routing = [to_jsonable(m) for m in legs]
    if c is None:
        return {
            "awb": d.awb,
            "hawb": d.hawb,
            "shipper": None,
            "consignee": None,
            "descriptions": [],
            "piece_count": None,
            "gross_weight_kg": None,
            "gross_weight": None,
            "hs_codes": [],
            "origin": None,
            "destination": None,
            "routing": routing,
        }
    kg = c.gross_weight.kg if c.gross_weight is not None else None
    return {
        "awb": c.awb.number if c.awb else c.awb_text,
        "hawb": c.hawb,
        "shipper": _party(c.shipper),
        "consignee": _party(c.consignee),
        "descriptions": list(c.descriptions),
        "piece_count": c.piece_count,
        "gross_weight_kg": float(kg) if kg is not None else None,
        "gross_weight": _weight(c.gross_weight),
        "hs_codes": list(c.hs_codes),
        "origin": c.origin,
        "destination": c.destination,
        "routing": routing,
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"field": e.field, "value": e.value, "list_entry": e.list_entry, "score": e.score, "note": e.note}


def _hit(h: RuleHit) -> dict[str, Any]:
    return {
        "rule_id": h.rule_id,
        "outcome": h.outcome.value,
        "category": h.category,
        "detail": h.detail,
        "evidence": [_evidence(e) for e in h.evidence],
        "screening_methods": list(h.screening_methods),
    }
