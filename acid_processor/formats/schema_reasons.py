"""Why a message failed its schema, in the words of the trade.

One table (`FIELDS`) maps element paths to a reason code: the PACT vocabulary for the 7+1 data and
the routing, the project's own codes for the rest (header, charges, handling and customs lines,
other parties, cargo details). A reason's sentence names the field, says what was wrong and what
is allowed, at the element's own path: libxml2 reports a missing element at its next sibling, and
its wording (facets, namespaces in braces, the 249 country codes) never reaches a carrier.
`check --explain` still shows libxml2's own text for those who want it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from acid_processor import codes
from acid_processor.formats.schema_model import ElementDecl, ValueRule, declaration_of
from acid_processor.formats.xmlpath import element_path, readable_path, resolve_libxml2_path
from acid_processor.model import Reason


@dataclass(frozen=True, slots=True)
class Field:
    """One row of the table: the element path it ends with, its codes and what it is.

    `missing` is the code when the element is absent or empty, `invalid` when its value breaks the
    rule; with `subtree`, descendants that have no row of their own take `invalid` (missing or not).
    `unit` is the code for a missing or unknown unitCode attribute (weights)."""

    suffix: tuple[str, ...]
    missing: str
    invalid: str
    what: str | None = None
    subtree: bool = False
    allowed: str | None = None
    unit: str | None = None


def _area(code: str, *names: str) -> tuple[Field, ...]:
    """Rows for elements whose whole subtree gets one of the project's own codes."""
    return tuple(Field((name,), code, code, subtree=True) for name in names)


def _party(
    element: str, who: str, name: str, address: str, bad_name: str, bad_address: str, country: str
) -> tuple[Field, ...]:
    """The rows of a shipper or consignee: name, address (street or PO box, city) and country."""
    address_path = (element, "PostalStructuredAddress")
    return (
        Field((element,), name, codes.INVALID_PARTY, f"the {who}", subtree=True),
        Field((element, "Name"), name, bad_name, f"the {who}'s name"),
        Field(address_path, address, bad_address, f"the {who}'s address", subtree=True),
        Field((*address_path, "StreetName"), address, bad_address, f"the {who}'s street"),
        Field((*address_path, "PostOfficeBox"), address, bad_address, f"the {who}'s PO box"),
        Field((*address_path, "CityName"), address, bad_address, f"the {who}'s city"),
        Field((*address_path, "CountryID"), country, country, f"the {who}'s country"),
    )


_AWB = "the master air waybill number"
_HOUSE = "the house waybill number"
_WEIGHT = "the gross weight"
_PIECES = "the number of pieces"
_PIECES_ALLOWED = "a whole number of 1 or more, e.g. 4"
_WEIGHT_ALLOWED = "a number above 0, e.g. 36.9"
_DESCRIPTION = "the goods description"

