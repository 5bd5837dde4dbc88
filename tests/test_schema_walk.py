"""Every required element of every filing kind, listed from the XSDs themselves (with the xmlschema
library, independently of the processor's own reading of them): removed, emptied and given a wrong
value, each must be rejected with the reason code the PACT vocabulary gives it, at the element's
own path, in a sentence with no libxml2 wording; the XFNM sent back carries the codes only.

A schema change that adds a required element adds it to this walk: nothing is listed by hand
except the realistic wrong value for each kind of value and the elements allowed to end in
SCHEMA_VIOLATION (none)."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from acid_processor import codes
from acid_processor.assessment.engine import Assessor
from acid_processor.check import Checker, CheckResult
from acid_processor.formats.xmlpath import element_path
from acid_processor.replies.profiles import load_profile
from acid_processor.replies.xfnm import render_xfnm

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"
FIXTURES = ROOT / "fixtures"

# Each filing kind, its schema and the valid filing the walk starts from.
KINDS: dict[str, tuple[str, Path]] = {
    "XFWB 3.00": ("xfwb-3.00.xsd", FIXTURES / "assess" / "xfwb-direct-clean.xml"),
    "XFZB 3.00": ("xfzb-3.00.xsd", FIXTURES / "samples" / "xfzb3-house.xml"),
    "XFHL 2.00": ("xfhl-2.00.xsd", FIXTURES / "valid" / "xfhl-two-houses.xml"),
    "XFFM 2.00": ("xffm-2.00.xsd", FIXTURES / "samples" / "xffm2-flight-manifest.xml"),
    "XFFM 3.00": ("xffm-3.00.xsd", FIXTURES / "valid" / "xffm3-flight-manifest.xml"),
}

# libxml2's (and XML Schema's) words: none may reach a reason's detail or the XFNM.
LIBXML2_WORDS = (
    "facet", "underruns", "exceeds the allowed", "is not an element of the set", "Expected is",
    "pattern", "{iata:", "Element '", "atomic type", "not accepted", "minLength", "maxLength",
    "minInclusive", "xs:", "Missing child", "is not expected",
)  # fmt: skip

# A valid value (for elements the walk has to add) and a realistic wrong one, per value rule (the
# nearest named simple type). A rule missing here fails test_every_value_rule_has_test_values.
VALUES: dict[str, tuple[str, str]] = {
    "AWBNumberContentType": ("020-68548340", "020-6854834"),
    "HouseNumberContentType": ("SEL22222222", "SEL 22222222"),
    "LocationIDContentType": ("FRA", "vcp"),
    "CountryIDContentType": ("DE", "XX"),
    "CurrencyCodeContentType": ("EUR", "eur"),
    "WeightUnitCodeContentType": ("KGM", "TON"),
    "MeasureUnitCodeContentType": ("MTQ", "BBL"),
    "TransportModeCodeContentType": ("4", "AIR"),
    "WaybillDocumentCodeContentType": ("740", "703"),
    "HouseWaybillDocumentCodeContentType": ("703", "741"),
    "HouseManifestDocumentCodeContentType": ("785", "740"),
    "FlightManifestDocumentCodeContentType": ("122", "999"),
    "Version200ContentType": ("2.00", "9.99"),
    "Version300ContentType": ("3.00", "9.99"),
    "NonNegativeDecimalType": ("1", "-36.9"),
    "NameTextContentType": ("ACME TRADING", "N" * 71),
    "ShortTextContentType": ("TEXT", "S" * 71),
    "FreeTextContentType": ("TEXT", "F" * 513),
    "DescriptionTextContentType": ("MACHINE PARTS", "D" * 2001),
    "IDContentType": ("ID1", "I" * 71),
    "MessageIDContentType": ("MSG1", "M" * 129),
    "OptionalMessageIDContentType": ("CONV1", "C" * 129),
    "CodeContentType": ("X", "C" * 36),
    "OptionalCodeContentType": ("X", "C" * 36),
    "PostcodeContentType": ("12345", "P" * 18),
    "NumericType": ("1", "one"),
    "RateType": ("1", "one"),
    "PercentType": ("1", "one"),
    "IndicatorType": ("true", "yes"),
    "DateTimeType": ("2024-03-01T14:30:00", "01.03.2024 14:30"),
    "DateType": ("2024-03-01", "01.03.2024"),
    "TimeType": ("14:30:00", "2 pm"),
    "nonNegativeInteger": ("1", "4.5"),
    "decimal": ("1", "one"),
}

PACT = frozenset(
    {
        codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT, codes.MISSING_HOUSE_BILL_NBR,
        codes.INVALID_HOUSE_BILL_NBR, codes.MISSING_SHP_NAME, codes.MISSING_SHP_ADDR, codes.MISSING_SHP_CTRY,
        codes.MISSING_CNE_NAME, codes.MISSING_CNE_ADDR, codes.MISSING_CNE_CTRY, codes.MISSING_WEIGHT,
        codes.INVALID_WEIGHT, codes.MISSING_WT_UNITS, codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY,
        codes.MISSING_CARGO_DESC, codes.INVALID_MESSAGE_TYPE, codes.INVALID_ROUTING,
    }
)  # fmt: skip
# The project's own codes for schema failures outside the PACT vocabulary, by part of the message.
OWN = frozenset(
    {
        codes.INVALID_SHP_NAME, codes.INVALID_SHP_ADDR, codes.INVALID_CNE_NAME, codes.INVALID_CNE_ADDR,
        codes.INVALID_DESCRIPTION, codes.INVALID_HEADER, codes.INVALID_CHARGES, codes.INVALID_HANDLING,
        codes.INVALID_CUSTOMS_INFO, codes.INVALID_PARTY, codes.INVALID_CARGO_DETAIL,
    }
)  # fmt: skip
# (message, element path) whose failure may end in SCHEMA_VIOLATION: no row of the table covers it.
SCHEMA_VIOLATION_ALLOWED: frozenset[tuple[str, str]] = frozenset()

# The specification for the 7+1 data, routing, message type and security lines: the first rule
# whose pattern matches the element path (local names, no positions) gives (missing, invalid).
SPEC: tuple[tuple[str, str, str], ...] = (
    (r"/MessageHeaderDocument/(TypeCode|VersionID)$", codes.INVALID_MESSAGE_TYPE, codes.INVALID_MESSAGE_TYPE),
    (r"^Waybill/BusinessHeaderDocument/ID$", codes.MISSING_WBL_LINE, codes.BAD_WBL_FORMAT),
    (r"^HouseWaybill/BusinessHeaderDocument/ID$", codes.MISSING_HOUSE_BILL_NBR, codes.INVALID_HOUSE_BILL_NBR),
    (
        r"/IncludedHouseConsignment/(ID|TransportContractDocument|TransportContractDocument/ID)$",
        codes.MISSING_HOUSE_BILL_NBR,
        codes.INVALID_HOUSE_BILL_NBR,
    ),
    (
        r"/(MasterConsignment|IncludedMasterConsignment)/TransportContractDocument(/ID)?$",
        codes.MISSING_WBL_LINE,
        codes.BAD_WBL_FORMAT,
    ),
    (r"/ConsignorParty(/Name)?$", codes.MISSING_SHP_NAME, codes.INVALID_SHP_NAME),
    (r"/ConsignorParty/PostalStructuredAddress/CountryID$", codes.MISSING_SHP_CTRY, codes.MISSING_SHP_CTRY),
    (
        r"/ConsignorParty/PostalStructuredAddress(/[A-Za-z]+)?$",
        codes.MISSING_SHP_ADDR,
        codes.INVALID_SHP_ADDR,
    ),
    (r"/ConsigneeParty(/Name)?$", codes.MISSING_CNE_NAME, codes.INVALID_CNE_NAME),
    (r"/ConsigneeParty/PostalStructuredAddress/CountryID$", codes.MISSING_CNE_CTRY, codes.MISSING_CNE_CTRY),
    (
        r"/ConsigneeParty/PostalStructuredAddress(/[A-Za-z]+)?$",
        codes.MISSING_CNE_ADDR,
        codes.INVALID_CNE_ADDR,
    ),
    (r"/(IncludedTareGross|Gross|TotalGross)WeightMeasure$", codes.MISSING_WEIGHT, codes.INVALID_WEIGHT),
    (r"/(TotalPieceQuantity|PieceQuantity)$", codes.MISSING_BILL_QTY, codes.INVALID_BILL_QTY),
    (
        r"/(SummaryDescription|NatureIdentificationTransportCargo/Identification)$",
        codes.MISSING_CARGO_DESC,
        codes.INVALID_DESCRIPTION,
    ),
    (r"/Handling(SPH|SSR|OSI)Instructions/", codes.INVALID_HANDLING, codes.INVALID_HANDLING),
    (
        r"/(IncludedCustomsNote|(Associated|Related)ConsignmentCustomsProcedure)/",
        codes.INVALID_CUSTOMS_INFO,
        codes.INVALID_CUSTOMS_INFO,
    ),
    (r"/(OriginLocation|FinalDestinationLocation)(/|$)", codes.INVALID_ROUTING, codes.INVALID_ROUTING),
    (r"/SpecifiedLogisticsTransportMovement(/|$)", codes.INVALID_ROUTING, codes.INVALID_ROUTING),
    (
        r"^FlightManifest/(LogisticsTransportMovement|ArrivalEvent)(/(?!AssociatedTransportCargo)|$)",
        codes.INVALID_ROUTING,
        codes.INVALID_ROUTING,
    ),
)
UNIT_CODE = "unitCode"


def expected_codes(path: str) -> tuple[str, str] | None:
    """(code when missing or empty, code when wrong) that the specification gives a path."""
    bare = re.sub(r"\[\d+\]", "", path)
    for pattern, missing, invalid in SPEC:
        if re.search(pattern, bare):
            return missing, invalid
    return None


# --- the schemas, read by xmlschema ------------------------------------------------------------


def rule_name(simple: xmlschema.validators.XsdSimpleType) -> str:
    """The nearest named type of a simple value: ('LocationIDContentType', 'nonNegativeInteger', ...)."""
    t = simple
    while t.name is None and t.base_type is not None:
        t = t.base_type
    return t.local_name


@dataclass(frozen=True)
class Required:
    """A required element: its path of local names from the root and its declarations from the root."""

    path: str
    chain: tuple[xmlschema.XsdElement, ...]

    @property
    def decl(self) -> xmlschema.XsdElement:
        return self.chain[-1]

    @property
    def leaf(self) -> bool:
        return self.decl.type.has_simple_content()


def children(decl: xmlschema.XsdElement) -> list[xmlschema.XsdElement]:
    return list(decl.type.content.iter_elements()) if decl.type.has_complex_content() else []


def value_type(decl: xmlschema.XsdElement) -> xmlschema.validators.XsdSimpleType:
    """The simple type of an element's value (its own type, or the content of a complex type)."""
    return decl.type if decl.type.is_simple() else decl.type.content


