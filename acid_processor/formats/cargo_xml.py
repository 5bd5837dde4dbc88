"""Cargo-XML (XFWB 3, XFZB 3, XFHL 2, XFFM 2/3) read into the canonical Filing record.

Runs only on documents that passed the safe parser and the schema, so structure is known; still,
every value is read defensively (a missing or odd value becomes None, never an exception). Element
names are matched by namespace URI and local name, so senders' prefixes do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from lxml import etree

from acid_processor import codes
from acid_processor.model import (
    Address,
    AwbNumber,
    Consignment,
    Envelope,
    Filing,
    FlightManifest,
    HouseLine,
    Item,
    MessageHeader,
    Movement,
    Party,
    SecurityDeclaration,
    TraderId,
    Weight,
)
from acid_processor.security import CustomsNote, read_security

R = "{iata:datamodel:3}"

_KG_QUANTUM = Decimal("0.001")
# No count, sequence number or weight has this many integer digits. Larger values are unreadable
# (None): int() of 1E+999999999 would build a billion-digit number, quantizing a 30-digit weight
# exceeds the decimal context's 28 digits, and JSON cannot print an int past 4,300 digits.
_MAX_INTEGER_DIGITS = 18


# Each element visited is read in one pass over its children into a map tag -> children; every
# value is then a dict look-up. (lxml's find/findtext parse a path on every call: ten times slower.)
Kids = dict[str, list[etree._Element]]
_NONE: Kids = {}


def _kids(el: etree._Element | None) -> Kids:
    if el is None:
        return _NONE
    out: Kids = {}
    for child in el:
        tag = child.tag  # lxml builds this string on every access: read it once
        found = out.get(tag)
        if found is None:
            out[tag] = [child]
        else:
            found.append(child)
    return out


def _leaf(el: etree._Element, tag: str) -> str | None:
    """The text of the first child with this tag, without building a map (for small elements
    read for one value, like HandlingSPHInstructions/DescriptionCode)."""
    for child in el:
        if child.tag == tag:
            return _clean(child.text)
    return None


def _clean(text: str | None) -> str | None:
    """Whitespace (including newlines inside names and streets) folded to single spaces."""
    if not text:
        return None
    value = text.strip()
    if "\n" in value or "  " in value or "\t" in value or "\r" in value:
        value = " ".join(value.split())
    return value or None


def _first(k: Kids, name: str) -> etree._Element | None:
    found = k.get(R + name)
    return found[0] if found else None


def _t(k: Kids, name: str) -> str | None:
    found = k.get(R + name)
    return _clean(found[0].text) if found else None


def _all(k: Kids, name: str) -> list[etree._Element]:
    return k.get(R + name) or []


def _all_t(k: Kids, name: str) -> tuple[str, ...]:
    return tuple(v for v in (_clean(e.text) for e in _all(k, name)) if v)


def _sub_t(k: Kids, child: str, name: str) -> str | None:
    """The text of `name` inside the first `child`: e.g. OriginLocation/ID."""
    found = k.get(R + child)
    return _leaf(found[0], R + name) if found else None


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    if text.isdigit() and text.isascii() and len(text) < _MAX_INTEGER_DIGITS:
        return int(text)  # the usual case, without a Decimal
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


def _top(root: etree._Element) -> dict[str, etree._Element]:
    """The message-level children by local name (they are in the message's own namespace)."""
    out: dict[str, etree._Element] = {}
    for child in root:
        if isinstance(child.tag, str):
            out.setdefault(child.tag.rpartition("}")[2], child)
    return out


def _header(h: etree._Element | None, kind: str) -> MessageHeader:
    k = _kids(h)
    return MessageHeader(
        message_id=_t(k, "ID"),
        kind=kind,
        version=_t(k, "VersionID"),
        type_code=_t(k, "TypeCode"),
        name=_t(k, "Name"),
        purpose=_t(k, "PurposeCode"),
        issue_time=_t(k, "IssueDateTime"),
        conversation_id=_t(k, "ConversationID"),
        sender_ids=_nested_t(k, "SenderParty", "PrimaryID"),
        recipient_ids=_nested_t(k, "RecipientParty", "PrimaryID"),
    )


def _party(el: etree._Element | None) -> Party | None:
    if el is None:
        return None
    k = _kids(el)
    a = _first(k, "PostalStructuredAddress")
    address = None
    if a is not None:
        ak = _kids(a)
        address = Address(
            street=_t(ak, "StreetName"),
            city=_t(ak, "CityName"),
            postcode=_t(ak, "PostcodeCode"),
            country_id=_t(ak, "CountryID"),
            country_name=_t(ak, "CountryName"),
            subdivision=_t(ak, "CountrySubDivisionName") or _t(ak, "CountrySubDivisionID"),
            po_box=_t(ak, "PostOfficeBox"),
        )
    phones: list[str] = []
    emails: list[str] = []
    names: list[str] = []
    for contact in _all(k, "DefinedTradeContact"):
        ck = _kids(contact)
        if person := _t(ck, "PersonName"):
            names.append(person)
        if phone := _sub_t(ck, "DirectTelephoneCommunication", "CompleteNumber"):
            phones.append(phone)
        if email := _sub_t(ck, "URIEmailCommunication", "URIID"):
            emails.append(email)
    return Party(
        name=_t(k, "Name"),
        address=address,
        primary_id=_t(k, "PrimaryID"),
        account_id=_t(k, "AccountID"),
        phones=tuple(phones),
        emails=tuple(emails),
        contact_names=tuple(names),
    )


def _movement(el: etree._Element) -> Movement:
    k = _kids(el)
    dep = _kids(_first(k, "DepartureEvent"))
    arr = _kids(_first(k, "ArrivalEvent"))
    flight = _t(k, "ID")
    carrier = _sub_t(k, "UsedLogisticsTransportMeans", "Name")
    return Movement(
        flight=flight,
        carrier=carrier if carrier and len(carrier) <= 3 else (flight[:2] if flight else None),
        departure_location=_sub_t(dep, "OccurrenceDepartureLocation", "ID"),
        departure_time=_t(dep, "ScheduledOccurrenceDateTime") or _t(dep, "DepartureOccurrenceDateTime"),
        arrival_location=_sub_t(arr, "OccurrenceArrivalLocation", "ID"),
        arrival_time=_t(arr, "ScheduledOccurrenceDateTime") or _t(arr, "ArrivalOccurrenceDateTime"),
        sequence=_int(_t(k, "SequenceNumeric")),
        stage=_t(k, "StageCode"),
        mode_code=_t(k, "ModeCode"),
    )


def _item(item: etree._Element) -> Item:
    k = _kids(item)
    return Item(
        sequence=_int(_t(k, "SequenceNumeric")),
        description=_sub_t(k, "NatureIdentificationTransportCargo", "Identification"),
        hs_codes=_all_t(k, "TypeCode"),
        piece_count=_int(_t(k, "PieceQuantity")),
        gross_weight=_weight(_first(k, "GrossWeightMeasure")),
        origin_country=_sub_t(k, "OriginCountry", "ID"),
    )


_NOTE_FIELDS = {R + "ContentCode": 0, R + "Content": 1, R + "SubjectCode": 2, R + "CountryID": 3}


def _notes(k: Kids) -> tuple[CustomsNote, ...]:
    """IncludedCustomsNote in filed order (the order carries meaning for the e-CSD)."""
    out = []
    fields = _NOTE_FIELDS
    for n in _all(k, "IncludedCustomsNote"):
        values: list[str | None] = [None, None, None, None]
        for child in n:
            i = fields.get(child.tag)
            if i is not None:
                values[i] = _clean(child.text)
        out.append(CustomsNote(*values))
    return tuple(out)


def _nested_t(k: Kids, parent: str, leaf: str) -> tuple[str, ...]:
    tag = R + leaf
    return tuple(v for p in _all(k, parent) if (v := _leaf(p, tag)))


class _Shared(NamedTuple):
    """What a master supplies to houses that do not repeat it, read once per filing."""

    sph: tuple[str, ...]
    notes: tuple[CustomsNote, ...]
    origin: str | None
    destination: str | None
    routing: tuple[Movement, ...]


def _shared(k: Kids) -> _Shared:
    return _Shared(
        sph=_nested_t(k, "HandlingSPHInstructions", "DescriptionCode"),
        notes=_notes(k),
        origin=_sub_t(k, "OriginLocation", "ID"),
        destination=_sub_t(k, "FinalDestinationLocation", "ID"),
        routing=_routing(k),
    )


def _routing(k: Kids) -> tuple[Movement, ...]:
    return tuple(_movement(m) for m in _all(k, "SpecifiedLogisticsTransportMovement"))


_Declarations = dict[tuple, tuple[SecurityDeclaration, tuple[TraderId, ...]]]


def _consignment(
    el: etree._Element,
    *,
    level: str,
    awb_text: str | None,
    hawb: str | None,
    items: Iterable[etree._Element],
    path: str,
    fallback: _Shared | None = None,
    k: Kids | None = None,
    declarations: _Declarations | None = None,
) -> Consignment:
    """One consignment from its element; `fallback` (the master of a house) supplies the
    origin, destination and security data a house does not repeat. `declarations` memoises the
    security declaration within one filing: the houses of a manifest usually share the master's."""
    k = k if k is not None else _kids(el)
    sph = _nested_t(k, "HandlingSPHInstructions", "DescriptionCode")
    ssr = _nested_t(k, "HandlingSSRInstructions", "Description")
    osi = _nested_t(k, "HandlingOSIInstructions", "Description")
    notes = _notes(k)
    if fallback is not None and not sph and not notes:
        sph, notes = fallback.sph, fallback.notes
    free_texts = ssr + osi
    if declarations is None:
        declarations = {}
    memo_key = (sph, notes, free_texts)
    found = declarations.get(memo_key)
    if found is None:
        found = declarations[memo_key] = read_security(sph, notes, free_texts)
    security, traders = found
    origin = _sub_t(k, "OriginLocation", "ID")
    destination = _sub_t(k, "FinalDestinationLocation", "ID")
    routing = _routing(k)
    if fallback is not None:  # a house's own movement wins; else it flies as its master
        origin = origin or fallback.origin
        destination = destination or fallback.destination
        routing = routing or fallback.routing
    return Consignment(
        level=level,
        awb=AwbNumber.parse(awb_text),
        awb_text=awb_text,
        hawb=hawb,
        shipper=_party(_first(k, "ConsignorParty")),
        consignee=_party(_first(k, "ConsigneeParty")),
        piece_count=_int(_t(k, "TotalPieceQuantity")),
        gross_weight=_weight(_first(k, "IncludedTareGrossWeightMeasure")),
        summary_description=_t(k, "SummaryDescription"),
        items=tuple(_item(i) for i in items),
        origin=origin,
        destination=destination,
        security=security,
        special_handling=sph,
        ssr=ssr,
        osi=osi,
        trader_ids=traders,
        path=path,
        routing=routing,
    )


# --- per message kind ---------------------------------------------------------------------------


def read_xfwb(root: etree._Element) -> Filing:
    """A master air waybill: direct (740) gives one master-level consignment to assess; a
    consolidation (741 or header note C) keeps the master's data, its houses come in XFZB/XFHL."""
    top = _top(root)
    header = _header(top.get("MessageHeaderDocument"), "XFWB")
    bhd = _kids(top.get("BusinessHeaderDocument"))
    mc = top.get("MasterConsignment")
    awb_text = _t(bhd, "ID")
    note_codes = {(_t(_kids(n), "ContentCode") or "").upper() for n in _all(bhd, "IncludedHeaderNote")}
    consolidation = header.type_code == codes.MASTER_CONSOLIDATION or "C" in note_codes
    master = None
    routing: tuple[Movement, ...] = ()
    if mc is not None:
        k = _kids(mc)
        items = [
            i for r in _all(k, "ApplicableRating") for i in _all(_kids(r), "IncludedMasterConsignmentItem")
        ]
        master = _consignment(
            mc,
            level="master",
            awb_text=awb_text,
            hawb=None,
            items=items,
            k=k,
            path="Waybill/MasterConsignment",
        )
        routing = master.routing
    return Filing(
        header=header,
        document_id=awb_text,
        awb=AwbNumber.parse(awb_text),
        consolidation=consolidation,
        consignments=() if consolidation or master is None else (master,),
        master=master,
        routing=routing,
        awb_text=awb_text,
    )


def read_xfzb(root: etree._Element) -> Filing:
    """One house waybill, linked to its master AWB when the sender knows it. The house number is
    IncludedHouseConsignment/ID, or BusinessHeaderDocument/ID when (as often) the house has none."""
    top = _top(root)
    header = _header(top.get("MessageHeaderDocument"), "XFZB")
    document_id = _t(_kids(top.get("BusinessHeaderDocument")), "ID")
    mc = top.get("MasterConsignment")
    mk = _kids(mc)
    awb_text = _sub_t(mk, "TransportContractDocument", "ID")
    shared = _shared(mk)
    declarations: _Declarations = {}
    master_path = "HouseWaybill/MasterConsignment"
    houses = []
    elements = _all(mk, "IncludedHouseConsignment")
    for n, hc in enumerate(elements, 1):
        hk = _kids(hc)
        path = f"{master_path}/IncludedHouseConsignment" + (f"[{n}]" if len(elements) > 1 else "")
        houses.append(
            _consignment(
                hc,
                level="house",
                awb_text=awb_text,
                hawb=_t(hk, "ID") or document_id,
                items=_all(hk, "IncludedHouseConsignmentItem"),
                fallback=shared,
                k=hk,
                path=path,
                declarations=declarations,
            )
        )
    # The master's totals, for the house-versus-master consistency rules.
    master = _master_part(mc, mk, awb_text, master_path, declarations) if mc is not None else None
    return Filing(
        header=header,
        document_id=document_id,
        awb=AwbNumber.parse(awb_text),
        consolidation=True,
        consignments=tuple(houses),
        master=master,
        house_numbers=tuple(h.hawb for h in houses if h.hawb),
        # The filing's routing: the master's, else (one house filed alone) the house's own.
        routing=shared.routing or (houses[0].routing if len(houses) == 1 else ()),
        awb_text=awb_text,
    )


def _master_part(
    mc: etree._Element, mk: Kids, awb_text: str | None, path: str, declarations: _Declarations
) -> Consignment:
    return _consignment(
        mc, level="master", awb_text=awb_text, hawb=None, items=(), k=mk, path=path, declarations=declarations
    )


def read_xfhl(root: etree._Element) -> Filing:
    """A house manifest: the master's totals and one line per house (number, totals, description,
    route, handling, customs notes). The lines link the master to its houses; each house is
    assessed on its own XFZB, so the manifest yields no consignment to assess."""
    top = _top(root)
    header = _header(top.get("MessageHeaderDocument"), "XFHL")
    document_id = _t(_kids(top.get("BusinessHeaderDocument")), "ID")
    mc = top.get("MasterConsignment")
    mk = _kids(mc)
    awb_text = _sub_t(mk, "TransportContractDocument", "ID")
    master_path = "HouseManifest/MasterConsignment"
    declarations: _Declarations = {}
    elements = _all(mk, "IncludedHouseConsignment")
    lines = []
    for n, hc in enumerate(elements, 1):
        hk = _kids(hc)
        sph = _nested_t(hk, "HandlingSPHInstructions", "DescriptionCode")
        ssr = _nested_t(hk, "HandlingSSRInstructions", "Description")
        osi = _nested_t(hk, "HandlingOSIInstructions", "Description")
        notes = _notes(hk)
        memo_key = (sph, notes, ssr + osi)
        found = declarations.get(memo_key)
        if found is None:
            found = declarations[memo_key] = read_security(sph, notes, ssr + osi)
        lines.append(
            HouseLine(
                hawb=_sub_t(hk, "TransportContractDocument", "ID") or "",
                sequence=_int(_t(hk, "SequenceNumeric")),
                piece_count=_int(_t(hk, "TotalPieceQuantity")),
                gross_weight=_weight(_first(hk, "GrossWeightMeasure")),
                summary_description=_t(hk, "SummaryDescription"),
                origin=_sub_t(hk, "OriginLocation", "ID"),
                destination=_sub_t(hk, "FinalDestinationLocation", "ID"),
                security=found[0],
                package_count=_int(_t(hk, "PackageQuantity")),
                special_handling=sph,
                ssr=ssr,
                osi=osi,
                path=f"{master_path}/IncludedHouseConsignment" + (f"[{n}]" if len(elements) > 1 else ""),
            )
        )
    master = _master_part(mc, mk, awb_text, master_path, declarations) if mc is not None else None
    return Filing(
        header=header,
        document_id=document_id,
        awb=AwbNumber.parse(awb_text),
        consolidation=True,
        master=master,
        house_numbers=tuple(line.hawb for line in lines if line.hawb),
        routing=master.routing if master is not None else (),
        house_lines=tuple(lines),
        awb_text=awb_text,
    )


def read_xffm(root: etree._Element) -> Filing:
    """A flight manifest: the flight has departed; its AWBs are acknowledged, not assessed."""
    top = _top(root)
    header = _header(top.get("MessageHeaderDocument"), "XFFM")
    ltm = top.get("LogisticsTransportMovement")
    movement = _movement(ltm) if ltm is not None else None
    arrivals = []
    awbs: list[str] = []
    for arrival in root:
        if not isinstance(arrival.tag, str) or arrival.tag.rpartition("}")[2] != "ArrivalEvent":
            continue
        if loc := _sub_t(_kids(arrival), "OccurrenceArrivalLocation", "ID"):
            arrivals.append(loc)
        for mc in arrival.iter(R + "IncludedMasterConsignment"):
            if awb := _sub_t(_kids(mc), "TransportContractDocument", "ID"):
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
        document_id=_t(_kids(top.get("BusinessHeaderDocument")), "ID"),
        awb=None,
        consolidation=None,
        routing=(movement,) if movement else (),
        manifest=manifest,
    )


def read_envelope(root: etree._Element, kind: str) -> Envelope:
    """Header, document id and master AWB of a detected message, valid or not: enough to address
    a rejection to its sender."""
    top = _top(root)
    document_id = _t(_kids(top.get("BusinessHeaderDocument")), "ID")
    if kind == "XFWB":
        awb = AwbNumber.parse(document_id)
    else:
        awb = AwbNumber.parse(_sub_t(_kids(top.get("MasterConsignment")), "TransportContractDocument", "ID"))
    return Envelope(header=_header(top.get("MessageHeaderDocument"), kind), document_id=document_id, awb=awb)


READERS = {"XFWB": read_xfwb, "XFZB": read_xfzb, "XFHL": read_xfhl, "XFFM": read_xffm}


def read_filing(root: etree._Element, kind: str) -> Filing:
    """The canonical record of a schema-valid Cargo-XML filing of a detected kind."""
    return READERS[kind](root)