FIELDS: tuple[Field, ...] = (
    # Message type and header
    Field(("MessageHeaderDocument",), codes.INVALID_MESSAGE_TYPE, codes.INVALID_HEADER, "the message header",
          True),
    Field(("MessageHeaderDocument", "TypeCode"), codes.INVALID_MESSAGE_TYPE, codes.INVALID_MESSAGE_TYPE,
          "the message type code"),
    Field(("MessageHeaderDocument", "VersionID"), codes.INVALID_MESSAGE_TYPE, codes.INVALID_MESSAGE_TYPE,
          "the message version"),
    Field(("BusinessHeaderDocument",), codes.INVALID_HEADER, codes.INVALID_HEADER, "the business header",
          True),
    # Air waybill and house numbers
    Field(("Waybill", "BusinessHeaderDocument"), codes.MISSING_WBL_LINE, codes.INVALID_HEADER,
          "the business header with the air waybill number", True),
    Field(("Waybill", "BusinessHeaderDocument", "ID"), codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT,
          "the air waybill number"),
    Field(("HouseWaybill", "BusinessHeaderDocument"), codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_HEADER,
          "the business header with the house waybill number", True),
    Field(("HouseWaybill", "BusinessHeaderDocument", "ID"), codes.MISSING_HOUSE_BILL_NBR,
          codes.INVALID_HOUSE_BILL_NBR, _HOUSE),
    Field(("MasterConsignment", "TransportContractDocument"), codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT,
          "the master air waybill", True),
    Field(("MasterConsignment", "TransportContractDocument", "ID"), codes.MISSING_WBL_LINE,
          codes.BAD_WBL_FORMAT, _AWB),
    Field(("IncludedMasterConsignment", "TransportContractDocument"), codes.MISSING_WBL_LINE,
          codes.BAD_WBL_FORMAT, "the air waybill", True),
    Field(("IncludedMasterConsignment", "TransportContractDocument", "ID"), codes.MISSING_WBL_LINE,
          codes.BAD_WBL_FORMAT, "the air waybill number"),
    Field(("IncludedHouseConsignment", "TransportContractDocument"), codes.MISSING_HOUSE_BILL_NBR,
          codes.INVALID_HOUSE_BILL_NBR, "the house waybill", True),
    Field(("IncludedHouseConsignment", "TransportContractDocument", "ID"), codes.MISSING_HOUSE_BILL_NBR,
          codes.INVALID_HOUSE_BILL_NBR, _HOUSE),
    Field(("IncludedHouseConsignment", "ID"), codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_HOUSE_BILL_NBR,
          _HOUSE),
    # Consignments: what has no row of its own is a cargo detail
    Field(("Waybill", "MasterConsignment"), codes.MISSING_WBL_LINE, codes.INVALID_CARGO_DETAIL,
          "the consignment", True),
    Field(("HouseWaybill", "MasterConsignment"), codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_CARGO_DETAIL,
          "the master consignment with the house in it", True),
    Field(("HouseManifest", "MasterConsignment"), codes.MISSING_WBL_LINE, codes.INVALID_CARGO_DETAIL,
          "the master consignment", True),
    Field(("IncludedHouseConsignment",), codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_CARGO_DETAIL,
          "the house consignment", True),
    Field(("IncludedMasterConsignment",), codes.MISSING_WBL_LINE, codes.INVALID_CARGO_DETAIL,
          "the air waybill's part of the load", True),
    Field(("ApplicableRating",), codes.MISSING_CARGO_DESC, codes.INVALID_CHARGES,
          "the rating with the goods lines", True),
    Field(("IncludedMasterConsignmentItem",), codes.MISSING_CARGO_DESC, codes.INVALID_CARGO_DETAIL,
          "a goods line", True),
    Field(("IncludedHouseConsignmentItem",), codes.MISSING_CARGO_DESC, codes.INVALID_CARGO_DETAIL,
          "a goods line", True),
    # Shipper and consignee
    *_party("ConsignorParty", "shipper", codes.MISSING_SHP_NAME, codes.MISSING_SHP_ADDR,
            codes.INVALID_SHP_NAME, codes.INVALID_SHP_ADDR, codes.MISSING_SHP_CTRY),
    *_party("ConsigneeParty", "consignee", codes.MISSING_CNE_NAME, codes.MISSING_CNE_ADDR,
            codes.INVALID_CNE_NAME, codes.INVALID_CNE_ADDR, codes.MISSING_CNE_CTRY),
    *_area(codes.INVALID_PARTY, "FreightForwarderParty", "AssociatedParty", "DefinedTradeContact"),
    # Weight, pieces, goods description
    Field(("IncludedTareGrossWeightMeasure",), codes.MISSING_WEIGHT, codes.INVALID_WEIGHT, _WEIGHT,
          allowed=_WEIGHT_ALLOWED, unit=codes.MISSING_WT_UNITS),
    Field(("GrossWeightMeasure",), codes.MISSING_WEIGHT, codes.INVALID_WEIGHT, _WEIGHT,
          allowed=_WEIGHT_ALLOWED, unit=codes.MISSING_WT_UNITS),
    Field(("TotalGrossWeightMeasure",), codes.MISSING_WEIGHT, codes.INVALID_WEIGHT,
          "the flight's total weight", allowed=_WEIGHT_ALLOWED, unit=codes.MISSING_WT_UNITS),
    Field(("TotalPieceQuantity",), codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY, _PIECES,
          allowed=_PIECES_ALLOWED),
    Field(("PieceQuantity",), codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY, _PIECES,
          allowed=_PIECES_ALLOWED),
    Field(("NatureIdentificationTransportCargo",), codes.MISSING_CARGO_DESC, codes.INVALID_DESCRIPTION,
          _DESCRIPTION, True),
    Field(("NatureIdentificationTransportCargo", "Identification"), codes.MISSING_CARGO_DESC,
          codes.INVALID_DESCRIPTION, _DESCRIPTION),
    Field(("SummaryDescription",), codes.MISSING_CARGO_DESC, codes.INVALID_DESCRIPTION, _DESCRIPTION),
    # Routing: origin, destination, flights, the manifest's flight and arrival
    Field(("OriginLocation",), codes.INVALID_ROUTING, codes.INVALID_ROUTING, "the origin", True),
    Field(("OriginLocation", "ID"), codes.INVALID_ROUTING, codes.INVALID_ROUTING, "the origin airport code"),
    Field(("FinalDestinationLocation",), codes.INVALID_ROUTING, codes.INVALID_ROUTING, "the destination",
          True),
    Field(("FinalDestinationLocation", "ID"), codes.INVALID_ROUTING, codes.INVALID_ROUTING,
          "the destination airport code"),
    Field(("SpecifiedLogisticsTransportMovement",), codes.INVALID_ROUTING, codes.INVALID_ROUTING,
          "a flight of the routing", True),
    Field(("FlightManifest", "LogisticsTransportMovement"), codes.INVALID_ROUTING, codes.INVALID_ROUTING,
          "the flight", True),
    Field(("FlightManifest", "LogisticsTransportMovement", "ID"), codes.INVALID_ROUTING,
          codes.INVALID_ROUTING, "the flight number"),
    Field(("FlightManifest", "ArrivalEvent"), codes.INVALID_ROUTING, codes.INVALID_ROUTING,
          "the arrival at a point of the flight", True),
    *_area(codes.INVALID_ROUTING, "ArrivalEvent", "DepartureEvent", "OnCarriageTransportMovement"),
    # Security and customs: SPH carries the security status, OCI lines the rest of the e-CSD
    *_area(codes.INVALID_HANDLING, "HandlingSPHInstructions", "HandlingSSRInstructions",
           "HandlingOSIInstructions"),
    Field(("HandlingSPHInstructions", "DescriptionCode"), codes.INVALID_HANDLING, codes.INVALID_HANDLING,
          "a special handling code such as SPX"),
    Field(("IncludedCustomsNote", "Content"), codes.INVALID_CUSTOMS_INFO, codes.INVALID_CUSTOMS_INFO,
          "the OCI line's content"),
    *_area(codes.INVALID_CUSTOMS_INFO, "IncludedCustomsNote", "AssociatedConsignmentCustomsProcedure",
           "RelatedConsignmentCustomsProcedure"),
    # Loading details of a flight manifest
    *_area(codes.INVALID_CARGO_DETAIL, "AssociatedTransportCargo", "UtilizedUnitLoadTransportEquipment",
           "UtilizedLogisticsTransportEquipment"),
    # Charges
    *_area(
        codes.INVALID_CHARGES,
        "TotalChargePrepaidIndicator", "TotalDisbursementPrepaidIndicator", "NilCarriageValueIndicator",
        "DeclaredValueForCarriageAmount", "NilCustomsValueIndicator", "DeclaredValueForCustomsAmount",
        "NilInsuranceValueIndicator", "InsuranceValueAmount", "WeightTotalChargeAmount",
        "ValuationTotalChargeAmount", "TaxTotalChargeAmount", "AgentTotalDisbursementAmount",
        "CarrierTotalDisbursementAmount", "TotalPrepaidChargeAmount", "TotalCollectChargeAmount",
        "FreightRateTypeCode", "TotalChargeAmount", "ApplicableOriginCurrencyExchange",
        "ApplicableDestinationCurrencyExchange", "ApplicableLogisticsServiceCharge",
        "ApplicableLogisticsAllowanceCharge", "ApplicableTotalRating", "IncludedAccountingNote",
        "ApplicableFreightRateServiceCharge", "SpecifiedRateCombinationPointLocation",
        "ApplicableUnitLoadDeviceRateClass", "ApplicableTransportCargoInsurance",
    ),
)  # fmt: skip

