"""Tests of the synthetic filing generator: schema validity, a clean check, overrides, mix, determinism."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from lxml import etree

from acid_processor import codes
from acid_processor.check import Checker, CheckResult
from acid_processor.formats.validate import SchemaRegistry
from acid_processor.model import Severity
from acid_processor.testing.synthetic import (
    DEFAULT_MIX,
    KINDS,
    PREFIX_STYLES,
    awb_number,
    check_digit,
    corpus,
    generate,
)

SCHEMA_OF = {
    "XFWB-direct": ("XFWB", "3.00"),
    "XFWB-consol": ("XFWB", "3.00"),
    "XFZB": ("XFZB", "3.00"),
    "XFHL": ("XFHL", "2.00"),
}


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry(kinds=set(SCHEMA_OF.values()))


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


@pytest.fixture(scope="module")
def checked(checker: Checker) -> list[tuple[str, bytes, CheckResult]]:
    return [(kind, raw, checker.check(raw)) for kind, raw in corpus(300, seed=11)]


def _assert_valid(registry: SchemaRegistry, kind: str, raw: bytes) -> None:
    schema = registry.schema(*SCHEMA_OF[kind])
    root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False))
    if not schema.validate(root):
        errors = "\n".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:5])
        pytest.fail(f"{kind} is not schema-valid:\n{errors}")


def _one(checker: Checker, kind: str, seed: int = 1, **overrides) -> CheckResult:
    result = checker.check(generate(kind, random.Random(seed), **overrides))
    assert result.valid, result.reasons
    assert result.filing is not None
    return result


# --- schema validity ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(12))
def test_every_kind_is_schema_valid(registry: SchemaRegistry, kind: str, seed: int) -> None:
    _assert_valid(registry, kind, generate(kind, random.Random(seed)))


@pytest.mark.parametrize("style", PREFIX_STYLES)
@pytest.mark.parametrize("indent", ["", "  ", "\t"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_prefix_style_and_layout_is_schema_valid(
    registry: SchemaRegistry, kind: str, style: str, indent: str
) -> None:
    raw = generate(kind, random.Random(5), prefix_style=style, indent=indent)
    _assert_valid(registry, kind, raw)
    if style == "default":
        assert b'xmlns="iata:' in raw and b"<ram:" in raw


def test_the_xfhl_fixture_is_the_shape_generated(registry: SchemaRegistry) -> None:
    """The hand-written XFHL example and the generated ones validate against the same schema."""
    raw = generate("XFHL", random.Random(2), prefix_style="rsm")
    root = etree.fromstring(raw)
    assert etree.QName(root).localname == "HouseManifest"
    assert len(root.findall(".//{iata:datamodel:3}IncludedHouseConsignment")) >= 2
    _assert_valid(registry, "XFHL", raw)


# --- a corpus checks clean ----------------------------------------------------------------------


def test_corpus_checks_valid_with_no_rejections(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    failures = [(kind, r.reasons) for kind, _raw, r in checked if not r.valid or r.rejections]
    assert not failures, failures[:3]
    for kind, _raw, r in checked:
        assert r.filing is not None
        assert r.kind == SCHEMA_OF[kind][0]
        if kind == "XFWB-consol":
            assert r.filing.consolidation is True and r.filing.consignments == ()
        elif kind == "XFHL":
            assert r.filing.consignments == () and r.filing.house_lines
        else:
            assert r.filing.consignments


def test_corpus_reasons_are_only_expected_warnings(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    """Nothing but the rare free-text security claim (1%) is flagged in a default corpus."""
    seen = Counter(reason.code for _kind, _raw, r in checked for reason in r.reasons)
    assert set(seen) <= {codes.SECURITY_TEXT_CLAIM}, seen
    assert all(reason.severity is Severity.WARNING for _k, _raw, r in checked for reason in r.reasons)


def test_awb_check_digits_hold(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    awbs = [r.filing.awb for _kind, _raw, r in checked if r.filing and r.filing.awb]
    assert len(awbs) == len(checked)  # every corpus filing names its master
    for awb in awbs:
        assert awb.check_digit_ok, awb.number
        assert int(awb.check_digit) == int(awb.serial) % 7
    assert len({a.prefix for a in awbs}) >= 10


def test_check_digit_helpers() -> None:
    assert check_digit(1234567) == 5
    assert awb_number("020", 1234567) == "020-12345675"
    assert awb_number("176", 7) == "176-00000070"


def test_corpus_is_varied(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    cons = [c for _k, _raw, r in checked for c in (r.filing.consignments if r.filing else ())]
    raws = [raw for _k, raw, _r in checked]
    assert len({d for c in cons for d in c.descriptions}) >= 30
    assert len({c.shipper.address.country_id for c in cons if c.shipper and c.shipper.address}) >= 15
    assert {c.gross_weight.unit for c in cons if c.gross_weight} == {"KGM", "LBR"}
    statuses = Counter(c.security.status for c in cons)
    assert statuses.most_common(1)[0][0] == "SPX"
    assert {"SPX", "SCO", "NSC", None} <= set(statuses)
    assert any(c.security.known_consignor for c in cons)
    assert any(c.security.accepting_ra for c in cons)
    assert any(m.original != m.code for c in cons for m in c.security.screening_methods)  # legacy codes
    assert any(t.subject == "CNE" for c in cons for t in c.trader_ids)
    assert any(len(code) == 10 for c in cons for code in c.hs_codes)
    assert any(len(code) == 6 for c in cons for code in c.hs_codes)
    assert any(b"&amp;" in raw for raw in raws)
    assert any(b"<PostcodeCode/>" in raw or b"<ram:PostcodeCode/>" in raw for raw in raws)
    names = [c.shipper.name for c in cons if c.shipper and c.shipper.name]
    assert any(not n.isascii() for n in names)  # accented names
    assert any(b"Name>" in raw and _has_newline_in_name(raw) for raw in raws)
    legs = {len(r.filing.routing) for _k, _raw, r in checked if r.filing and r.filing.kind == "XFWB"}
    assert legs == {1, 2, 3}


def _has_newline_in_name(raw: bytes) -> bool:
    root = etree.fromstring(raw)
    return any("\n" in (e.text or "") for e in root.iter("{iata:datamodel:3}Name"))


def test_security_notes_are_in_order(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    """ED, SM, SN and SD continue the ISS line they follow: the reader attaches them to it."""
    secured = [
        c for _k, _raw, r in checked for c in (r.filing.consignments if r.filing else ())
        if c.security.issuing_ra is not None
    ]
    assert len(secured) > 100
    for c in secured:
        assert c.security.issuing_ra.expiry, c.key
        assert c.security.issued_on_iso, c.security.issued_on
        if c.security.known_consignor:
            assert c.security.known_consignor.expiry
        if c.security.status == "SHR":
            assert len(c.security.screening_methods) >= 2


# --- overrides ----------------------------------------------------------------------------------


def test_forced_weight_in_pounds_reads_back_in_kilograms(checker: Checker) -> None:
    r = _one(checker, "XFWB-direct", weight=100, weight_unit="LBR", pieces=4)
    c = r.filing.consignments[0]
    assert c.gross_weight.unit == "LBR"
    assert c.gross_weight.value == Decimal("100.0")
    assert c.gross_weight.kg == Decimal("45.359")
    assert c.piece_count == 4
    assert sum(i.piece_count for i in c.items) == 4


def test_forced_description_and_names_read_back(checker: Checker) -> None:
    raw = generate(
        "XFWB-direct",
        random.Random(3),
        description="SPARE PARTS FOR BOEING 737 LANDING GEAR",
        shipper_name="O'BRIEN & SONS <AVIATION>\nLIMITED",
        consignee_name="Société Générale d'Équipement",
        hs_codes=["8807300000"],
    )
    assert b"O'BRIEN &amp; SONS &lt;AVIATION&gt;" in raw
    r = checker.check(raw)
    assert r.valid, r.reasons
    c = r.filing.consignments[0]
    assert c.descriptions == ("SPARE PARTS FOR BOEING 737 LANDING GEAR",)
    assert c.hs_codes == ("8807300000",)
    assert c.shipper.name == "O'BRIEN & SONS <AVIATION> LIMITED"  # the reader folds the newline
    assert c.consignee.name == "Société Générale d'Équipement"


@pytest.mark.parametrize("kind", ["XFWB-direct", "XFZB", "XFHL"])
def test_no_security_status(checker: Checker, kind: str) -> None:
    for seed in range(5):
        r = _one(checker, kind, seed=seed, security_status=None)
        for c in r.filing.consignments:
            assert c.security.status is None and c.security.status_codes == ()
            assert c.security.issuing_ra is None and not c.security.screening_methods


def test_forced_security_declaration(checker: Checker) -> None:
    r = _one(checker, "XFWB-direct", security_status="SHR", screening_methods=["XRY", "FRD"],
             known_consignor="DE/KC/01234-05", accepting_ra=True, ra_expiry="0124", sph=["EAP"])
    c = r.filing.consignments[0]
    sec = c.security
    assert sec.status == "SHR"
    assert [(m.code, m.original) for m in sec.screening_methods] == [("XRY", "XRY"), ("EDD", "FRD")]
    assert sec.known_consignor is not None and sec.known_consignor.id == "DE/KC/01234-05"
    assert sec.accepting_ra is not None
    assert sec.issuing_ra is not None and sec.issuing_ra.expiry == "0124"
    assert set(c.special_handling) == {"EAP", "SHR"}


def test_forced_routing(checker: Checker) -> None:
    legs = [("LH8160", "FRA", "LEJ", "2025-03-10T22:15:00"), ("LH8442", "LEJ", "ORD", "2025-03-11T08:00:00")]
    r = _one(checker, "XFWB-direct", origin="FRA", destination="ORD", legs=legs)
    c = r.filing.consignments[0]
    assert (c.origin, c.destination) == ("FRA", "ORD")
    assert c.shipper.address.country_id == "DE" and c.consignee.address.country_id == "US"
    assert [(m.flight, m.departure_location, m.arrival_location) for m in r.filing.routing] == [
        ("LH8160", "FRA", "LEJ"),
        ("LH8442", "LEJ", "ORD"),
    ]
    assert r.filing.routing[0].departure_time == "2025-03-10T22:15:00"
    one = _one(checker, "XFWB-direct", legs=1, origin="SIN", destination="SYD")
    assert len(one.filing.routing) == 1


def test_forced_awb_and_house_numbers(checker: Checker) -> None:
    r = _one(checker, "XFZB", awb="020-12345675", hawb="FRA-HAWB-0001", pieces=3, weight=12.5)
    assert r.filing.awb.number == "020-12345675"
    house = r.filing.consignments[0]
    assert house.hawb == "FRA-HAWB-0001" and house.piece_count == 3
    assert house.gross_weight.value == Decimal("12.5")
    early = checker.check(generate("XFZB", random.Random(4), awb=None, free_text_claim=False))
    assert early.valid and early.filing.awb is None
    assert [x.code for x in early.reasons] == [codes.MISSING_WBL_LINE]


def test_xfhl_houses(checker: Checker) -> None:
    r = _one(checker, "XFHL", houses=5, weight_unit="KGM")
    assert len(r.filing.house_lines) == 5
    total = sum(line.gross_weight.kg for line in r.filing.house_lines)
    assert abs(total - r.filing.master.gross_weight.kg) <= Decimal("0.5")
    assert sum(line.piece_count for line in r.filing.house_lines) == r.filing.master.piece_count
    spec = [
        {"hawb": "H1", "description": "MEN'S COTTON T-SHIRTS", "security_status": "SCO"},
        {"hawb": "H2", "description": "FROZEN SHRIMPS", "security_status": None},
    ]
    r = _one(checker, "XFHL", houses=spec, awb="176-00000070")
    assert r.filing.house_numbers == ("H1", "H2")
    assert r.filing.awb.number == "176-00000070"
    lines = r.filing.house_lines
    assert [x.summary_description for x in lines] == ["MEN'S COTTON T-SHIRTS", "FROZEN SHRIMPS"]
    assert [x.security.status for x in lines] == ["SCO", None]
    counts = Counter(len(_one(checker, "XFHL", seed=s).filing.house_lines) for s in range(30))
    assert min(counts) >= 2 and max(counts) <= 8 and len(counts) >= 4


def test_consolidation_master(checker: Checker) -> None:
    r = _one(checker, "XFWB-consol", description="CONSOL")
    assert r.filing.header.type_code == "741"
    assert r.filing.consolidation is True
    assert r.filing.master is not None and r.filing.master.descriptions == ("CONSOL",)


def test_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError):
        generate("XFWB-direct", random.Random(1), shiper_name="typo")
    with pytest.raises(TypeError):
        generate("XFHL", random.Random(1), houses=[{"legs": 2}])
    with pytest.raises(ValueError):
        generate("XFXX", random.Random(1))


# --- mix and determinism ------------------------------------------------------------------------


def test_corpus_respects_the_mix(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    counts = Counter(kind for kind, _raw, _r in checked)
    for kind, share in DEFAULT_MIX.items():
        assert abs(counts[kind] / len(checked) - share) <= 0.01, counts
    only = corpus(20, seed=1, mix={"XFZB": 3, "XFHL": 1})
    assert Counter(k for k, _ in only) == {"XFZB": 15, "XFHL": 5}
    with pytest.raises(ValueError):
        corpus(5, mix={"XFWB": 1.0})


def test_houses_refer_to_masters_of_the_corpus(checked: list[tuple[str, bytes, CheckResult]]) -> None:
    masters = {r.filing.awb.number for k, _raw, r in checked if k == "XFWB-consol"}
    houses = [r.filing.awb.number for k, _raw, r in checked if k in ("XFZB", "XFHL")]
    linked = sum(awb in masters for awb in houses)
    assert 0.4 < linked / len(houses) < 0.95


def test_determinism() -> None:
    assert corpus(40, seed=3) == corpus(40, seed=3)
    assert corpus(40, seed=3) != corpus(40, seed=4)
    for kind in KINDS:
        assert generate(kind, random.Random(9)) == generate(kind, random.Random(9))
        assert generate(kind, random.Random(9)) != generate(kind, random.Random(10))


def test_sizes_are_realistic() -> None:
    sizes = sorted(len(generate("XFWB-direct", random.Random(s))) for s in range(200))
    median = sizes[len(sizes) // 2]
    assert 4_000 <= median <= 9_000, median
