"""Tests of the Cargo-XML schemas in schemas/.

Every public sample must validate with lxml and with xmlschema; mutations of the samples that
break the trade's rules (AWB pattern, country codes, weights, order, codes, versions, house
numbers, quantities) must be rejected by lxml.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
SAMPLES = ROOT / "fixtures" / "samples"
VALID = ROOT / "fixtures" / "valid"

RAM = "iata:datamodel:3"

# (namespace, root local name) -> schema file; the flight manifest also needs the VersionID.
SCHEMA_BY_ROOT = {
    ("iata:waybill:1", "Waybill"): "xfwb-3.00.xsd",
    ("iata:housewaybill:1", "HouseWaybill"): "xfzb-3.00.xsd",
    ("iata:housemanifest:1", "HouseManifest"): "xfhl-2.00.xsd",
    ("iata:response:3", "Response"): "xfnm-3.00.xsd",
    ("iata:customsstatusnotification:1", "CustomsStatusNotification"): "xcsn-1.00.xsd",
}
MESSAGE_SCHEMAS = sorted(p.name for p in SCHEMAS.glob("x*.xsd"))


def ram(name: str) -> str:
    return f"{{{RAM}}}{name}"


@functools.cache
def lxml_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


@functools.cache
def xmlschema_schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def schema_for(tree: etree._ElementTree) -> str:
    root = tree.getroot()
    qname = etree.QName(root)
    if (qname.namespace, qname.localname) == ("iata:flightmanifest:1", "FlightManifest"):
        version = root.findtext(f"*/{ram('VersionID')}")
        return f"xffm-{version}.xsd"
    return SCHEMA_BY_ROOT[(qname.namespace, qname.localname)]


def parse(path: Path) -> etree._ElementTree:
    return etree.parse(str(path))


def lxml_errors(tree: etree._ElementTree, schema_name: str | None = None) -> list[str]:
    schema = lxml_schema(schema_name or schema_for(tree))
    if schema.validate(tree):
        return []
    return [f"{e.line}: {e.message}" for e in schema.error_log]


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.xml"))


def first(tree: etree._ElementTree, path: str) -> etree._Element:
    """First element at an XPath using the prefixes r (root namespace) and ram."""
    root = tree.getroot()
    found = tree.xpath(path, namespaces={"r": etree.QName(root).namespace, "ram": RAM})
    assert found, f"{path} not in sample"
    return found[0]


# --------------------------------------------------------------------------------------------
# The schemas themselves
# --------------------------------------------------------------------------------------------


def test_there_is_a_schema_per_message_version() -> None:
    assert MESSAGE_SCHEMAS == [
        "xcsn-1.00.xsd",
        "xffm-2.00.xsd",
        "xffm-3.00.xsd",
        "xfhl-2.00.xsd",
        "xfnm-3.00.xsd",
        "xfwb-3.00.xsd",
        "xfzb-3.00.xsd",
    ]


@pytest.mark.parametrize("name", MESSAGE_SCHEMAS)
def test_schema_compiles_on_its_own(name: str) -> None:
    assert isinstance(lxml_schema(name), etree.XMLSchema)
    assert xmlschema_schema(name).validity == "valid"


@pytest.mark.parametrize("name", [*MESSAGE_SCHEMAS, "iata-datamodel-3.xsd"])
def test_schema_has_no_wildcards(name: str) -> None:
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    for forbidden in ("<xs:any ", "<xs:any>", "<xs:any/>", "anyType", "anyAttribute"):
        assert forbidden not in text


def test_country_list_is_the_full_iso_3166_list() -> None:
    tree = parse(SCHEMAS / "iata-datamodel-3.xsd")
    xs = "http://www.w3.org/2001/XMLSchema"
    codes = tree.xpath(
        "//xs:simpleType[@name='CountryIDContentType']//xs:enumeration/@value", namespaces={"xs": xs}
    )
    assert len(codes) == 249
    assert len(set(codes)) == 249
    assert {"DE", "CA", "IN", "CN", "US", "XK"} - set(codes) == {"XK"}  # XK is user-assigned


# --------------------------------------------------------------------------------------------
# (1) Every sample validates with both libraries
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_validates_with_lxml(path: Path) -> None:
    assert lxml_errors(parse(path)) == []


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_sample_validates_with_xmlschema(path: Path) -> None:
    tree = parse(path)
    errors = list(xmlschema_schema(schema_for(tree)).iter_errors(str(path)))
    assert errors == []


def test_every_root_kind_is_covered_by_the_samples() -> None:
    kinds = {schema_for(parse(p)) for p in sample_files()}
    assert kinds == {"xfwb-3.00.xsd", "xfzb-3.00.xsd", "xffm-2.00.xsd", "xfnm-3.00.xsd", "xcsn-1.00.xsd"}


# --------------------------------------------------------------------------------------------
# (3) Fixtures written by the project
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema"),
    [("xfhl-two-houses.xml", "xfhl-2.00.xsd"), ("xffm3-flight-manifest.xml", "xffm-3.00.xsd")],
)
def test_project_fixture_validates(name: str, schema: str) -> None:
    path = VALID / name
    tree = parse(path)
    assert schema_for(tree) == schema
    assert lxml_errors(tree) == []
    assert list(xmlschema_schema(schema).iter_errors(str(path))) == []


def test_house_manifest_fixture_has_two_houses_under_the_mawb() -> None:
    tree = parse(VALID / "xfhl-two-houses.xml")
    houses = tree.xpath("//ram:IncludedHouseConsignment", namespaces={"ram": RAM})
    assert len(houses) == 2
    assert first(tree, "r:MasterConsignment/ram:TransportContractDocument/ram:ID").text == "123-45678902"


def test_flight_manifest_fixture_has_two_awbs() -> None:
    tree = parse(VALID / "xffm3-flight-manifest.xml")
    awbs = tree.xpath(
        "//ram:IncludedMasterConsignment/ram:TransportContractDocument/ram:ID/text()", namespaces={"ram": RAM}
    )
    assert len(awbs) == 2


# --------------------------------------------------------------------------------------------
# (2) Negative cases: mutations of valid documents that must be invalid under lxml
# --------------------------------------------------------------------------------------------

XFWB = "xfwb3-example.xml"
XFZB = "xfzb3-house.xml"
XFFM2 = "xffm2-flight-manifest.xml"
XFNM = "xfnm3-error.xml"
XCSN = "xcsn1-rfi-house.xml"


def load(name: str) -> etree._ElementTree:
    path = SAMPLES / name
    if not path.exists():
        path = VALID / name
    return parse(path)


def set_text(path: str, value: str) -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        first(tree, path).text = value

    return mutate


def remove(path: str) -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        element = first(tree, path)
        element.getparent().remove(element)

    return mutate


def remove_attribute(path: str, attribute: str) -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        del first(tree, path).attrib[attribute]

    return mutate


def set_attribute(path: str, attribute: str, value: str) -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        first(tree, path).set(attribute, value)

    return mutate


def swap_with_next(path: str) -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        element = first(tree, path)
        following = element.getnext()
        while following is not None and not isinstance(following.tag, str):
            following = following.getnext()
        assert following is not None
        following.addnext(element)

    return mutate


def insert_after(path: str, name: str, text: str = "X") -> Callable[[etree._ElementTree], None]:
    def mutate(tree: etree._ElementTree) -> None:
        element = first(tree, path)
        extra = etree.Element(ram(name))
        extra.text = text
        element.addnext(extra)

    return mutate


MC = "r:MasterConsignment"
XFWB_WEIGHT = f"{MC}/ram:IncludedTareGrossWeightMeasure"
HOUSE = f"{MC}/ram:IncludedHouseConsignment"
HOUSE_WEIGHT = f"{HOUSE}/ram:IncludedTareGrossWeightMeasure"
SHIPPER_ADDRESS = f"{MC}/ram:ConsignorParty/ram:PostalStructuredAddress"

NEGATIVE_CASES: list[tuple[str, str, Callable[[etree._ElementTree], None]]] = [
    # AWB numbers
    ("awb-hyphen-misplaced", XFWB, set_text("r:BusinessHeaderDocument/ram:ID", "0206-8548340")),
    ("awb-twelve-digits", XFWB, set_text("r:BusinessHeaderDocument/ram:ID", "020685483401")),
    ("awb-serial-too-short", XFWB, set_text("r:BusinessHeaderDocument/ram:ID", "020-6854834")),
    ("awb-with-letters", XFWB, set_text("r:BusinessHeaderDocument/ram:ID", "LH0-68548340")),
    ("xfzb-mawb-bad", XFZB, set_text(f"{MC}/ram:TransportContractDocument/ram:ID", "888-1111111")),
    (
        "xffm-awb-bad",
        "xffm3-flight-manifest.xml",
        set_text("//ram:IncludedMasterConsignment/ram:TransportContractDocument/ram:ID", "8381234562"),
    ),
    (
        "xfhl-mawb-bad",
        "xfhl-two-houses.xml",
        set_text(f"{MC}/ram:TransportContractDocument/ram:ID", "123-4567890"),
    ),
    # Parties
    ("consignor-name-missing", XFWB, remove(f"{MC}/ram:ConsignorParty/ram:Name")),
    ("consignor-name-empty", XFWB, set_text(f"{MC}/ram:ConsignorParty/ram:Name", "")),
    ("consignee-missing", XFWB, remove(f"{MC}/ram:ConsigneeParty")),
    ("house-consignor-name-missing", XFZB, remove(f"{HOUSE}/ram:ConsignorParty/ram:Name")),
    (
        "city-name-empty",
        XFWB,
        set_text(f"{MC}/ram:ConsigneeParty/ram:PostalStructuredAddress/ram:CityName", ""),
    ),
    ("name-too-long", XFWB, set_text(f"{MC}/ram:ConsignorParty/ram:Name", "A" * 71)),
    # Countries
    (
        "country-XX",
        XFWB,
        set_text(f"{SHIPPER_ADDRESS}/ram:CountryID", "XX"),
    ),
    (
        "country-ZZ",
        XFWB,
        set_text(f"{MC}/ram:ConsigneeParty/ram:PostalStructuredAddress/ram:CountryID", "ZZ"),
    ),
    ("country-lowercase", XFWB, set_text(f"{MC}/ram:IncludedCustomsNote/ram:CountryID", "br")),
    ("house-country-ZZ", XFZB, set_text(f"{HOUSE}/ram:IncludedCustomsNote/ram:CountryID", "ZZ")),
    # Weights
    ("weight-abc", XFWB, set_text(XFWB_WEIGHT, "abc")),
    ("weight-negative", XFWB, set_text(XFWB_WEIGHT, "-36.9")),
    ("weight-without-unit", XFWB, remove_attribute(XFWB_WEIGHT, "unitCode")),
    ("weight-unit-TON", XFWB, set_attribute(XFWB_WEIGHT, "unitCode", "TON")),
    ("weight-unit-volume", XFWB, set_attribute(XFWB_WEIGHT, "unitCode", "MTQ")),
    ("house-weight-negative", XFZB, set_text(HOUSE_WEIGHT, "-1")),
    ("house-weight-unit-TON", XFZB, set_attribute(HOUSE_WEIGHT, "unitCode", "TON")),
    ("volume-unit-unknown", XFWB, set_attribute(f"{MC}/ram:GrossVolumeMeasure", "unitCode", "BBL")),
    ("weight-missing", XFWB, remove(XFWB_WEIGHT)),
    # Quantities and amounts
    ("pieces-4.5", XFWB, set_text(f"{MC}/ram:TotalPieceQuantity", "4.5")),
    ("pieces-negative", XFWB, set_text(f"{MC}/ram:TotalPieceQuantity", "-4")),
    ("house-pieces-4.5", XFZB, set_text(f"{HOUSE}/ram:TotalPieceQuantity", "4.5")),
    (
        "amount-bad-currency",
        XFWB,
        set_attribute(f"{MC}/ram:ApplicableLogisticsAllowanceCharge/ram:ActualAmount", "currencyID", "usd"),
    ),
    ("indicator-yes", XFWB, set_text(f"{MC}/ram:TotalChargePrepaidIndicator", "yes")),
    ("datetime-bad", XFWB, set_text("r:MessageHeaderDocument/ram:IssueDateTime", "19.02.2021 14:51")),
    # Order and unknown elements
    ("swap-consignor-consignee", XFWB, swap_with_next(f"{MC}/ram:ConsignorParty")),
    ("swap-header-documents", XFWB, swap_with_next("r:MessageHeaderDocument")),
    ("swap-origin-destination", XFZB, swap_with_next(f"{MC}/ram:OriginLocation")),
    ("swap-in-address", XFWB, swap_with_next(f"{SHIPPER_ADDRESS}/ram:CityName")),
    ("unknown-element", XFWB, insert_after(f"{MC}/ram:TotalPieceQuantity", "FavouriteColour", "blue")),
    ("unknown-element-in-house", XFZB, insert_after(f"{HOUSE}/ram:SummaryDescription", "Comment")),
    ("unknown-element-in-ffm", XFFM2, insert_after("r:LogisticsTransportMovement/ram:ID", "Tail")),
    # Message type codes and versions
    ("xfwb-typecode-999", XFWB, set_text("r:MessageHeaderDocument/ram:TypeCode", "999")),
    ("xfwb-typecode-703", XFWB, set_text("r:MessageHeaderDocument/ram:TypeCode", "703")),
    ("xfzb-typecode-741", XFZB, set_text("r:MessageHeaderDocument/ram:TypeCode", "741")),
    ("xffm-typecode-999", XFFM2, set_text("r:MessageHeaderDocument/ram:TypeCode", "999")),
    ("xfnm-typecode-999", XFNM, set_text("r:MessageHeaderDocument/ram:TypeCode", "999")),
    ("xcsn-typecode-999", XCSN, set_text("r:MessageHeaderDocument/ram:TypeCode", "999")),
    ("xfhl-typecode-999", "xfhl-two-houses.xml", set_text("r:MessageHeaderDocument/ram:TypeCode", "999")),
    ("xfwb-version-9.99", XFWB, set_text("r:MessageHeaderDocument/ram:VersionID", "9.99")),
    ("xfwb-version-2.00", XFWB, set_text("r:MessageHeaderDocument/ram:VersionID", "2.00")),
    ("xfzb-version-9.99", XFZB, set_text("r:MessageHeaderDocument/ram:VersionID", "9.99")),
    ("xfnm-version-9.99", XFNM, set_text("r:MessageHeaderDocument/ram:VersionID", "9.99")),
    ("xcsn-version-3.00", XCSN, set_text("r:MessageHeaderDocument/ram:VersionID", "3.00")),
    ("xfhl-version-9.99", "xfhl-two-houses.xml", set_text("r:MessageHeaderDocument/ram:VersionID", "9.99")),
    # House numbers
    ("house-number-with-space", XFZB, set_text("r:BusinessHeaderDocument/ram:ID", "SEL 22222222")),
    ("house-number-36-chars", XFZB, set_text("r:BusinessHeaderDocument/ram:ID", "H" * 36)),
    ("house-id-with-space", XFZB, set_text(f"{HOUSE}/ram:ID", "SEL 22222222")),
    ("house-id-36-chars", XFZB, set_text(f"{HOUSE}/ram:ID", "H" * 36)),
    ("house-id-empty", XFZB, set_text(f"{HOUSE}/ram:ID", "")),
    (
        "xfhl-house-id-36-chars",
        "xfhl-two-houses.xml",
        set_text(f"{HOUSE}/ram:TransportContractDocument/ram:ID", "M" * 36),
    ),
    # Locations
    ("origin-lowercase", XFWB, set_text(f"{MC}/ram:OriginLocation/ram:ID", "vcp")),
    ("origin-too-long", XFWB, set_text(f"{MC}/ram:OriginLocation/ram:ID", "VIRACOPOS")),
    # Responses and status notices
    ("xfnm-status-unknown", XFNM, set_text("r:BusinessHeaderDocument/ram:StatusCode", "Maybe")),
    ("xfnm-condition-unknown", XFNM, set_text("r:ResponseStatus/ram:ConditionCode", "Warning")),
    ("xcsn-reference-typecode", XCSN, set_text(f"{MC}/ram:AssociatedReferenceDocument/ram:TypeCode", "785")),
    (
        "xcsn-reference-date-is-datetime",
        XCSN,
        set_text(f"{MC}/ram:AssociatedReferenceDocument/ram:IssueDate", "2023-01-12T00:00:00"),
    ),
    (
        "xcsn-without-reference",
        XCSN,
        lambda t: [
            e.getparent().remove(e)
            for e in t.xpath("//ram:AssociatedReferenceDocument", namespaces={"ram": RAM})
        ],
    ),
    ("xcsn-status-missing", XCSN, remove("r:BusinessHeaderDocument/ram:StatusCode")),
    (
        "xfhl-without-houses",
        "xfhl-two-houses.xml",
        lambda t: [
            e.getparent().remove(e)
            for e in t.xpath("//ram:IncludedHouseConsignment", namespaces={"ram": RAM})
        ],
    ),
    ("xfhl-without-mawb", "xfhl-two-houses.xml", remove(f"{MC}/ram:TransportContractDocument")),
]


@pytest.mark.parametrize(
    ("sample", "mutate"),
    [pytest.param(sample, mutate, id=case) for case, sample, mutate in NEGATIVE_CASES],
)
def test_mutation_is_invalid(sample: str, mutate: Callable[[etree._ElementTree], None]) -> None:
    original = load(sample)
    schema_name = schema_for(original)
    assert lxml_errors(original, schema_name) == [], "the unmutated document must be valid"
    tree = copy.deepcopy(original)
    mutate(tree)
    assert lxml_errors(tree, schema_name) != []
    assert not xmlschema_schema(schema_name).is_valid(tree)


def test_flight_manifest_versions_are_not_interchangeable() -> None:
    v2 = load(XFFM2)
    v3 = load("xffm3-flight-manifest.xml")
    assert lxml_errors(v2, "xffm-3.00.xsd") != []
    assert lxml_errors(v3, "xffm-2.00.xsd") != []


# --------------------------------------------------------------------------------------------
# Deliberate leniencies (documented in schemas/README.md)
# --------------------------------------------------------------------------------------------


def test_house_may_arrive_without_its_mawb() -> None:
    tree = load(XFZB)
    remove(f"{MC}/ram:TransportContractDocument")(tree)
    assert lxml_errors(tree) == []


def test_zero_pieces_is_left_to_the_processor() -> None:
    tree = load(XFWB)
    set_text(f"{MC}/ram:TotalPieceQuantity", "0")(tree)
    assert lxml_errors(tree) == []


def test_mod7_check_digit_is_left_to_the_processor() -> None:
    tree = load(XFWB)
    set_text("r:BusinessHeaderDocument/ram:ID", "020-68548341")(tree)
    assert lxml_errors(tree) == []


def test_weight_in_pounds_is_valid() -> None:
    tree = load(XFWB)
    set_attribute(XFWB_WEIGHT, "unitCode", "LBR")(tree)
    assert lxml_errors(tree) == []


def test_house_number_of_35_characters_is_valid() -> None:
    tree = load(XFZB)
    set_text("r:BusinessHeaderDocument/ram:ID", "H" * 35)(tree)
    set_text(f"{HOUSE}/ram:ID", "H" * 35)(tree)
    assert lxml_errors(tree) == []


def test_house_manifest_accepts_the_house_waybill_type_code() -> None:
    tree = load("xfhl-two-houses.xml")
    set_text("r:MessageHeaderDocument/ram:TypeCode", "703")(tree)
    assert lxml_errors(tree) == []