def attributes(decl: xmlschema.XsdElement) -> dict:
    return {} if decl.type.is_simple() else dict(decl.type.attributes.items())


@functools.cache
def schema(kind: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / KINDS[kind][0]))


@functools.cache
def required_elements(kind: str) -> tuple[Required, ...]:
    """Every element that is required within its parent, at any depth (under optional parents too)."""
    (root,) = schema(kind).elements.values()
    out: list[Required] = []

    def walk(chain: tuple[xmlschema.XsdElement, ...]) -> None:
        for child in children(chain[-1]):
            sub = (*chain, child)
            if child.min_occurs > 0:
                out.append(Required("/".join(d.local_name for d in sub), sub))
            walk(sub)

    walk((root,))
    return tuple(out)


# --- a base filing that has every required element -------------------------------------------


def minimal(decl: xmlschema.XsdElement) -> etree._Element:
    """The smallest valid instance of a declaration: its required children, valid values."""
    el = etree.Element(decl.name)
    if decl.type.has_simple_content():
        el.text = VALUES[rule_name(value_type(decl))][0]
    for name, attribute in attributes(decl).items():
        if attribute.use == "required":
            el.set(name, VALUES[rule_name(attribute.type)][0])
    for child in children(decl):
        for _ in range(child.min_occurs):
            el.append(minimal(child))
    return el


