"""The canonical records every stage works on: a filing, its consignments and the reasons found.

Plain frozen dataclasses with no parser objects inside, so they can be stored, compared, turned into
JSON and handed between threads. Names come from the trade (awb, hawb, shipper, consignee, ...).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """What a reason does to the filing."""

    REJECT = "reject"  # the filing is refused (XFNM Error); nothing is assessed
    RFI = "rfi"  # accepted, but the data is not good enough to assess: a request for information
    WARNING = "warning"  # accepted; noted for targeting and operations


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding about a message: a reason code from the PACT vocabulary (or the project's own
    for XML-level problems), where it was found and a sentence a carrier's integrator understands."""

    code: str
    detail: str
    path: str | None = None
    line: int | None = None
    severity: Severity = Severity.REJECT


@dataclass(frozen=True, slots=True)
class AwbNumber:
    """An air waybill number PPP-SSSSSSSC: airline prefix, 7-digit serial and the mod-7 check digit."""

    prefix: str
    serial: str
    check_digit: str

    @property
    def number(self) -> str:
        return f"{self.prefix}-{self.serial}{self.check_digit}"

    @property
    def check_digit_ok(self) -> bool:
        return int(self.serial) % 7 == int(self.check_digit)

    @classmethod
    def parse(cls, text: str | None) -> AwbNumber | None:
        """Read 'PPP-SSSSSSSC' (the dash is optional); None when the text is not an AWB number."""
        if not text:
            return None
        t = text.strip()
        if len(t) == 12 and t[3] == "-":
            t = t[:3] + t[4:]
        if len(t) != 11 or not t.isdigit() or not t.isascii():
            return None
        return cls(prefix=t[:3], serial=t[3:10], check_digit=t[10])


@dataclass(frozen=True, slots=True)
class Address:
    street: str | None = None
    city: str | None = None
    postcode: str | None = None
    country_id: str | None = None
    country_name: str | None = None
    subdivision: str | None = None
    po_box: str | None = None


@dataclass(frozen=True, slots=True)
class Party:
    """A shipper (consignor) or consignee as filed, with the contact data targeting can match on."""

    name: str | None
    address: Address | None
    primary_id: str | None = None
    account_id: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    contact_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Weight:
    """A weight as filed (value and unit code) and normalised to kilograms."""

    value: Decimal
    unit: str | None
    kg: Decimal | None  # None when the unit is missing or unknown


@dataclass(frozen=True, slots=True)
class Item:
    """One line of goods: its description, HS codes and, where given, pieces and weight."""

    sequence: int | None
    description: str | None
    hs_codes: tuple[str, ...] = ()
    piece_count: int | None = None
    gross_weight: Weight | None = None
    origin_country: str | None = None


@dataclass(frozen=True, slots=True)
class Designation:
    """A security designation from an OCI line: regulated agent, known/account consignor or
    regulated carrier, with its country and expiry (MMYY) where filed."""

    kind: str  # RA, KC, AC, RC
    id: str
    country: str | None = None
    expiry: str | None = None  # MMYY as filed
    role: str | None = None  # ISS (issued the status) or OSS (accepted it)


@dataclass(frozen=True, slots=True)
class ScreeningMethod:
    code: str  # normalised to the current list: PHS VCK XRY EDS EDD ETD CMD AOM
    original: str  # as filed (e.g. FRD, PRT, MDE)


