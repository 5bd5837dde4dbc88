"""The README's "What happens to bad input" lists every reason code the processor can give, each
with what happens and one example sentence; the schema examples are the processor's own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acid_processor import codes
from acid_processor.check import Checker

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
XFWB = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_text(encoding="utf-8")
XFZB = (FIXTURES / "samples" / "xfzb3-house.xml").read_text(encoding="utf-8")


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("### What happens to bad input")
    return text[start : text.index("\n### ", start + 1)]


def rows() -> dict[str, str]:
    """code -> the rest of its table row."""
    return {m[1]: m[2] for m in re.finditer(r"^\| `([A-Z_]+)` \|(.*)\|$", section(), re.M)}


def reason_codes() -> set[str]:
    """Every reason code in codes.py: the constants whose value is their own name."""
    return {name for name, value in vars(codes).items() if name.isupper() and value == name}


def test_every_reason_code_has_a_row_with_what_happens_and_an_example():
    listed = rows()
    assert set(listed) == reason_codes()
    for code, rest in listed.items():
        happens, example = (cell.strip() for cell in rest.split(" | ", 1))
        assert happens and example, code


def test_the_section_points_nowhere_outside_the_repository():
    text = section()
    assert "../shared" not in text and "/work/" not in text and "/home/" not in text


def edited(text: str, old: str, new: str) -> bytes:
    assert old in text, old
    return text.replace(old, new, 1).encode()


EXAMPLES = [
    (codes.BAD_WBL_FORMAT, edited(XFWB, "<ID>020-68548340</ID>", "<ID>0206854834</ID>")),
    (codes.INVALID_HOUSE_BILL_NBR, edited(XFZB, "<ID>SEL22222222</ID>", "<ID>SEL 2222</ID>")),
    (codes.MISSING_HOUSE_BILL_NBR, edited(XFZB, "<ID>SEL22222222</ID>", "<ID></ID>")),
    (codes.MISSING_SHP_NAME, edited(XFWB, "<Name>TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA</Name>", "")),
    (codes.MISSING_SHP_ADDR, edited(XFWB, "<CityName>Rio de Janeiro</CityName>", "")),
    (codes.MISSING_SHP_CTRY, edited(XFWB, "<CountryID>BR</CountryID>", "<CountryID>br</CountryID>")),
    (codes.MISSING_CNE_NAME, edited(XFWB, "<Name>MAISON DUPRE PRET-A-PORTER SARL</Name>", "<Name></Name>")),
    (codes.MISSING_CNE_ADDR, edited(XFWB, "<CityName>Roissy CDG Cedex</CityName>", "")),
    (codes.MISSING_CNE_CTRY, edited(XFWB, "<CountryID>FR</CountryID>", "<CountryID>XX</CountryID>")),
    (
        codes.MISSING_WEIGHT,
        edited(
            XFWB, '<IncludedTareGrossWeightMeasure unitCode="KGM">36.9</IncludedTareGrossWeightMeasure>', ""
        ),
    ),
    (
        codes.INVALID_WEIGHT,
        edited(XFWB, 'unitCode="KGM">36.9</IncludedTare', 'unitCode="KGM">0</IncludedTare'),
    ),
    (
        codes.MISSING_WT_UNITS,
        edited(
            XFWB,
            '<IncludedTareGrossWeightMeasure unitCode="KGM">',
            '<IncludedTareGrossWeightMeasure unitCode="TON">',
        ),
    ),
    (codes.MISSING_BILL_QTY, edited(XFWB, "<TotalPieceQuantity>4</TotalPieceQuantity>", "")),
    (codes.INVALID_BILL_QTY, edited(XFWB, "<TotalPieceQuantity>4<", "<TotalPieceQuantity>4.5<")),
    (
        codes.MISSING_CARGO_DESC,
        re.sub(rb"<SummaryDescription>[^<]*<", b"<SummaryDescription><", XFZB.encode(), count=1),
    ),
    (codes.INVALID_MESSAGE_TYPE, edited(XFWB, "<TypeCode>740</TypeCode>", "<TypeCode>703</TypeCode>")),
    (
        codes.INVALID_ROUTING,
        edited(XFWB, "<ID>VCP</ID>\n    </OriginLocation>", "<ID>vcp</ID>\n    </OriginLocation>"),
    ),
    (
        codes.INVALID_HEADER,
        edited(XFWB, "<IssueDateTime>2026-11-20T14:51:00+01:00", "<IssueDateTime>20.11.2026 14:51"),
    ),
    (
        codes.INVALID_CHARGES,
        edited(XFWB, "<TotalChargePrepaidIndicator>true", "<TotalChargePrepaidIndicator>yes"),
    ),
    (
        codes.INVALID_HANDLING,
        edited(XFWB, "<DescriptionCode>SPX</DescriptionCode>", "<DescriptionCode></DescriptionCode>"),
    ),
    (
        codes.INVALID_CUSTOMS_INFO,
        edited(
            XFWB,
            "<SubjectCode>SHP</SubjectCode>\n      <CountryID>BR<",
            "<SubjectCode>SHP</SubjectCode>\n      <CountryID>ZZ<",
        ),
    ),
    (codes.INVALID_PARTY, edited(XFWB, "<Name>SCHENKER DO BRASIL TRANS INTERNACIO</Name>", "")),
    (
        codes.INVALID_CARGO_DETAIL,
        edited(XFWB, '<GrossVolumeMeasure unitCode="MTQ">', '<GrossVolumeMeasure unitCode="BBL">'),
    ),
    (
        codes.INVALID_CNE_NAME,
        edited(XFWB, "MAISON DUPRE PRET-A-PORTER SARL", "MAISON DUPRE PRET-A-PORTER SARL " + "X" * 40),
    ),
    (
        codes.INVALID_CNE_ADDR,
        edited(
            XFWB, "<StreetName>Rue du Pied Sec Zone de Fret n2</StreetName>", "<StreetName>.....</StreetName>"
        ),
    ),
    (codes.INVALID_DESCRIPTION, edited(XFWB, "MEN'S COTTON T-SHIRTS, KNITTED", "12345")),
]


@pytest.mark.parametrize(("code", "raw"), EXAMPLES, ids=[code for code, _ in EXAMPLES])
def test_the_example_sentence_is_what_the_processor_says(code, raw):
    result = Checker().check(raw)
    details = [r.detail for r in result.reasons if r.code == code]
    assert details, [(r.code, r.detail) for r in result.reasons]
    assert f"`{details[0]}`" in rows()[code]