def insert_in_order(parent: etree._Element, parent_decl: xmlschema.XsdElement, el: etree._Element) -> None:
    order = [c.name for c in children(parent_decl)]
    rank = order.index(el.tag)
    for i, sibling in enumerate(parent):
        if isinstance(sibling.tag, str) and sibling.tag in order and order.index(sibling.tag) > rank:
            parent.insert(i, el)
            return
    parent.append(el)


@functools.cache
def base_tree(kind: str) -> etree._ElementTree:
    """The kind's fixture, with the optional parents it lacks added (minimal and valid), so that
    every required element of the schema is present at least once."""
    tree = etree.parse(str(KINDS[kind][1]))
    for req in required_elements(kind):
        node = tree.getroot()
        for parent_decl, decl in zip(req.chain, req.chain[1:], strict=False):
            found = node.find(decl.name)
            if found is None:
                found = minimal(decl)
                insert_in_order(node, parent_decl, found)
            node = found
    return tree


def instance(tree: etree._ElementTree, req: Required) -> etree._Element:
    """The first element at a required path (positions: the first at every step)."""
    node = tree.getroot()
    for decl in req.chain[1:]:
        node = node.find(decl.name)
    return node


# --- checking ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


@pytest.fixture(scope="module")
def assessor(test_policy, checker) -> Assessor:
    return Assessor(test_policy, checker)