_BY_SUFFIX: dict[tuple[str, ...], Field] = {f.suffix: f for f in FIELDS}
_LONGEST = max(len(f.suffix) for f in FIELDS)


def field_for(steps: list[str]) -> tuple[Field | None, bool]:
    """The row for an element path (local names, no positions) and whether the row is the element's
    own (True) or an enclosing subtree row (False): the longest matching suffix of the element wins,
    then the nearest ancestor with a subtree row."""
    for end in range(len(steps), 0, -1):
        for size in range(min(_LONGEST, end), 0, -1):
            row = _BY_SUFFIX.get(tuple(steps[end - size : end]))
            if row is not None and (end == len(steps) or row.subtree):
                return row, end == len(steps)
    return None, False


def code_for(steps: list[str], *, missing: bool) -> str:
    """The reason code for an element that is missing (or empty) or whose value is wrong."""
    row, own = field_for(steps)
    if row is None:
        return codes.SCHEMA_VIOLATION
    return row.missing if own and missing else row.invalid


# --- what a value must look like ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RuleText:
    """A value rule in words: what a value is ('an airport code') and what is allowed."""

    noun: str
    allowed: str | None = None  # None: said from the facets (lengths, short code lists)


RULE_TEXTS: dict[str, RuleText] = {
    "AWBNumberContentType": RuleText(
        "an air waybill number", "a 3-digit airline prefix, a hyphen and 8 digits, e.g. 020-68548340"
    ),
    "HouseNumberContentType": RuleText("a house waybill number", "1 to 35 characters without spaces"),
    "LocationIDContentType": RuleText(
        "an airport code", "3 to 5 capital letters or digits (IATA or UN/LOCODE)"
    ),
    "CountryIDContentType": RuleText("a country code", "an ISO 3166 two-letter code such as DE or US"),
    "CurrencyCodeContentType": RuleText("a currency code", "three capital letters (ISO 4217), e.g. EUR"),
    "WeightUnitCodeContentType": RuleText("a weight unit", "KGM (kilograms) or LBR (pounds)"),
    "MeasureUnitCodeContentType": RuleText("a unit of measure"),
    "TransportModeCodeContentType": RuleText("a transport mode", "one digit (UN/ECE Rec 19), 4 for air"),
    "CustomsStatusCodeContentType": RuleText("a customs status code", "1 to 3 capital letters or digits"),
    "WaybillDocumentCodeContentType": RuleText("an XFWB type code", "740 (direct) or 741 (consolidation)"),
    "HouseWaybillDocumentCodeContentType": RuleText("an XFZB type code", "703"),
    "HouseManifestDocumentCodeContentType": RuleText("an XFHL type code", "785 (703 is tolerated)"),
    "FlightManifestDocumentCodeContentType": RuleText("an XFFM type code", "122"),
    "ResponseDocumentCodeContentType": RuleText("an XFNM type code"),
    "CustomsStatusDocumentCodeContentType": RuleText("an XCSN type code"),
    "ReferenceDocumentCodeContentType": RuleText("a document type code"),
    "Version100ContentType": RuleText("a version of this message", "1.00"),
    "Version200ContentType": RuleText("a version of this message", "2.00"),
    "Version300ContentType": RuleText("a version of this message", "3.00"),
    "ResponseStatusCodeContentType": RuleText("a response status"),
    "ResponseConditionCodeContentType": RuleText("a response condition"),
    "NonNegativeDecimalType": RuleText("a number", "a number of 0 or more, e.g. 36.9"),
    "NameTextContentType": RuleText("a name"),
    "DescriptionTextContentType": RuleText("a goods description"),
    "IDContentType": RuleText("an identifier"),
    "MessageIDContentType": RuleText("a message identifier"),
    "OptionalMessageIDContentType": RuleText("a message identifier"),
    "CodeContentType": RuleText("a code"),
    "OptionalCodeContentType": RuleText("a code"),
    "PostcodeContentType": RuleText("a postcode"),
    # XML Schema built-in types
    "decimal": RuleText("a number", "a number, e.g. 12.5"),
    "nonNegativeInteger": RuleText("a whole number", "a whole number of 0 or more, e.g. 4"),
    "boolean": RuleText("an indicator", "true or false"),
    "dateTime": RuleText("a date and time", "YYYY-MM-DDThh:mm:ss, e.g. 2024-03-01T14:30:00"),
    "date": RuleText("a date", "YYYY-MM-DD, e.g. 2024-03-01"),
    "time": RuleText("a time", "hh:mm:ss, e.g. 14:30:00"),
    "language": RuleText("a language code", "e.g. en or pt-BR"),
    "token": RuleText("a text"),
    "string": RuleText("a text"),
}
_LISTED = 15  # code lists up to this long are spelled out; longer ones need a RuleText