@dataclass(frozen=True, slots=True)
class SecurityDeclaration:
    """The electronic consignment security declaration (e-CSD) as filed.

    Read cautiously: when several statuses are filed the weakest is the status (a conflict is no
    reason to believe the better claim); only screening methods and exemptions of the code lists
    count, and codes outside them are kept apart as evidence. The issuing group (ISS) and the
    accepting group (OSS) of the OCI lines are kept apart: who issued the status and when, who
    accepted it and when."""

    status: str | None = None  # SPX, SCO, SHR or NSC (the weakest claim when several are filed)
    status_codes: tuple[str, ...] = ()  # every security SPH code found, in order
    issuing_ra: Designation | None = None
    accepting_ra: Designation | None = None
    known_consignor: Designation | None = None
    account_consignor: Designation | None = None
    regulated_carrier: Designation | None = None
    screening_methods: tuple[ScreeningMethod, ...] = ()  # methods of the code list (legacy codes mapped)
    exemptions: tuple[str, ...] = ()  # exemption codes of the code list
    issued_by: str | None = None  # SN of the issuing group
    issued_on: str | None = None  # SD of the issuing group, DDMMMYYHHMM as filed
    issued_on_iso: str | None = None  # the same as ISO 8601 when it parses
    statements: tuple[str, ...] = ()  # ST free statements
    free_text_claims: tuple[str, ...] = ()  # security claims found in SSR/OSI text
    accepted_by: str | None = None  # SN of the accepting (OSS) group
    accepted_on: str | None = None  # SD of the accepting group, as filed
    accepted_on_iso: str | None = None
    unknown_screening_methods: tuple[str, ...] = ()  # SM codes not in the list, as filed: count for nothing
    unknown_exemptions: tuple[str, ...] = ()  # L codes not in the list, as filed: back nothing

    @property
    def declared(self) -> bool:
        return self.status is not None

    @property
    def conflicting(self) -> bool:
        """More than one security status is filed."""
        return len(set(self.status_codes)) > 1

    @property
    def method_codes(self) -> frozenset[str]:
        """The distinct screening methods that count (current codes)."""
        return frozenset(m.code for m in self.screening_methods)


@dataclass(frozen=True, slots=True)
class Movement:
    """One leg of the routing: a flight (or other transport) with its points and dates."""

    flight: str | None  # e.g. LH5050
    carrier: str | None = None
    departure_location: str | None = None
    departure_time: str | None = None  # ISO 8601 as filed
    arrival_location: str | None = None
    arrival_time: str | None = None
    sequence: int | None = None
    stage: str | None = None
    mode_code: str | None = None


@dataclass(frozen=True, slots=True)
class TraderId:
    """A trader identification (OCI T line) or contact note for a party: SHP or CNE."""

    subject: str  # SHP, CNE, ...
    content_code: str  # T, CT, CP, ...
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Consignment:
    """One consignment to assess: a direct master AWB or one house of a consolidation.

    Carries the 7+1 data set (the AWB and HAWB, shipper and consignee with addresses, goods
    descriptions, piece count, gross weight) and the security declaration."""

    level: str  # "master" or "house"
    awb: AwbNumber | None
    awb_text: str | None  # the AWB as filed, for reasons when it does not parse
    hawb: str | None
    shipper: Party | None
    consignee: Party | None
    piece_count: int | None
    gross_weight: Weight | None
    summary_description: str | None
    items: tuple[Item, ...]
    origin: str | None
    destination: str | None
    security: SecurityDeclaration
    special_handling: tuple[str, ...] = ()
    ssr: tuple[str, ...] = ()
    osi: tuple[str, ...] = ()
    trader_ids: tuple[TraderId, ...] = ()
    path: str = ""  # element path of this consignment in the message, for reasons
    routing: tuple[Movement, ...] = ()  # its own flights, else those of its master

    @property
    def descriptions(self) -> tuple[str, ...]:
        """Every goods description filed: the summary and each item's."""
        found = [self.summary_description] if self.summary_description else []
        found.extend(i.description for i in self.items if i.description)
        return tuple(found)

    @property
    def hs_codes(self) -> tuple[str, ...]:
        return tuple(code for i in self.items for code in i.hs_codes)

    @property
    def key(self) -> str:
        """The identity of this consignment across messages: AWB, and HAWB for a house."""
        awb = self.awb.number if self.awb else (self.awb_text or "")
        if self.hawb:  # a house sent before its master is known by its house number alone
            return f"{awb}/{self.hawb}" if awb else self.hawb
        return awb


@dataclass(frozen=True, slots=True)
class HouseLine:
    """One house as a house manifest (XFHL) lists it: the link from its master to the house, with
    the totals, description, route and security data the manifest gives. The house's own 7+1 data
    (shipper, consignee) comes in its XFZB; the manifest line alone is not assessed."""

    hawb: str
    sequence: int | None
    piece_count: int | None
    gross_weight: Weight | None
    summary_description: str | None
    origin: str | None
    destination: str | None
    security: SecurityDeclaration
    package_count: int | None = None
    special_handling: tuple[str, ...] = ()
    ssr: tuple[str, ...] = ()
    osi: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True, slots=True)
