"""Small helpers the XFNM and XCSN renderers share: element building, times, header parties."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from lxml import etree

from acid_processor.model import Assessment
from acid_processor.replies.profiles import Profile

RAM = "iata:datamodel:3"
_RAM = "{" + RAM + "}"

_TOKEN_ID = re.compile(r"\S(?:.{0,68}\S)?")  # IDType: a token of 1-70 characters
_LOCATION = re.compile(r"[A-Z0-9]{3,5}")
_MODE = re.compile(r"[0-9]")
_XS_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


def ram(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """Append a ram:<name> child with text (lxml escapes it)."""
    el = etree.SubElement(parent, _RAM + name)
    if text is not None:
        el.text = text
    return el


def xml_datetime(moment: datetime) -> str:
    """A moment as the samples write it: UTC, seconds, no offset (naive values are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def iso_datetime_or_none(text: str | None) -> str | None:
    """A filed date-time kept as filed when it is a valid xs:dateTime, else None."""
    if not text or not _XS_DATETIME.fullmatch(text):
        return None
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return text


def date_of(text: str | None, fallback: datetime) -> date:
    """The calendar date of a filed ISO date-time, or of the fallback moment (UTC)."""
    if text:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    if fallback.tzinfo is not None:
        fallback = fallback.astimezone(UTC)
    return fallback.date()


def id_or_none(text: str | None) -> str | None:
    """Text usable as an IDType value (a token of 1-70 characters), else None."""
    if not text:
        return None
    folded = " ".join(text.split())
    return folded if _TOKEN_ID.fullmatch(folded) else None


def location_or_none(text: str | None) -> str | None:
    return text if text and _LOCATION.fullmatch(text) else None


def mode_or_none(text: str | None) -> str | None:
    return text if text and _MODE.fullmatch(text) else None


def conversation_id(a: Assessment) -> str | None:
    """The filing's ConversationID when known and echoable (a token of at most 128 characters)."""
    header = a.header
    if header is None or not header.conversation_id:
        return None
    folded = " ".join(header.conversation_id.split())
    return folded if 0 < len(folded) <= 128 else None


def header_parties(header: etree._Element, a: Assessment, profile: Profile) -> None:
    """SenderParty (us, once per scheme) and RecipientParty (the filing's senders, when known)."""
    for scheme in profile.sender_schemes:
        ram(ram(header, "SenderParty"), "PrimaryID", profile.sender_id).set("schemeID", scheme)
    recipients = []
    if a.header is not None:
        recipients = [r for r in (id_or_none(s) for s in a.header.sender_ids) if r]
    # The model keeps the sender ids without their schemeID, so none is claimed for them here.
    for recipient in recipients or [profile.unknown_recipient]:
        ram(ram(header, "RecipientParty"), "PrimaryID", recipient)


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