def rule_text(rule: ValueRule) -> tuple[str, str | None]:
    """(noun, allowed) for a value rule: the nearest named type with a text, and what its facets
    allow where that text does not say it."""
    text = next((RULE_TEXTS[name] for name in rule.lineage if name in RULE_TEXTS), RuleText("a value"))
    if text.allowed is not None:
        return text.noun, text.allowed
    if rule.enumeration and len(rule.enumeration) <= _LISTED:
        return text.noun, _either(rule.enumeration)
    if rule.max_length is not None:
        low = rule.min_length or 0
        limit = f"{low} to {rule.max_length}" if low else f"at most {rule.max_length}"
        return text.noun, f"{limit} characters"
    return text.noun, None


def _either(values: Iterable[str], conjunction: str = "or") -> str:
    """'A', 'A or B', 'A, B or C' (or 'and')."""
    values = list(values)
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} {conjunction} {values[-1]}"


# --- libxml2's messages, read only to know what kind of failure it was --------------------------

_MESSAGE = re.compile(
    r"^Element '(?P<element>[^']*)'(?:, attribute '(?P<attribute>[^']*)')?: (?P<rest>.*)$", re.S
)
_FACET = re.compile(r"^\[facet '(?P<facet>\w+)'\]")
_LENGTH = re.compile(r"has a length of '(?P<n>\d+)'")
_EXPECTED = re.compile(r"Expected is(?: one of)? \( ([^)]*) \)")
_REQUIRED_ATTRIBUTE = re.compile(r"^The attribute '(?P<name>[^']*)' is required but missing")
_CLARK = re.compile(r"^\{[^}]*\}")
_ANCHORS = frozenset(
    {
        "MasterConsignment", "IncludedHouseConsignment", "IncludedMasterConsignment",
        "IncludedMasterConsignmentItem", "IncludedHouseConsignmentItem", "AssociatedTransportCargo",
    }
)  # fmt: skip
_SHOWN = 40  # characters of a filed value quoted in a sentence


