"""XCSN 1.00 (CustomsStatusNotification): the status of one consignment, told to the carrier.

Assessment complete, or a hold placed / still in place / removed, as the regime profile's status
code and generic text. It names the consignment (the AWB, and the house for a house decision) and
the routing, and nothing else: no rule, list, score or evidence ever goes into it.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from acid_processor import codes
from acid_processor.model import Assessment, AwbNumber, Decision, Movement, Outcome
from acid_processor.replies._xml import (
    conversation_id,
    date_of,
    header_parties,
    id_or_none,
    iso_datetime_or_none,
    location_or_none,
    mode_or_none,
    ram,
    to_bytes,
    xml_datetime,
)
from acid_processor.replies.profiles import Profile

__all__ = ["RSM", "render_xcsn"]

RSM = "iata:customsstatusnotification:1"
_NSMAP = {"rsm": RSM, "ram": "iata:datamodel:3"}
_ROOT = "{" + RSM + "}CustomsStatusNotification"
_RSM = "{" + RSM + "}"

NAME = "Document Response Customs"
TYPE_CODE = "962"
_NOT_TOLD = (Outcome.REJECTED, Outcome.NOT_ASSESSED)


def render_xcsn(
    a: Assessment,
    d: Decision,
    *,
    profile: Profile,
    message_id: str,
    now: datetime,
    stage: str = "placed",
) -> bytes | None:
    """The XCSN for one decision at a hold stage; None for a rejected or not-assessed consignment.

    For stage "removed", pass the decision with the outcome of the hold being removed."""
    if d.outcome in _NOT_TOLD:
        return None
    status_code = profile.status_code(d.outcome, stage)
    if status_code is None:
        return None
    issued = xml_datetime(now)

    root = etree.Element(_ROOT, nsmap=_NSMAP)
    header = etree.SubElement(root, _RSM + "MessageHeaderDocument")
    ram(header, "ID", message_id)
    ram(header, "Name", NAME)
    ram(header, "TypeCode", TYPE_CODE)
    ram(header, "IssueDateTime", issued)
    ram(header, "PurposeCode", "Creation")
    ram(header, "VersionID", "1.00")
    ram(header, "ConversationID", conversation_id(a) or "")
    header_parties(header, a, profile)

    business = etree.SubElement(root, _RSM + "BusinessHeaderDocument")
    ram(business, "StatusCode", status_code)
    if profile.action_type_code:
        ram(business, "ActionTypeCode", profile.action_type_code)
    if profile.action_type_name:
        ram(business, "ActionTypeName", profile.action_type_name)
    information = profile.information(d.outcome, stage)
    if information:
        if a.test_mode and profile.test_marker:
            information = f"{profile.test_marker} {information}"
        ram(business, "Information", information)
    ram(business, "IssueDateTime", issued)

    consignment = etree.SubElement(root, _RSM + "MasterConsignment")
    filing = a.filing
    if filing is not None:
        for leg in filing.routing:
            _movement(consignment, leg)
    issue_date = date_of(filing.header.issue_time if filing else None, now).isoformat()
    master_id = _master_awb(a, d)
    house_id = id_or_none(d.hawb) if d.level == "house" else None
    if master_id:
        consolidation = d.level == "house" or bool(filing and filing.consolidation)
        _reference(
            consignment,
            master_id,
            issue_date,
            codes.MASTER_CONSOLIDATION if consolidation else codes.MASTER_DIRECT,
        )
    if house_id:
        _reference(consignment, house_id, issue_date, codes.HOUSE_WAYBILL)
    if not master_id and not house_id:
        # Nothing names the consignment (should not happen for an assessed one): name it by its key.
        _reference(consignment, id_or_none(d.consignment_key) or "UNKNOWN", issue_date, codes.MASTER_DIRECT)
    return to_bytes(root)


def _master_awb(a: Assessment, d: Decision) -> str | None:
    """The master AWB number of the decision: its own, else the filing's (a house may come without)."""
    for text in (d.awb, a.filing.awb.number if a.filing and a.filing.awb else None):
        awb = AwbNumber.parse(text)
        if awb is not None:
            return awb.number
        if text and id_or_none(text):
            return id_or_none(text)
    return None


def _reference(parent: etree._Element, doc_id: str, issue_date: str, type_code: str) -> None:
    ref = ram(parent, "AssociatedReferenceDocument")
    ram(ref, "ID", doc_id)
    ram(ref, "IssueDate", issue_date)
    ram(ref, "TypeCode", type_code)


def _movement(parent: etree._Element, leg: Movement) -> None:
    """One routing leg as in the PACT XCSN example: stage, mode, flight, carrier, arrival, departure."""
    el = ram(parent, "SpecifiedLogisticsTransportMovement")
    ram(el, "StageCode", id_or_none(leg.stage) or "Main-Carriage")
    mode = mode_or_none(leg.mode_code)
    if mode:
        ram(el, "ModeCode", mode)
    flight = id_or_none(leg.flight)
    if flight:
        ram(el, "ID", flight)
    if leg.sequence is not None:
        ram(el, "SequenceNumeric", str(leg.sequence))
    carrier = id_or_none(leg.carrier)
    if carrier:
        ram(ram(el, "UsedLogisticsTransportMeans"), "Name", carrier)
    _event(el, "ArrivalEvent", "OccurrenceArrivalLocation", leg.arrival_time, leg.arrival_location)
    _event(el, "DepartureEvent", "OccurrenceDepartureLocation", leg.departure_time, leg.departure_location)


def _event(
    parent: etree._Element, name: str, location_name: str, when: str | None, where: str | None
) -> None:
    when = iso_datetime_or_none(when)
    where = location_or_none(where)
    if not when and not where:
        return
    event = ram(parent, name)
    if when:
        ram(event, "ScheduledOccurrenceDateTime", when)
    if where:
        location = ram(event, location_name)
        ram(location, "ID", where)
        ram(location, "TypeCode", "Airport")
