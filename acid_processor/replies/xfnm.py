"""XFNM 3.00 (Response, iata:response:3): the acknowledgement or error report to the sender.

Tells the sender whether its message was received or rejected and, for a rejection, the reason
codes of the data it must fix (PACT vocabulary, e.g. MISSING_CNE_NAME). Codes only: never a rule,
a list, a score or evidence (design.md: "The carrier learns the outcome, never the reason").
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from acid_processor.model import Assessment, Severity
from acid_processor.replies._xml import (
    conversation_id,
    header_parties,
    id_or_none,
    ram,
    to_bytes,
    xml_datetime,
)
from acid_processor.replies.profiles import Profile

__all__ = ["RSM", "render_xfnm"]

RSM = "iata:response:3"
_NSMAP = {"rsm": RSM, "ram": "iata:datamodel:3"}
_ROOT = "{" + RSM + "}Response"
_RSM = "{" + RSM + "}"

NAME = "Application acknowledgement and error report"
TYPE_CODE = "294"
NO_ERRORS = "No Errors"
GENERIC_REJECTION = "MESSAGE_REJECTED"  # an invalid message with no reason code (should not happen)
MAX_REASONS = 20


def render_xfnm(a: Assessment, *, profile: Profile, message_id: str, now: datetime) -> bytes:
    """The XFNM for one inbound message: Acknowledgement "No Errors" or Error with reason codes."""
    root = etree.Element(_ROOT, nsmap=_NSMAP)
    header = etree.SubElement(root, _RSM + "MessageHeaderDocument")
    ram(header, "ID", message_id)
    ram(header, "Name", NAME)
    ram(header, "TypeCode", TYPE_CODE)
    ram(header, "IssueDateTime", xml_datetime(now))
    ram(header, "PurposeCode", "Response")
    ram(header, "VersionID", "3.00")
    conversation = conversation_id(a)
    if conversation:
        ram(header, "ConversationID", conversation)
    header_parties(header, a, profile)

    business = etree.SubElement(root, _RSM + "BusinessHeaderDocument")
    envelope = a.about
    document_id = None
    if envelope is not None:
        document_id = id_or_none(envelope.document_id) or id_or_none(envelope.header.message_id)
    ram(business, "ID", document_id or "UNKNOWN")
    if envelope is not None:
        name = envelope.header.name
        if name and 0 < len(name) <= 70:
            ram(business, "Name", name)
        type_code = id_or_none(envelope.header.type_code)
        if type_code and len(type_code) <= 35:
            ram(business, "TypeCode", type_code)
    ram(business, "StatusCode", "Received" if a.valid else "Rejected")

    status = etree.SubElement(root, _RSM + "ResponseStatus")
    if a.valid:
        ram(status, "ConditionCode", "Acknowledgement")
        ram(status, "Reason", NO_ERRORS)
        if profile.list_warnings:
            for code in _codes(a, Severity.WARNING):
                ram(status, "Reason", code)
    else:
        ram(status, "ConditionCode", "Error")
        for code in _codes(a, Severity.REJECT) or [GENERIC_REJECTION]:
            ram(status, "Reason", code)
    return to_bytes(root)


def _codes(a: Assessment, severity: Severity) -> list[str]:
    """Distinct reason codes of one severity, in the order found, at most MAX_REASONS."""
    seen: list[str] = []
    for reason in a.reasons:
        code = reason.code.strip()
        if reason.severity is severity and code and len(code) <= 512 and code not in seen:
            seen.append(code)
            if len(seen) >= MAX_REASONS:
                break
    return seen