class MessageHeader:
    message_id: str | None
    kind: str  # XFWB, XFZB, XFHL, XFFM
    version: str | None
    type_code: str | None
    name: str | None = None
    purpose: str | None = None
    issue_time: str | None = None
    conversation_id: str | None = None
    sender_ids: tuple[str, ...] = ()
    recipient_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FlightManifest:
    """What an XFFM says: the flight, its departure and the AWBs loaded on it."""

    flight: str | None
    carrier: str | None
    departure_location: str | None
    departure_time: str | None
    arrival_locations: tuple[str, ...]
    awbs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who sent a message and what it is about, read even when the message fails its schema, so
    that the rejection can be addressed and routed to the right carrier."""

    header: MessageHeader
    document_id: str | None
    awb: AwbNumber | None


@dataclass(frozen=True, slots=True)
class Filing:
    """One inbound message read into the canonical form."""

    header: MessageHeader
    document_id: str | None  # BusinessHeaderDocument/ID: the AWB, the HAWB or the manifest id
    awb: AwbNumber | None  # the master AWB the message is about, where there is one
    consolidation: bool | None  # True for 741 or header note C; None for messages without the notion
    consignments: tuple[Consignment, ...] = ()
    master: Consignment | None = None  # the master-level data of a consolidation (assessed at house level)
    house_numbers: tuple[str, ...] = ()
    routing: tuple[Movement, ...] = ()
    manifest: FlightManifest | None = None
    house_lines: tuple[HouseLine, ...] = ()  # an XFHL's houses: links from the master, not assessed here
    awb_text: str | None = None  # the master AWB as filed (11 digits without the hyphen happen)

    @property
    def kind(self) -> str:
        return self.header.kind

    def consignment(self, key: str) -> Consignment | None:
        """The consignment (or the master) with this key, or None."""
        for c in self.consignments:
            if c.key == key:
                return c
        if self.master is not None and self.master.key == key:
            return self.master
        return None


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # field names per record class, looked up once
_PLAIN = frozenset({str, int, float, bool})


def to_jsonable(value: Any) -> Any:
    """A record as plain JSON data (dicts, lists, strings, numbers), with derived AWB fields."""
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, AwbNumber):
        return {
            "number": value.number,
            "prefix": value.prefix,
            "serial": value.serial,
            "check_digit": value.check_digit,
            "check_digit_ok": value.check_digit_ok,
        }
    names = _FIELD_NAMES.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        out = {name: to_jsonable(getattr(value, name)) for name in names}
        if isinstance(value, Consignment):
            out["key"] = value.key
        return out
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, StrEnum):
        return value.value
    return value


# --- assessment --------------------------------------------------------------------------------


class Outcome(StrEnum):
    """The decision on one consignment, strongest last among the holds (DNL > RFS > RFI > complete)."""

    ASSESSMENT_COMPLETE = "ASSESSMENT_COMPLETE"
    RFI = "RFI"  # request for information: a hold until the data is good enough
    RFS = "RFS"  # request for screening as high-risk cargo: a hold until screened
    DNL = "DNL"  # do not load: a threat
    REJECTED = "REJECTED"  # the filing failed the schema or the mandatory 7+1 data
    NOT_ASSESSED = "NOT_ASSESSED"  # acknowledged only (e.g. after departure, a flight manifest)

    @property
    def strength(self) -> int:
        return _STRENGTH[self]

    @property
    def is_hold(self) -> bool:
        return self in (Outcome.RFI, Outcome.RFS, Outcome.DNL)


_STRENGTH = {
    Outcome.NOT_ASSESSED: 0,
    Outcome.ASSESSMENT_COMPLETE: 1,
    Outcome.RFI: 2,
    Outcome.RFS: 3,
    Outcome.DNL: 4,
    Outcome.REJECTED: 5,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a rule saw: the field and value filed, and the list entry and score where it matched one."""

    field: str
    value: str | None
    list_entry: str | None = None  # e.g. "DEMO-DENIED-PARTIES:WL-00017 ACME TRADING"
    score: float | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that fired on a consignment. Targeting sees all of it; the carrier never does."""

    rule_id: str
    outcome: Outcome
    detail: str
    evidence: tuple[Evidence, ...] = ()
    screening_methods: tuple[str, ...] = ()  # recommended, for RFS
    category: str = "rule"  # rule, watchlist, intelligence, random, test, quality


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one consignment with every hit that led to it and the policy version used."""

    consignment_key: str
    awb: str | None
    hawb: str | None
    level: str
    outcome: Outcome
    hits: tuple[RuleHit, ...]
    rules_version: str
    screening_methods: tuple[str, ...] = ()  # recommended methods when the outcome is RFS

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(h.rule_id for h in self.hits)


