"""Cargo-XML (XFWB 3, XFZB 3, XFHL 2, XFFM 2/3) read into the canonical Filing record.

Runs only on documents that passed the safe parser and the schema, so structure is known; still,
every value is read defensively (a missing or odd value becomes None, never an exception). Element
names are matched by namespace URI and local name, so senders' prefixes do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from lxml import etree

from acid_processor import codes
from acid_processor.formats.xmlpath import element_path
from acid_processor.model import (
    Address,
    AwbNumber,
    Consignment,
    Envelope,
    Filing,
    FlightManifest,
    Item,
    MessageHeader,
    Movement,
    Party,
    Weight,
)
from acid_processor.security import CustomsNote, read_security

R = "{iata:datamodel:3}"
_ANY = "{*}"  # message-level children are in the message's own namespace

_KG_QUANTUM = Decimal("0.001")
# No count, sequence number or weight has this many integer digits. Larger values are unreadable
# (None): int() of 1E+999999999 would build a billion-digit number, quantizing a 30-digit weight
# exceeds the decimal context's 28 digits, and JSON cannot print an int past 4,300 digits.
_MAX_INTEGER_DIGITS = 18


def _clean(text: str | None) -> str | None:
    """Whitespace (including newlines inside names and streets) folded to single spaces."""
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


def _t(el: etree._Element | None, name: str) -> str | None:
    if el is None:
        return None
    return _clean(el.findtext(R + name))


def _all_t(el: etree._Element | None, name: str) -> tuple[str, ...]:
    if el is None:
        return ()
    return tuple(v for v in (_clean(e.text) for e in el.iterfind(R + name)) if v)


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    return None if el is None else el.find(R + name)


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value.adjusted() >= _MAX_INTEGER_DIGITS:
        return None
    return int(value) if value == value.to_integral_value() else None


def _weight(el: etree._Element | None) -> Weight | None:
    if el is None or el.text is None:
        return None
    try:
        value = Decimal(el.text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value.adjusted() >= _MAX_INTEGER_DIGITS:
        return None
    unit = (el.get("unitCode") or "").strip().upper() or None
    factor = codes.KG_PER_UNIT.get(unit or "")
    kg = (value * factor).quantize(_KG_QUANTUM) if factor is not None else None
    return Weight(value=value, unit=unit, kg=kg)


# --- shared pieces ------------------------------------------------------------------------------


def _header(root: etree._Element, kind: str) -> MessageHeader:
    h = root.find(_ANY + "MessageHeaderDocument")
    return MessageHeader(
        message_id=_t(h, "ID"),
        kind=kind,
        version=_t(h, "VersionID"),
        type_code=_t(h, "TypeCode"),
        name=_t(h, "Name"),
        purpose=_t(h, "PurposeCode"),
        issue_time=_t(h, "IssueDateTime"),
        conversation_id=_t(h, "ConversationID"),
        sender_ids=tuple(v for p in _iter(h, "SenderParty") if (v := _t(p, "PrimaryID"))),
        recipient_ids=tuple(v for p in _iter(h, "RecipientParty") if (v := _t(p, "PrimaryID"))),
    )


def _iter(el: etree._Element | None, name: str) -> Iterable[etree._Element]:
    return () if el is None else el.iterfind(R + name)


def _party(el: etree._Element | None) -> Party | None:
    if el is None:
        return None
    a = _child(el, "PostalStructuredAddress")
    address = None
    if a is not None:
        address = Address(
            street=_t(a, "StreetName"),
            city=_t(a, "CityName"),
            postcode=_t(a, "PostcodeCode"),
            country_id=_t(a, "CountryID"),
            country_name=_t(a, "CountryName"),
            subdivision=_t(a, "CountrySubDivisionName") or _t(a, "CountrySubDivisionID"),
            po_box=_t(a, "PostOfficeBox"),
        )
    phones: list[str] = []
    emails: list[str] = []
    names: list[str] = []
    for contact in _iter(el, "DefinedTradeContact"):
        if person := _t(contact, "PersonName"):
            names.append(person)
        if phone := _t(_child(contact, "DirectTelephoneCommunication"), "CompleteNumber"):
            phones.append(phone)
        if email := _t(_child(contact, "URIEmailCommunication"), "URIID"):
            emails.append(email)
    return Party(
        name=_t(el, "Name"),
        address=address,
        primary_id=_t(el, "PrimaryID"),
        account_id=_t(el, "AccountID"),
        phones=tuple(phones),
        emails=tuple(emails),
        contact_names=tuple(names),
    )


def _movement(el: etree._Element) -> Movement:
    dep = _child(el, "DepartureEvent")
    arr = _child(el, "ArrivalEvent")
    flight = _t(el, "ID")
    carrier = _t(_child(el, "UsedLogisticsTransportMeans"), "Name")
    return Movement(
        flight=flight,
        carrier=carrier if carrier and len(carrier) <= 3 else (flight[:2] if flight else None),
        departure_location=_t(_child(dep, "OccurrenceDepartureLocation"), "ID"),
        departure_time=_t(dep, "ScheduledOccurrenceDateTime") or _t(dep, "DepartureOccurrenceDateTime"),
        arrival_location=_t(_child(arr, "OccurrenceArrivalLocation"), "ID"),
        arrival_time=_t(arr, "ScheduledOccurrenceDateTime") or _t(arr, "ArrivalOccurrenceDateTime"),
        sequence=_int(_t(el, "SequenceNumeric")),
        stage=_t(el, "StageCode"),
        mode_code=_t(el, "ModeCode"),
    )


def _items(el: etree._Element, item_name: str) -> tuple[Item, ...]:
    out = []
    for item in el.iter(R + item_name):
        nature = _child(item, "NatureIdentificationTransportCargo")
        origin = _child(item, "OriginCountry")
        out.append(
            Item(
                sequence=_int(_t(item, "SequenceNumeric")),
                description=_t(nature, "Identification"),
                hs_codes=_all_t(item, "TypeCode"),
                piece_count=_int(_t(item, "PieceQuantity")),
                gross_weight=_weight(_child(item, "GrossWeightMeasure")),
                origin_country=_t(origin, "ID"),
            )
        )
    return tuple(out)


def _notes(el: etree._Element) -> list[CustomsNote]:
    return [
        CustomsNote(_t(n, "ContentCode"), _t(n, "Content"), _t(n, "SubjectCode"), _t(n, "CountryID"))
        for n in _iter(el, "IncludedCustomsNote")
    ]


def _consignment(
    el: etree._Element,
    *,
    level: str,
    awb_text: str | None,
    hawb: str | None,
    item_name: str,
    fallback: etree._Element | None = None,
) -> Consignment:
    """One consignment from its element; `fallback` (the master of a house) supplies the
    origin, destination and security data a house does not repeat."""
    sph = _all_t_nested(el, "HandlingSPHInstructions", "DescriptionCode")
    ssr = _all_t_nested(el, "HandlingSSRInstructions", "Description")
    osi = _all_t_nested(el, "HandlingOSIInstructions", "Description")
    notes = _notes(el)
    if fallback is not None and not sph and not notes:
        sph = _all_t_nested(fallback, "HandlingSPHInstructions", "DescriptionCode")
        notes = _notes(fallback)
    security, traders = read_security(sph, notes, ssr + osi)
    origin = _t(_child(el, "OriginLocation"), "ID")
    destination = _t(_child(el, "FinalDestinationLocation"), "ID")
    if fallback is not None:
        origin = origin or _t(_child(fallback, "OriginLocation"), "ID")
        destination = destination or _t(_child(fallback, "FinalDestinationLocation"), "ID")
    return Consignment(
        level=level,
        awb=AwbNumber.parse(awb_text),
        awb_text=awb_text,
        hawb=hawb,
        shipper=_party(_child(el, "ConsignorParty")),
        consignee=_party(_child(el, "ConsigneeParty")),
        piece_count=_int(_t(el, "TotalPieceQuantity")),
        gross_weight=_weight(_child(el, "IncludedTareGrossWeightMeasure")),
        summary_description=_t(el, "SummaryDescription"),
        items=_items(el, item_name),
        origin=origin,
        destination=destination,
        security=security,
        special_handling=sph,
        ssr=ssr,
        osi=osi,
        trader_ids=traders,
        path=element_path(el),
    )


def _all_t_nested(el: etree._Element, parent: str, leaf: str) -> tuple[str, ...]:
    return tuple(v for p in _iter(el, parent) if (v := _t(p, leaf)))


# --- per message kind ---------------------------------------------------------------------------


def read_xfwb(root: etree._Element) -> Filing:
    """A master air waybill: direct (740) gives one master-level consignment to assess; a
    consolidation (741 or header note C) keeps the master's data, its houses come in XFZB/XFHL."""
    header = _header(root, "XFWB")
    bhd = root.find(_ANY + "BusinessHeaderDocument")
    mc = root.find(_ANY + "MasterConsignment")
    awb_text = _t(bhd, "ID")
    note_codes = {(_t(n, "ContentCode") or "").upper() for n in _iter(bhd, "IncludedHeaderNote")}
    consolidation = header.type_code == codes.MASTER_CONSOLIDATION or "C" in note_codes
    master = None
    routing: tuple[Movement, ...] = ()
    if mc is not None:
        master = _consignment(
            mc, level="master", awb_text=awb_text, hawb=None, item_name="IncludedMasterConsignmentItem"
        )
        routing = tuple(_movement(m) for m in _iter(mc, "SpecifiedLogisticsTransportMovement"))
    return Filing(
        header=header,
        document_id=awb_text,
        awb=AwbNumber.parse(awb_text),
        consolidation=consolidation,
        consignments=() if consolidation or master is None else (master,),
        master=master,
        routing=routing,
    )


