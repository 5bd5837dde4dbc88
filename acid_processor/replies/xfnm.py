"""XFNM 3.00 (Response, iata:response:3): the acknowledgement or error report to the sender.

Tells the sender whether its message was received or rejected and, for a rejection, the reason
codes of the data it must fix (PACT vocabulary, e.g. MISSING_CNE_NAME). Codes only: never a rule,
a list, a score or evidence (docs/design.md: "The carrier learns the outcome, never the reason").
"""

from __future__ import annotations

from datetime import datetime

from acid_processor import codes
from acid_processor.model import Assessment, Severity
from acid_processor.replies._xml import (
    conversation_id,
    document,
    header_parties,
    id_or_none,
    leaf,
    xml_datetime,
)
from acid_processor.replies.profiles import Profile

__all__ = ["RSM", "render_xfnm"]

RSM = "iata:response:3"

NAME = "Application acknowledgement and error report"
TYPE_CODE = "294"
NO_ERRORS = "No Errors"
MAX_REASONS = 20
_FIXED = leaf("Name", NAME) + leaf("TypeCode", TYPE_CODE)
_RESPONSE = leaf("PurposeCode", "Response") + leaf("VersionID", "3.00")


def render_xfnm(a: Assessment, *, profile: Profile, message_id: str, now: datetime) -> bytes:
    """The XFNM for one inbound message: Acknowledgement "No Errors" or Error with reason codes."""
    parts = [
        "<rsm:MessageHeaderDocument>",
        leaf("ID", message_id),
        _FIXED,
        leaf("IssueDateTime", xml_datetime(now)),
        _RESPONSE,
    ]
    conversation = conversation_id(a)
    if conversation:
        parts.append(leaf("ConversationID", conversation))
    parts.append(header_parties(a, profile))
    parts.append("</rsm:MessageHeaderDocument><rsm:BusinessHeaderDocument>")

    envelope = a.about
    document_id = None
    if envelope is not None:
        document_id = id_or_none(envelope.document_id) or id_or_none(envelope.header.message_id)
    parts.append(leaf("ID", document_id or "UNKNOWN"))
    if envelope is not None:
        name = envelope.header.name
        if name and 0 < len(name) <= 70:
            parts.append(leaf("Name", name))
        type_code = id_or_none(envelope.header.type_code)
        if type_code and len(type_code) <= 35:
            parts.append(leaf("TypeCode", type_code))
    parts.append(leaf("StatusCode", "Received" if a.valid else "Rejected"))
    parts.append("</rsm:BusinessHeaderDocument><rsm:ResponseStatus>")

    if a.valid:
        parts.append(leaf("ConditionCode", "Acknowledgement"))
        parts.append(leaf("Reason", NO_ERRORS))
        if profile.list_warnings:
            parts.extend(leaf("Reason", code) for code in _codes(a, Severity.WARNING))
    else:
        parts.append(leaf("ConditionCode", "Error"))
        parts.extend(leaf("Reason", code) for code in _codes(a, Severity.REJECT) or [codes.MESSAGE_REJECTED])
    parts.append("</rsm:ResponseStatus>")
    return document("Response", RSM, "".join(parts))


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