@dataclass(frozen=True)
class Case:
    kind: str
    path: str
    mutation: str  # remove, empty, wrong value, remove unitCode, wrong unitCode
    expect: tuple[tuple[str, str | None], ...]  # (path a reason must be at, code the spec gives or None)
    bytes_: bytes


def _expect(where: str, code_of: int) -> tuple[str, str | None]:
    """A reason expected at a path, with the code the specification gives it (0 missing, 1 wrong)."""
    spec = expected_codes(where)
    return where, spec[code_of] if spec else None


def mutations(kind: str) -> Iterator[Case]:
    """For every required element: removed (every sibling of its name), emptied, and given a wrong
    value where it has one; for a required attribute: removed and given a wrong value. An emptied
    container must name each required part it lacks, at the part's own path."""
    base = base_tree(kind)
    for req in required_elements(kind):
        tree = copy.deepcopy(base)
        el = instance(tree, req)
        parent = el.getparent()
        where = element_path(parent) + "/" + etree.QName(el).localname
        for sibling in parent.findall(el.tag):
            parent.remove(sibling)
        yield Case(kind, req.path, "remove", (_expect(where, 0),), etree.tostring(tree))

        tree = copy.deepcopy(base)
        el = instance(tree, req)
        own = element_path(el)
        if req.leaf:
            el.text = ""
            rule = value_type(req.decl)
            if not rule.is_valid(""):  # an element that may be empty stays valid
                yield Case(kind, req.path, "empty", (_expect(own, 0),), etree.tostring(tree))
            tree = copy.deepcopy(base)
            el = instance(tree, req)
            el.text = VALUES[rule_name(rule)][1]
            yield Case(kind, req.path, "wrong value", (_expect(own, 1),), etree.tostring(tree))
            for name, attribute in attributes(req.decl).items():
                if attribute.use != "required":
                    continue
                unit = codes.MISSING_WT_UNITS if name == UNIT_CODE and expected_codes(own) else None
                tree = copy.deepcopy(base)
                del instance(tree, req).attrib[name]
                yield Case(kind, req.path, f"remove {name}", ((own, unit),), etree.tostring(tree))
                tree = copy.deepcopy(base)
                instance(tree, req).set(name, VALUES[rule_name(attribute.type)][1])
                yield Case(kind, req.path, f"wrong {name}", ((own, unit),), etree.tostring(tree))
        else:
            for child in list(el):
                el.remove(child)
            parts = [c.local_name for c in children(req.decl) if c.min_occurs > 0]
            if "VersionID" in parts:  # without a version no schema can be chosen: that one reason
                parts = ["VersionID"]
            if parts:
                expect = tuple(_expect(f"{own}/{part}", 0) for part in parts)
                yield Case(kind, req.path, "empty container", expect, etree.tostring(tree))


def all_cases() -> list[Case]:
    return [case for kind in KINDS for case in mutations(kind)]


CASES = all_cases()


def clean(text: str) -> bool:
    return not any(word in text for word in LIBXML2_WORDS)