def _houses(root: etree._Element, kind: str, house_id_from_header: bool) -> Filing:
    header = _header(root, kind)
    bhd = root.find(_ANY + "BusinessHeaderDocument")
    mc = root.find(_ANY + "MasterConsignment")
    document_id = _t(bhd, "ID")
    awb_text = _t(_child(mc, "TransportContractDocument"), "ID")
    houses = []
    for hc in _iter(mc, "IncludedHouseConsignment"):
        hawb = _t(hc, "ID") or (document_id if house_id_from_header else None)
        houses.append(
            _consignment(
                hc,
                level="house",
                awb_text=awb_text,
                hawb=hawb,
                item_name="IncludedHouseConsignmentItem",
                fallback=mc,
            )
        )
    routing = tuple(_movement(m) for m in _iter(mc, "SpecifiedLogisticsTransportMovement"))
    master = None
    if mc is not None:  # the master's totals, for the house-versus-master consistency rules
        master = _consignment(
            mc, level="master", awb_text=awb_text, hawb=None, item_name="IncludedMasterConsignmentItem"
        )
    return Filing(
        header=header,
        document_id=document_id,
        awb=AwbNumber.parse(awb_text),
        consolidation=True,
        consignments=tuple(houses),
        master=master,
        house_numbers=tuple(h.hawb for h in houses if h.hawb),
        routing=routing,
    )