def _expected(rest: str) -> list[str]:
    found = _EXPECTED.search(rest)
    return [_CLARK.sub("", n.strip()) for n in found.group(1).split(",")] if found else []


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _steps(path: str) -> list[str]:
    return [step.split("[", 1)[0] for step in path.split("/")]


def label(path: str) -> str:
    """How a sentence names a field: its path from the nearest consignment, goods line or header
    (at least two steps), e.g. 'ConsigneeParty/PostalStructuredAddress/CityName', 'OriginLocation/ID'."""
    parts = path.split("/")
    start = 1
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].split("[", 1)[0] in _ANCHORS:
            start = i + 1
            break
    start = min(start, max(len(parts) - 2, 0))
    return "/".join(parts[start:])


def _quoted(value: str) -> str:
    value = " ".join(value.split())
    return f"'{value[: _SHOWN - 3]}...'" if len(value) > _SHOWN else f"'{value}'"


class ReasonWriter:
    """Turns one message schema's libxml2 errors into reasons. Built once per schema at start from
    the schema model; on a rejection it walks a few declarations per error, never compiles."""

    def __init__(self, root: ElementDecl, title: str) -> None:
        self.root = root
        self.title = title  # "XFWB 3.00"

    def reasons(
        self, document: etree._Element, message: str, path: str | None, line: int | None
    ) -> list[Reason]:
        """The reasons for one libxml2 error (a missing element may stand for several)."""
        element = resolve_libxml2_path(document, path)
        parsed = _MESSAGE.match(message.strip())
        if element is None or parsed is None:
            where = element_path(element) if element is not None else readable_path(path)
            return [self._unclassified(where, line)]
        rest, attribute = parsed["rest"], parsed["attribute"]
        if rest.startswith("Missing child element"):
            missing = self._missing_children(element, line)
            return missing or [self._missing_named(element, _expected(rest), line)]
        if rest.startswith("This element is not expected"):
            parent = element.getparent()
            missing = self._missing_children(parent, line) if parent is not None else []
            return missing or [self._unexpected(element, _expected(rest), line)]
        required = _REQUIRED_ATTRIBUTE.match(rest)
        if required:
            return [self._attribute_missing(element, required["name"], line)]
        if attribute and "is not allowed" in rest:
            return [self._unexpected_attribute(element, attribute, line)]
        if rest.startswith("Character content other than whitespace"):
            where = element_path(element)
            what = f"{label(where)} holds elements only, not the text {_quoted(element.text or '')}"
            return [Reason(codes.UNEXPECTED_CONTENT, f"{what}: remove the text.", path=where, line=line)]
        if rest.startswith("Element content is not allowed"):
            where = element_path(element)
            detail = f"{label(where)} holds a value, not elements: remove the elements inside it."
            return [Reason(codes.UNEXPECTED_CONTENT, detail, path=where, line=line)]
        facet = _FACET.match(rest)
        if facet or "is not a valid value" in rest:
            length = _LENGTH.search(rest)
            kind = facet["facet"] if facet else None
            return [self._bad_value(element, attribute, kind, int(length["n"]) if length else None, line)]
        return [self._unclassified(element_path(element), line)]

    # --- missing elements -------------------------------------------------------------------

    def _missing_children(self, parent: etree._Element, line: int | None) -> list[Reason]:
        """A reason for every required child the parent lacks, at the child's own path."""
        decl = declaration_of(self.root, parent)
        if decl is None:
            return []
        out = []
        for child in decl.type.required_children:
            same_name = [c for c in parent.iterchildren(etree.Element) if _local(c) == child.name]
            present = [c for c in same_name if (etree.QName(c).namespace or "") == child.namespace]
            if len(present) < child.min_occurs:
                elsewhere = etree.QName(same_name[0]).namespace if same_name else False
                out.append(self._missing(element_path(parent) + "/" + child.name, child, line, elsewhere))
        return out

    def _missing_named(self, parent: etree._Element, expected: list[str], line: int | None) -> Reason:
        """A missing child the model does not know (should not happen): the last name libxml2 expects."""
        name = expected[-1] if expected else "an element"
        where = element_path(parent) + "/" + name
        detail = f"{label(where)} is missing."
        return Reason(code_for(_steps(where), missing=True), detail, path=where, line=line)

    def _missing(
        self, where: str, decl: ElementDecl, line: int | None, elsewhere: str | bool | None = False
    ) -> Reason:
        row, own = field_for(_steps(where))
        what = row.what if row is not None and own else None
        if decl.type.value is not None:
            noun, allowed = rule_text(decl.type.value)
            if row is not None and own and row.allowed:
                allowed = row.allowed
            subject = what or noun
            needs = f" ({allowed})" if allowed else ""
        else:
            subject = what or "it"
            names = [c.name for c in decl.type.required_children]
            needs = f", with {_either(names, 'and')}" if names else ""
        if elsewhere is not False:
            where_ns = f"the namespace {elsewhere}" if elsewhere else "no namespace"
            detail = (
                f"{label(where)} is in {where_ns}, so {subject} is missing: it must be in the namespace "
                f"{decl.namespace}."
            )
        else:
            detail = f"{label(where)} is missing: {subject} is required{needs}."
        return Reason(code_for(_steps(where), missing=True), detail, path=where, line=line)

    # --- elements and attributes that do not belong -----------------------------------------

    def _unexpected(self, element: etree._Element, expected: list[str], line: int | None) -> Reason:
        where = element_path(element)
        name, parent = _local(element), element.getparent()
        parent_decl = declaration_of(self.root, parent) if parent is not None else None
        decl = parent_decl.type.child(name) if parent_decl is not None else None
        parent_name = _local(parent) if parent is not None else self.title
        if decl is None:
            detail = f"{label(where)} is not part of {self.title}: remove it, or check its name."
        elif (etree.QName(element).namespace or "") != decl.namespace:
            shown = etree.QName(element).namespace
            detail = (
                f"{label(where)} is in {f'the namespace {shown}' if shown else 'no namespace'}: "
                f"it must be in the namespace {decl.namespace}."
            )
        elif decl.max_occurs is not None and len(parent.findall(element.tag)) > decl.max_occurs:
            detail = f"{label(where)} is repeated: {parent_name} may have {decl.max_occurs} {name} only."
        elif expected:
            present = {_local(c) for c in parent.iterchildren(etree.Element)}
            before = [n for n in expected if n in present] or expected
            detail = f"{label(where)} is out of order: {_either(before)} must come before it."
        else:
            detail = f"{label(where)} is out of order: {parent_name} must follow the order of the schema."
        return Reason(codes.UNEXPECTED_CONTENT, detail, path=where, line=line)

    def _unexpected_attribute(self, element: etree._Element, attribute: str, line: int | None) -> Reason:
        where = element_path(element)
        name = _CLARK.sub("", attribute)
        detail = f"{label(where)} has an attribute {name} that is not allowed: remove it."
        return Reason(codes.UNEXPECTED_CONTENT, detail, path=where, line=line)

    # --- values -----------------------------------------------------------------------------

    def _attribute_missing(self, element: etree._Element, attribute: str, line: int | None) -> Reason:
        where = element_path(element)
        row, _ = field_for(_steps(where))
        decl = declaration_of(self.root, element)
        attr = decl.type.attributes.get(attribute) if decl is not None else None
        allowed = rule_text(attr.rule)[1] if attr is not None else None
        unit = row.unit if row is not None and attribute == "unitCode" else None
        code = unit or code_for(_steps(where), missing=False)
        needs = f": {allowed} is required" if allowed else " and needs one"
        return Reason(code, f"{label(where)} has no {attribute}{needs}.", path=where, line=line)

    def _bad_value(
        self,
        element: etree._Element,
        attribute: str | None,
        facet: str | None,
        length: int | None,
        line: int | None,
    ) -> Reason:
        where = element_path(element)
        steps = _steps(where)
        row, own = field_for(steps)
        decl = declaration_of(self.root, element)
        rule: ValueRule | None = None
        if decl is not None:
            if attribute is None:
                rule = decl.type.value
            elif attribute in decl.type.attributes:
                rule = decl.type.attributes[attribute].rule
        noun, allowed = rule_text(rule) if rule is not None else ("a valid value", None)
        if attribute is None and row is not None and own and row.allowed:
            allowed = row.allowed
        value = element.get(attribute, "") if attribute else (element.text or "")
        name = f"{label(where)}/@{attribute}" if attribute else label(where)
        if attribute:
            code = (row.unit if row is not None and attribute == "unitCode" else None) or code_for(
                steps, missing=False
            )
        else:
            code = code_for(steps, missing=not value.strip())
        subject = (row.what if row is not None and own and not attribute else None) or noun
        if not value.strip():
            needs = f" ({allowed})" if allowed else ""
            if attribute or (decl is not None and decl.required):
                detail = f"{name} is empty: {subject} is required{needs}."
            else:
                detail = f"{name} is empty: give {subject}{needs}, or leave the element out."
            return Reason(code, detail, path=where, line=line)
        if facet == "maxLength" and rule is not None and rule.max_length is not None:
            wrong = f"is {length or len(value)} characters long"
            detail = f"{name} {wrong}: at most {rule.max_length} are allowed."
        elif facet == "minInclusive" and rule is not None and rule.min_inclusive == "0":
            detail = f"{name} {_quoted(value)} is negative: {allowed or 'it must be 0 or more'}."
        else:
            detail = f"{name} {_quoted(value)} is not {noun}" + (f": {allowed}." if allowed else ".")
        return Reason(code, detail, path=where, line=line)

    def _unclassified(self, path: str | None, line: int | None) -> Reason:
        where = path or ""
        detail = f"{label(where) if where else 'The message'} does not conform to the {self.title} schema."
        return Reason(codes.SCHEMA_VIOLATION, detail, path=path or None, line=line)
