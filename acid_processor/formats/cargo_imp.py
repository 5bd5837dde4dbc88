"""Cargo-IMP text messages, recognised but not read (yet).

Carriers still send Cargo-IMP (FWB, FHL, FFM, FZB) where a Cargo-XML message is expected. Until
there is a reader, such a message must not be reported as malformed XML: it gets its own reason,
UNSUPPORTED_FORMAT, naming the Cargo-XML message to send instead; when its second line names the
AWB (FWB, FHL), the envelope carries it so the carrier is answered with an XFNM error. Only the
first few hundred bytes are looked at, and only when the body does not start like XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from acid_processor import codes
from acid_processor.model import AwbNumber, Envelope, MessageHeader, Reason

__all__ = ["CargoImp", "sniff", "unsupported"]

# What to send instead of each Cargo-IMP filing.
CARGO_XML_FOR: dict[str, str] = {
    "FWB": "XFWB 3.00",
    "FZB": "XFZB 3.00",
    "FHL": "XFHL 2.00",
    "FFM": "XFFM 3.00",
}
# Cargo-IMP messages that are answers or status messages, never filings.
RESPONSES = frozenset({"FNA", "FMA", "PER", "PSN", "CSN", "FSU", "FSA", "FSR", "FSB", "CCS"})

_HEAD = 512
# Optional Type B envelope lines (priority + addresses "QK YYZCUXX", origin ".HDQFMAC 123456"),
# then the standard message identifier: three letters and an optional /version.
_IDENTIFIER = re.compile(
    rb"\A(?:(?:[A-Z]{2} [A-Z0-9 ]+|\.[^\r\n]*)\r?\n)*([A-Z]{3})(?:/(\d{1,3}))?[ \t]*(?:\r?\n|\Z)"
)
_FWB_AWB = re.compile(rb"\r?\n(\d{3})-(\d{8})[A-Z]{6}")
_MBI_AWB = re.compile(rb"\r?\nMBI/(\d{3})-(\d{8})")


@dataclass(frozen=True, slots=True)
class CargoImp:
    """A Cargo-IMP message recognised by its identifier line."""

    type: str  # FWB, FHL, ...
    version: str | None  # 16 for FWB/16
    awb: AwbNumber | None  # the master AWB when the message names it where expected


def sniff(raw: bytes) -> CargoImp | None:
    """The Cargo-IMP identifier of a body that is not XML, or None."""
    head = raw[:_HEAD].lstrip()
    if not head or head[:1] == b"<" or head[:3] == b"\xef\xbb\xbf":
        return None
    m = _IDENTIFIER.match(head)
    if m is None:
        return None
    kind = m.group(1).decode("ascii")
    if kind not in CARGO_XML_FOR and kind not in RESPONSES:
        return None
    version = m.group(2).decode("ascii") if m.group(2) else None
    found = (_FWB_AWB if kind == "FWB" else _MBI_AWB).search(head, m.end() - 2)
    awb = AwbNumber.parse(f"{found.group(1).decode()}-{found.group(2).decode()}") if found else None
    return CargoImp(kind, version, awb)


def unsupported(message: CargoImp) -> tuple[Reason, Envelope | None]:
    """The UNSUPPORTED_FORMAT reason for a Cargo-IMP message, and an envelope naming its AWB."""
    label = f"{message.type}/{message.version}" if message.version else message.type
    instead = CARGO_XML_FOR.get(message.type)
    if instead:
        detail = f"Cargo-IMP {label} is not accepted yet; send {instead} (Cargo-XML) instead."
    else:
        detail = f"Cargo-IMP {label} is a response or status message, not a filing this processor accepts."
    reason = Reason(codes.UNSUPPORTED_FORMAT, detail, path=message.type, line=1)
    if message.awb is None:
        return reason, None
    header = MessageHeader(message_id=None, kind=message.type, version=message.version, type_code=None)
    return reason, Envelope(header=header, document_id=message.awb.number, awb=message.awb)