def read_xfzb(root: etree._Element) -> Filing:
    """One house waybill, linked to its master AWB when the sender knows it."""
    return _houses(root, "XFZB", house_id_from_header=True)


def read_xfhl(root: etree._Element) -> Filing:
    """A house manifest: one consignment per house of the master."""
    return _houses(root, "XFHL", house_id_from_header=False)


def read_xffm(root: etree._Element) -> Filing:
    """A flight manifest: the flight has departed; its AWBs are acknowledged, not assessed."""
    header = _header(root, "XFFM")
    bhd = root.find(_ANY + "BusinessHeaderDocument")
    ltm = root.find(_ANY + "LogisticsTransportMovement")
    movement = _movement(ltm) if ltm is not None else None
    arrivals = []
    awbs: list[str] = []
    for arrival in root.iterfind(_ANY + "ArrivalEvent"):
        if loc := _t(_child(arrival, "OccurrenceArrivalLocation"), "ID"):
            arrivals.append(loc)
        for mc in arrival.iter(R + "IncludedMasterConsignment"):
            if awb := _t(_child(mc, "TransportContractDocument"), "ID"):
                awbs.append(awb)
    manifest = FlightManifest(
        flight=movement.flight if movement else None,
        carrier=movement.carrier if movement else None,
        departure_location=movement.departure_location if movement else None,
        departure_time=movement.departure_time if movement else None,
        arrival_locations=tuple(arrivals),
        awbs=tuple(dict.fromkeys(awbs)),
    )
    return Filing(
        header=header,
        document_id=_t(bhd, "ID"),
        awb=None,
        consolidation=None,
        routing=(movement,) if movement else (),
        manifest=manifest,
    )


def read_envelope(root: etree._Element, kind: str) -> Envelope:
    """Header, document id and master AWB of a detected message, valid or not: enough to address
    a rejection to its sender."""
    bhd = root.find(_ANY + "BusinessHeaderDocument")
    document_id = _t(bhd, "ID")
    if kind == "XFWB":
        awb = AwbNumber.parse(document_id)
    else:
        mc = root.find(_ANY + "MasterConsignment")
        awb = AwbNumber.parse(_t(_child(mc, "TransportContractDocument"), "ID"))
    return Envelope(header=_header(root, kind), document_id=document_id, awb=awb)


READERS = {"XFWB": read_xfwb, "XFZB": read_xfzb, "XFHL": read_xfhl, "XFFM": read_xffm}


def read_filing(root: etree._Element, kind: str) -> Filing:
    """The canonical record of a schema-valid Cargo-XML filing of a detected kind."""
    return READERS[kind](root)
