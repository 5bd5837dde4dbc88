"""XCSN 1.00 (CustomsStatusNotification): the status of one consignment, told to the carrier.

Assessment complete, or a hold placed / still in place / removed, as the regime profile's status
code and generic text. It names the consignment (the AWB, and the house for a house decision) and
the routing, and nothing else: no rule, list, score or evidence ever goes into it.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from acid_processor import codes
from acid_processor.model import Assessment, AwbNumber, Consignment, Decision, Movement, Outcome
from acid_processor.replies._xml import (
    conversation_id,
    date_of,
    document,
    header_parties,
    id_or_none,
    iso_datetime_or_none,
    leaf,
    location_or_none,
    mode_or_none,
    xml_datetime,
)
from acid_processor.replies.profiles import Profile

__all__ = ["RSM", "Common", "common_parts", "render_xcsn"]

RSM = "iata:customsstatusnotification:1"

NAME = "Document Response Customs"
TYPE_CODE = "962"
_NOT_TOLD = (Outcome.REJECTED, Outcome.NOT_ASSESSED)
_FIXED = leaf("Name", NAME) + leaf("TypeCode", TYPE_CODE)
_CREATION = leaf("PurposeCode", "Creation") + leaf("VersionID", "1.00")


class Common(NamedTuple):
    """The parts of an XCSN that every consignment of one filing shares: rendered once per filing."""

    issued: str
    issue_date: str
    header: str  # ConversationID and the header parties
    routing: str


def common_parts(a: Assessment, profile: Profile, now: datetime) -> Common:
    """What the XCSNs of one assessed message share, for `render_xcsn(common=...)`."""
    filing = a.filing
    return Common(
        issued=xml_datetime(now),
        issue_date=date_of(filing.header.issue_time if filing else None, now).isoformat(),
        header=leaf("ConversationID", conversation_id(a) or "") + header_parties(a, profile),
        routing="".join(_movement(leg) for leg in filing.routing) if filing is not None else "",
    )


def render_xcsn(
    a: Assessment,
    d: Decision,
    *,
    profile: Profile,
    message_id: str,
    now: datetime,
    stage: str = "placed",
    common: Common | None = None,
    consignment: Consignment | None = None,
) -> bytes | None:
    """The XCSN for one decision at a hold stage; None for a rejected or not-assessed consignment.

    For stage "removed", pass the decision with the outcome of the hold being removed. `common`
    (from common_parts with the same assessment, profile and time) saves re-rendering the shared
    parts for each consignment of a manifest. `consignment` (the decision's, when known) gives a
    house's own flights when they differ from the filing's."""
    if d.outcome in _NOT_TOLD:
        return None
    status_code = profile.status_code(d.outcome, stage)
    if status_code is None:
        return None
    if common is None:
        common = common_parts(a, profile, now)
    issued = leaf("IssueDateTime", common.issued)

    parts = [
        "<rsm:MessageHeaderDocument>",
        leaf("ID", message_id),
        _FIXED,
        issued,
        _CREATION,
        common.header,
        "</rsm:MessageHeaderDocument><rsm:BusinessHeaderDocument>",
        leaf("StatusCode", status_code),
    ]
    if profile.action_type_code:
        parts.append(leaf("ActionTypeCode", profile.action_type_code))
    if profile.action_type_name:
        parts.append(leaf("ActionTypeName", profile.action_type_name))
    information = profile.information(d.outcome, stage)
    if information:
        if a.test_mode and profile.test_marker:
            information = f"{profile.test_marker} {information}"
        parts.append(leaf("Information", information))
    parts.append(issued)
    parts.append("</rsm:BusinessHeaderDocument><rsm:MasterConsignment>")
    filing = a.filing
    own = consignment.routing if consignment is not None else ()
    if own and filing is not None and own != filing.routing:  # a house with its own flights
        parts.append("".join(_movement(leg) for leg in own))
    else:
        parts.append(common.routing)

    issue_date = common.issue_date
    master_id = _master_awb(a, d)
    house_id = id_or_none(d.hawb) if d.level == "house" else None
    if master_id:
        consolidation = d.level == "house" or bool(filing and filing.consolidation)
        parts.append(
            _reference(
                master_id,
                issue_date,
                codes.MASTER_CONSOLIDATION if consolidation else codes.MASTER_DIRECT,
            )
        )
    if house_id:
        parts.append(_reference(house_id, issue_date, codes.HOUSE_WAYBILL))
    if not master_id and not house_id:
        # Nothing names the consignment (should not happen for an assessed one): name it by its key.
        key = id_or_none(d.consignment_key) or "UNKNOWN"
        parts.append(_reference(key, issue_date, codes.MASTER_DIRECT))
    parts.append("</rsm:MasterConsignment>")
    return document("CustomsStatusNotification", RSM, "".join(parts))


def _master_awb(a: Assessment, d: Decision) -> str | None:
    """The master AWB number of the decision: its own, else the filing's (a house may come without)."""
    for text in (d.awb, a.filing.awb.number if a.filing and a.filing.awb else None):
        awb = AwbNumber.parse(text)
        if awb is not None:
            return awb.number
        if text and id_or_none(text):
            return id_or_none(text)
    return None


def _reference(doc_id: str, issue_date: str, type_code: str) -> str:
    return (
        f"<ram:AssociatedReferenceDocument>{leaf('ID', doc_id)}{leaf('IssueDate', issue_date)}"
        f"{leaf('TypeCode', type_code)}</ram:AssociatedReferenceDocument>"
    )


def _movement(leg: Movement) -> str:
    """One routing leg as in the PACT XCSN example: stage, mode, flight, carrier, arrival, departure."""
    parts = [
        "<ram:SpecifiedLogisticsTransportMovement>",
        leaf("StageCode", id_or_none(leg.stage) or "Main-Carriage"),
    ]
    mode = mode_or_none(leg.mode_code)
    if mode:
        parts.append(leaf("ModeCode", mode))
    flight = id_or_none(leg.flight)
    if flight:
        parts.append(leaf("ID", flight))
    if leg.sequence is not None:
        parts.append(leaf("SequenceNumeric", str(leg.sequence)))
    carrier = id_or_none(leg.carrier)
    if carrier:
        parts.append(
            f"<ram:UsedLogisticsTransportMeans>{leaf('Name', carrier)}</ram:UsedLogisticsTransportMeans>"
        )
    parts.append(_event("ArrivalEvent", "OccurrenceArrivalLocation", leg.arrival_time, leg.arrival_location))
    parts.append(
        _event("DepartureEvent", "OccurrenceDepartureLocation", leg.departure_time, leg.departure_location)
    )
    parts.append("</ram:SpecifiedLogisticsTransportMovement>")
    return "".join(parts)


def _event(name: str, location_name: str, when: str | None, where: str | None) -> str:
    when = iso_datetime_or_none(when)
    where = location_or_none(where)
    if not when and not where:
        return ""
    parts = [f"<ram:{name}>"]
    if when:
        parts.append(leaf("ScheduledOccurrenceDateTime", when))
    if where:
        parts.append(
            f"<ram:{location_name}>{leaf('ID', where)}{leaf('TypeCode', 'Airport')}</ram:{location_name}>"
        )
    parts.append(f"</ram:{name}>")
    return "".join(parts)
