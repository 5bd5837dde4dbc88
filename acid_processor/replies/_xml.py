"""Small helpers the XFNM and XCSN renderers share: escaping, elements, times, header parties.

Replies are written as text, not built as lxml trees: they are small, flat and fixed in shape,
and a tree costs ten times as much per element. Escaping follows libxml2's serialiser exactly
(&, <, > and carriage return in text; also quotes, tabs and newlines in attributes), and a
character XML 1.0 cannot carry is an error, as it is for lxml. Every shape is checked against
the project's XSDs by the tests.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from acid_processor.model import Assessment
from acid_processor.replies.profiles import Profile

RAM = "iata:datamodel:3"
DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"

_TOKEN_ID = re.compile(r"\S(?:.{0,68}\S)?")  # IDType: a token of 1-70 characters
_LOCATION = re.compile(r"[A-Z0-9]{3,5}")
_MODE = re.compile(r"[0-9]")
_XS_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?"
)


_XML_CHARS = "\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"  # XML 1.0's Char production
_NOT_XML = re.compile(f"[^{_XML_CHARS}]")
# Anything text() must look at: markup characters, CR, and what XML 1.0 cannot hold at all.
_SPECIAL = re.compile(f"[&<>\r]|[^{_XML_CHARS}]")
_ATTRIBUTE_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\r": "&#13;",
    "\n": "&#10;",
    "\t": "&#9;",
}
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\r\n\t]')


def _check_chars(value: str) -> None:
    bad = _NOT_XML.search(value)
    if bad is not None:
        raise ValueError(f"{bad.group()!r} cannot be written in an XML document")


def text(value: str) -> str:
    """Character data, escaped as libxml2 writes it."""
    if _SPECIAL.search(value) is None:
        return value  # the usual case: one scan, no copy
    _check_chars(value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attribute(value: str) -> str:
    """An attribute value for double quotes, escaped as libxml2 writes it."""
    _check_chars(value)
    return _ATTRIBUTE_SPECIAL.sub(lambda m: _ATTRIBUTE_ESCAPES[m.group()], value)


def leaf(name: str, value: str) -> str:
    """<ram:name>value</ram:name>"""
    return f"<ram:{name}>{text(value)}</ram:{name}>"


def document(root: str, namespace: str, body: str) -> bytes:
    """A whole reply: declaration, the rsm root in its namespace (ram declared on it), UTF-8."""
    start = f'<rsm:{root} xmlns:rsm="{namespace}" xmlns:ram="{RAM}">'
    return f"{DECLARATION}{start}{body}</rsm:{root}>".encode()


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


def echoable_conversation(value: str | None) -> str | None:
    """A ConversationID that can be echoed (a token of at most 128 characters), else None."""
    if not value:
        return None
    folded = " ".join(value.split())
    return folded if 0 < len(folded) <= 128 else None


def conversation_id(a: Assessment) -> str | None:
    """The filing's ConversationID when known and echoable."""
    header = a.header
    return echoable_conversation(header.conversation_id) if header is not None else None


def parties(recipients: tuple[str, ...], profile: Profile) -> str:
    """SenderParty (us, once per scheme) and RecipientParty (the filing's senders, when known)."""
    sender = text(profile.sender_id)
    parts = [
        f'<ram:SenderParty><ram:PrimaryID schemeID="{attribute(scheme)}">{sender}</ram:PrimaryID>'
        "</ram:SenderParty>"
        for scheme in profile.sender_schemes
    ]
    usable = [r for r in (id_or_none(s) for s in recipients) if r]
    # The model keeps the sender ids without their schemeID, so none is claimed for them here.
    for recipient in usable or [profile.unknown_recipient]:
        parts.append(f"<ram:RecipientParty>{leaf('PrimaryID', recipient)}</ram:RecipientParty>")
    return "".join(parts)


def header_parties(a: Assessment, profile: Profile) -> str:
    """The header parties of a reply to an assessed message."""
    return parties(a.header.sender_ids if a.header is not None else (), profile)
