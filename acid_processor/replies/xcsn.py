"""XCSN 1.00 (CustomsStatusNotification): the status of one consignment, told to the carrier.

Assessment complete, or a hold placed / still in place / removed, as the regime profile's status
code and generic text. It names the consignment (the AWB, and the house for a house decision) and
the routing, and nothing else: no rule, list, score or evidence ever goes into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from acid_processor import codes
from acid_processor.model import Assessment, AwbNumber, Consignment, Decision, Movement, Outcome
from acid_processor.replies._xml import (
    date_of,
    document,
    echoable_conversation,
    id_or_none,
    iso_datetime_or_none,
    leaf,
    location_or_none,
    mode_or_none,
    parties,
    xml_datetime,
)
from acid_processor.replies.profiles import Profile

__all__ = [
    "RSM",
    "Common",
    "Subject",
    "common_of",
    "common_parts",
    "render_notice",
    "render_xcsn",
    "subject_of",
]

RSM = "iata:customsstatusnotification:1"

NAME = "Document Response Customs"
TYPE_CODE = "962"
_NOT_TOLD = (Outcome.REJECTED, Outcome.NOT_ASSESSED)
_FIXED = leaf("Name", NAME) + leaf("TypeCode", TYPE_CODE)
_CREATION = leaf("PurposeCode", "Creation") + leaf("VersionID", "1.00")


@dataclass(frozen=True, slots=True)
class Subject:
    """What an XCSN is about and whom it answers: enough to write one without the filing at hand
    (the lifecycle tells a consignment's status when an officer acts, or a house changes its
    master's). Built from an assessed filing by `subject_of`, or from the consignment's state."""

    consignment_key: str
    awb: str | None  # the master AWB (its own for a direct shipment)
    hawb: str | None
    level: str  # master or house
    consolidation: bool
    routing: tuple[Movement, ...] = ()
    issue_time: str | None = None  # the current filing's header IssueDateTime, as filed
    conversation_id: str | None = None
    recipients: tuple[str, ...] = ()  # the current filing's sender ids
    test_mode: bool = False


def subject_of(a: Assessment, d: Decision, consignment: Consignment | None = None) -> Subject:
    """The subject of a decision on an assessed filing; a house's own flights win over the filing's."""
    filing = a.filing
    routing = filing.routing if filing is not None else ()
    if consignment is not None and consignment.routing:
        routing = consignment.routing
    header = a.header
    return Subject(
        consignment_key=d.consignment_key,
        awb=_master_awb(a, d),
        hawb=d.hawb,
        level=d.level,
        consolidation=d.level == "house" or bool(filing and filing.consolidation),
        routing=routing,
        issue_time=filing.header.issue_time if filing is not None else None,
        conversation_id=header.conversation_id if header is not None else None,
        recipients=header.sender_ids if header is not None else (),
        test_mode=a.test_mode,
    )


class Common(NamedTuple):
    """The parts of an XCSN that every consignment of one filing shares: rendered once per filing."""

    issued: str
    issue_date: str
    header: str  # ConversationID and the header parties
    routing: str
    legs: tuple[Movement, ...]


def common_of(subject: Subject, profile: Profile, now: datetime) -> Common:
    """The parts a subject shares with the other subjects of its filing."""
    conversation = echoable_conversation(subject.conversation_id)
    return Common(
        issued=xml_datetime(now),
        issue_date=date_of(subject.issue_time, now).isoformat(),
        header=leaf("ConversationID", conversation or "") + parties(subject.recipients, profile),
        routing="".join(_movement(leg) for leg in subject.routing),
        legs=subject.routing,
    )


def common_parts(a: Assessment, profile: Profile, now: datetime) -> Common:
    """What the XCSNs of one assessed message share, for `render_xcsn(common=...)`."""
    filing = a.filing
    header = a.header
    subject = Subject(
        "",
        None,
        None,
        "master",
        False,
        routing=filing.routing if filing is not None else (),
        issue_time=filing.header.issue_time if filing is not None else None,
        conversation_id=header.conversation_id if header is not None else None,
        recipients=header.sender_ids if header is not None else (),
    )
    return common_of(subject, profile, now)


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
    return render_notice(
        subject_of(a, d, consignment),
        d.outcome,
        stage,
        profile=profile,
        message_id=message_id,
        now=now,
        common=common,
    )


def render_notice(
    subject: Subject,
    outcome: Outcome,
    stage: str = "placed",
    *,
    profile: Profile,
    message_id: str,
    now: datetime,
    common: Common | None = None,
) -> bytes | None:
    """The XCSN telling one status (assessment complete, or a hold kind at a stage) of a subject;
    None when the regime has no status for it. No rule, list, score or evidence goes in."""
    if outcome in _NOT_TOLD:
        return None
    status_code = profile.status_code(outcome, stage)
    if status_code is None:
        return None
    if common is None:
        common = common_of(subject, profile, now)
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
    information = profile.information(outcome, stage)
    if information:
        if subject.test_mode and profile.test_marker:
            information = f"{profile.test_marker} {information}"
        parts.append(leaf("Information", information))
    parts.append(issued)
    parts.append("</rsm:BusinessHeaderDocument><rsm:MasterConsignment>")
    if subject.routing and subject.routing != common.legs:  # a house with its own flights
        parts.append("".join(_movement(leg) for leg in subject.routing))
    else:
        parts.append(common.routing)

    issue_date = common.issue_date
    master_id = subject.awb
    house_id = id_or_none(subject.hawb) if subject.level == "house" else None
    if master_id:
        parts.append(
            _reference(
                master_id,
                issue_date,
                codes.MASTER_CONSOLIDATION if subject.consolidation else codes.MASTER_DIRECT,
            )
        )
    if house_id:
        parts.append(_reference(house_id, issue_date, codes.HOUSE_WAYBILL))
    if not master_id and not house_id:
        # Nothing names the consignment (should not happen for an assessed one): name it by its key.
        key = id_or_none(subject.consignment_key) or "UNKNOWN"
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