@dataclass(frozen=True, slots=True)
class Assessment:
    """A message read and assessed: what the replies, referrals and audit records are made from."""

    kind: str | None
    version: str | None
    valid: bool
    reasons: tuple[Reason, ...]
    filing: Filing | None
    decisions: tuple[Decision, ...]
    rules_version: str
    received_at: str  # ISO 8601, UTC
    test_mode: bool = False
    envelope: Envelope | None = None  # header, document id and AWB, also for rejected messages

    @property
    def about(self) -> Envelope | None:
        """Header, document id and AWB: from the filing when it was read, else the envelope."""
        if self.envelope is not None:
            return self.envelope
        if self.filing is not None:
            return Envelope(self.filing.header, self.filing.document_id, self.filing.awb)
        return None

    @property
    def header(self) -> MessageHeader | None:
        about = self.about
        return about.header if about else None


# --- processing records: what the pipeline hands to the store and the publisher -------------------

ACCEPTED = "accepted"
REJECTED = "rejected"
DEAD_LETTERED = "dead_lettered"
# Set by `dlq replay` on each message it re-injects (a fresh token each time). A replayed message
# the store holds as dead-lettered is processed again: still dead, it goes back to the dead-letter
# queue; now fine (the cause was fixed), its stored filing is revived and it is answered.
REPLAY_HEADER = "x-acid-replay"
STATUSES: frozenset[str] = frozenset({ACCEPTED, REJECTED, DEAD_LETTERED})


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """An inbound delivery as received: raw bytes and the AMQP metadata worth keeping."""

    message_id: str | None
    body_hash: str  # sha256 hex of the raw body
    body: bytes
    headers: dict[str, Any]  # JSON-able
    received_at: datetime  # UTC aware
    content_type: str | None = None
    routing_key: str | None = None
    kind: str | None = None  # XFWB, XFZB, ... when detected

    @classmethod
    def of(
        cls,
        body: bytes,
        *,
        message_id: str | None,
        headers: dict[str, Any] | None = None,
        received_at: datetime | None = None,
        content_type: str | None = None,
        routing_key: str | None = None,
        kind: str | None = None,
    ) -> ReceivedMessage:
        """A ReceivedMessage with its body hash computed and the time defaulting to now (UTC)."""
        return cls(
            message_id=message_id,
            body_hash=body_sha256(body),
            body=body,
            headers=dict(headers or {}),
            received_at=received_at or datetime.now(UTC),
            content_type=content_type,
            routing_key=routing_key,
            kind=kind,
        )


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """The decision on one consignment, with the rule ids and rules version that produced it."""

    consignment_key: str  # Consignment.key: AWB, or AWB/HAWB for a house
    awb: str | None
    hawb: str | None
    decision: str  # ASSESSMENT_COMPLETE, RFI, RFS, DNL, REJECTED, NOT_ASSESSED
    rule_ids: tuple[str, ...] = ()
    rules_version: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # JSON-able evidence
    decided_at: datetime | None = None  # set by the store when recorded; ignored on the way in


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """A message to publish (XFNM/XCSN to a carrier, a referral to targeting) with a stable id."""

    message_id: str
    exchange: str
    routing_key: str
    kind: str  # xfnm, xcsn, referral
    content_type: str
    body: bytes
    headers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FilingOutcome:
    """What processing one filing produced: its status, reasons, decisions and outbound messages."""

    status: str  # accepted, rejected, dead_lettered
    reasons: tuple[dict[str, Any], ...] = ()  # code/path/line/detail/severity
    decisions: tuple[DecisionRecord, ...] = ()
    outbound: tuple[OutboundMessage, ...] = ()


def body_sha256(body: bytes) -> str:
    """The body hash the store keys filings by: sha256 of the raw bytes, lower-case hex."""
    return hashlib.sha256(body).hexdigest()


