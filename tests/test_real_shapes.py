"""Real traffic is the judge: house filings and manifests in the shapes other systems send them
(fixtures/real-shapes/, written by the project in those shapes) are accepted and read right, and
the schemas stay strict where the 7+1 data is missing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from acid_processor import codes
from acid_processor.check import Checker
from acid_processor.model import Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = FIXTURES / "real-shapes"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def warnings(result) -> list[str]:
    return [r.code for r in result.reasons if r.severity is Severity.WARNING]


def edit(path: Path, *pairs: tuple[str, str]) -> bytes:
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def test_every_real_shape_is_accepted(checker):
    for path in sorted(REAL.glob("*.xml")):
        r = checker.check(path.read_bytes())
        assert r.valid, (path.name, r.reasons)
        assert not r.rejections


def test_a_house_numbered_only_in_its_business_header(checker):
    r = checker.check((REAL / "xfzb-number-only-in-header.xml").read_bytes())
    (house,) = r.filing.consignments
    assert (house.hawb, house.key) == ("SEL22222222", "888-11111111/SEL22222222")
    assert house.items[0].sequence is None and house.items[0].hs_codes == ("1133557799",)
    assert warnings(r) == []


def test_an_eleven_digit_awb_is_normalised_and_the_carrier_told(checker):
    r = checker.check((REAL / "xfzb-density-group-and-11-digit-awb.xml").read_bytes())
    (house,) = r.filing.consignments
    assert r.filing.awb.number == "888-11111111" and r.filing.awb_text == "88811111111"
    assert house.key == "888-11111111/SEL22222222"  # the same consignment as the hyphenated filing
    assert warnings(r) == [codes.AWB_NORMALISED]
    (w,) = r.reasons
    assert w.path == "HouseWaybill/MasterConsignment/TransportContractDocument/ID"
    assert "888-11111111" in w.detail


def test_version_3_and_empty_codes_are_read_as_sent(checker):
    r = checker.check((REAL / "xfwb-version-3-empty-codes.xml").read_bytes())
    assert (r.kind, r.version, r.filing.header.version) == ("XFWB", "3.00", "3")
    (c,) = r.filing.consignments
    assert c.routing[0].stage is None and c.routing[0].flight == "LH5050"
    sec = c.security  # the free line with an empty ContentCode changes nothing in the e-CSD
    assert (sec.status, sec.issued_by, [m.code for m in sec.screening_methods]) == (
        "SPX",
        "JOAO SILVA",
        ["XRY"],
    )


def test_a_manifest_as_sent_links_its_houses(checker):
    r = checker.check((REAL / "xfhl-lines-as-sent.xml").read_bytes())
    f = r.filing
    assert f.awb.number == "020-71234564" and f.document_id == "4417730021"
    assert [line.hawb for line in f.house_lines] == ["4417730021", "4417730032"]
    first, second = f.house_lines
    assert first.gross_weight.kg == Decimal("31.100") and first.summary_description.startswith("HYDRAULIC")
    assert first.security.status is None and first.security.free_text_claims
    assert second.security.status == "SPX" and second.security.known_consignor.id == "DE/KC/01187-02"
    assert warnings(r) == [codes.AWB_NORMALISED, codes.SECURITY_TEXT_CLAIM]


@pytest.mark.parametrize(
    ("name", "pairs", "code"),
    [
        (
            "xfhl-lines-as-sent.xml",
            [("<TransportContractDocument><ID>4417730021</ID></TransportContractDocument>", "")],
            codes.MISSING_HOUSE_BILL_NBR,
        ),
        (
            "xfhl-lines-as-sent.xml",
            [('<GrossWeightMeasure unitCode="KGM">31.1</GrossWeightMeasure>', "")],
            codes.MISSING_WEIGHT,
        ),
        (
            "xfhl-lines-as-sent.xml",
            [
                (
                    '<GrossWeightMeasure unitCode="KGM">31.1</GrossWeightMeasure>',
                    "<GrossWeightMeasure>31.1</GrossWeightMeasure>",
                )
            ],
            codes.MISSING_WT_UNITS,
        ),
        ("xfzb-number-only-in-header.xml", [("<ID>SEL22222222</ID>", "")], codes.MISSING_HOUSE_BILL_NBR),
        (
            "xfzb-density-group-and-11-digit-awb.xml",
            [("<ID>88811111111</ID>", "<ID>8881111111</ID>")],
            codes.BAD_WBL_FORMAT,
        ),
    ],
)
def test_still_strict_where_the_7_plus_1_data_is_missing_or_wrong(checker, name, pairs, code):
    r = checker.check(edit(REAL / name, *pairs))
    assert not r.valid
    assert r.rejections[0].code == code