# --- the walk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_walk_starts_from_a_valid_filing_with_every_required_element(kind, checker):
    tree = base_tree(kind)
    assert schema(kind).is_valid(tree), list(schema(kind).iter_errors(tree))[:3]
    result = checker.check(etree.tostring(tree))
    assert result.valid and result.rejections == ()
    for req in required_elements(kind):
        assert instance(tree, req) is not None, req.path


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.kind}:{c.path}:{c.mutation}")
def test_every_required_element_removed_emptied_or_wrong_is_rejected_at_its_own_path(case, checker):
    result = checker.check(case.bytes_)
    assert not result.valid, f"{case.path} {case.mutation} was accepted"
    found = {r.path: r for r in reversed(result.rejections)}
    for where, code in case.expect:
        assert where in found, f"no reason at {where}: {[(r.code, r.path) for r in result.rejections]}"
        reason = found[where]
        if code is not None:
            assert reason.code == code, reason.detail
        elif (case.kind, where) not in SCHEMA_VIOLATION_ALLOWED:
            assert reason.code != codes.SCHEMA_VIOLATION, reason.detail
        if case.mutation in ("remove", "empty container"):
            assert "missing" in reason.detail, reason.detail
        elif case.mutation == "empty":
            assert "is empty" in reason.detail, reason.detail
    for r in result.reasons:
        assert clean(r.detail), r.detail
        assert r.detail.endswith(".") and "\n" not in r.detail


def test_emptied_container_names_each_missing_part_at_its_own_path(checker):
    tree = copy.deepcopy(base_tree("XFWB 3.00"))
    consignee = tree.find(".//{iata:datamodel:3}ConsigneeParty")
    for child in list(consignee):
        consignee.remove(child)
    result = checker.check(etree.tostring(tree))
    assert [(r.code, r.path) for r in result.rejections] == [
        (codes.MISSING_CNE_NAME, "Waybill/MasterConsignment/ConsigneeParty/Name"),
        (codes.MISSING_CNE_ADDR, "Waybill/MasterConsignment/ConsigneeParty/PostalStructuredAddress"),
    ]


def test_every_value_rule_has_test_values():
    rules = set()
    for kind in KINDS:
        for req in required_elements(kind):
            if req.leaf:
                rules.add(rule_name(value_type(req.decl)))
                rules.update(rule_name(a.type) for a in attributes(req.decl).values() if a.use == "required")
    assert rules - set(VALUES) == set()
    for name, (good, bad) in VALUES.items():
        assert good != bad, name


@pytest.fixture(scope="module")
def profile():
    return load_profile("pact")


@pytest.mark.parametrize("kind", KINDS)
def test_the_xfnm_carries_the_codes_and_none_of_libxml2s_words(kind, checker, assessor, profile):
    for case in (c for c in CASES if c.kind == kind):
        result = checker.check(case.bytes_)
        body = render_xfnm(
            assessor.assess_result(result),
            profile=profile,
            message_id="m-1",
            now=datetime(2024, 3, 1, tzinfo=UTC),
        ).decode()
        reasons = re.findall(r"<ram:Reason>([^<]*)</ram:Reason>", body)
        assert reasons == list(dict.fromkeys(r.code for r in result.rejections))[:20], body
        assert clean(body), body


def summary() -> dict[str, dict[str, set[str]]]:
    """kind -> code -> required element paths whose removal gives that code (for the report)."""
    out: dict[str, dict[str, set[str]]] = {}
    check = Checker()
    for case in CASES:
        if case.mutation != "remove":
            continue
        result: CheckResult = check.check(case.bytes_)
        ((where, _),) = case.expect
        code = next((r.code for r in result.rejections if r.path == where), "NONE")
        out.setdefault(case.kind, {}).setdefault(code, set()).add(case.path)
    return out


def test_no_required_element_ends_in_schema_violation_unless_named():
    for kind, by_code in summary().items():
        found = {(kind, p) for p in by_code.get(codes.SCHEMA_VIOLATION, set())}
        assert found <= SCHEMA_VIOLATION_ALLOWED
    assert len(SCHEMA_VIOLATION_ALLOWED) <= 5


def test_every_code_given_in_the_walk_is_pact_or_the_projects_own():
    for by_code in summary().values():
        assert set(by_code) <= PACT | OWN | {codes.SCHEMA_VIOLATION}


def test_the_walk_covers_every_kind_and_is_not_trivial():
    counts = {kind: len(required_elements(kind)) for kind in KINDS}
    assert all(n >= 20 for n in counts.values()), counts
    assert len(CASES) > 3 * sum(counts.values()) / 2
