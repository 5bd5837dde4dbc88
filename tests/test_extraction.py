"""Reading real filings exactly: one fixture per edge case (fixtures/edge/), the public samples and
the security declaration's order-dependent OCI rules. Each test states what the record must say."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from acid_processor.check import Checker
from acid_processor.model import Severity, to_jsonable
from acid_processor.security import CustomsNote, parse_issued_on, read_security

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EDGE = FIXTURES / "edge"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker()


def read(checker: Checker, path: Path):
    result = checker.check(path.read_bytes())
    return result


def only(result):
    assert result.filing is not None, result.reasons
    (c,) = result.filing.consignments
    return c


def codes(result, severity: Severity | None = None) -> list[str]:
    return [r.code for r in result.reasons if severity is None or r.severity is severity]


def test_clean_direct_waybill_record(checker):
    r = read(checker, FIXTURES / "assess/xfwb-direct-clean.xml")
    assert r.valid and r.reasons == ()
    f = r.filing
    assert (f.kind, f.header.version, f.header.type_code, f.header.purpose) == (
        "XFWB",
        "3.00",
        "740",
        "Creation",
    )
    assert f.header.message_id == "020-68548340_direct-clean-0001"
    assert f.header.sender_ids == ("RIEGESOFTWARE", "REUAGT82SHNK/RIO01")
    assert f.header.recipient_ids == ("CHAMP", "REUAIR08DLH")
    assert f.consolidation is False
    assert f.awb.number == "020-68548340" and f.awb.prefix == "020" and f.awb.check_digit_ok
    c = only(r)
    assert c.level == "master" and c.hawb is None and c.key == "020-68548340"
    assert c.shipper.name == "TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA"
    assert c.shipper.address.city == "Rio de Janeiro" and c.shipper.address.country_id == "BR"
    assert c.shipper.phones == ("552134785400",)
    assert c.consignee.address.street == "Rue du Pied Sec Zone de Fret n2"
    assert c.piece_count == 4
    assert c.gross_weight.kg == Decimal("36.900") and c.gross_weight.unit == "KGM"
    assert c.descriptions == ("MEN'S COTTON T-SHIRTS, KNITTED",)
    assert (c.origin, c.destination) == ("VCP", "CDG")
    (leg,) = f.routing
    assert (leg.flight, leg.carrier, leg.departure_location, leg.arrival_location) == (
        "LH5050",
        "LH",
        "VCP",
        "FRA",
    )
    assert leg.departure_time == "2021-02-20T00:00:00"
    sec = c.security
    assert sec.status == "SPX" and sec.issuing_ra.id == "BR/RA/00412-03" and sec.issuing_ra.expiry == "1228"
    assert [m.code for m in sec.screening_methods] == ["XRY"]
    assert sec.issued_by == "JOAO SILVA" and sec.issued_on_iso == "2026-11-20T11:30"
    assert [(t.subject, t.content_code, t.value) for t in c.trader_ids][:2] == [
        ("SHP", "T", "43.823.079 0012-16"),
        ("SHP", "CT", "552134785400"),
    ]


def test_weight_in_pounds_is_normalised_and_the_original_kept(checker):
    c = only(read(checker, EDGE / "xfwb-weight-in-pounds.xml"))
    assert c.gross_weight.value == Decimal("81.4") and c.gross_weight.unit == "LBR"
    assert c.gross_weight.kg == Decimal("36.922")  # 81.4 × 0.45359237
    assert c.items[0].gross_weight.kg == Decimal("36.922")


@pytest.mark.parametrize("name", ["xfwb-prefixes-ns0.xml", "xfwb-default-namespace-message.xml"])
def test_prefixes_do_not_matter(checker, name):
    clean = read(checker, FIXTURES / "assess/xfwb-direct-clean.xml")
    other = read(checker, EDGE / name)
    assert other.valid and other.reasons == ()
    assert to_jsonable(other.filing) == to_jsonable(clean.filing)


def test_legacy_screening_codes_are_normalised_with_the_original_kept(checker):
    sec = only(read(checker, EDGE / "xfwb-legacy-screening-codes.xml")).security
    assert [(m.code, m.original) for m in sec.screening_methods] == [
        ("EDD", "FRD"),
        ("ETD", "PRT"),
        ("CMD", "MDE"),
    ]


def test_oci_notes_follow_their_order(checker):
    sec = only(read(checker, EDGE / "xfwb-oci-order-kc-and-oss.xml")).security
    kc, iss, oss = sec.known_consignor, sec.issuing_ra, sec.accepting_ra
    assert (kc.kind, kc.id, kc.expiry, kc.role, kc.country) == ("KC", "BR/KC/00077-01", "0327", "ISS", "BR")
    assert (iss.id, iss.expiry) == ("BR/RA/00412-03", "1228")
    assert (oss.kind, oss.id, oss.expiry, oss.role, oss.country) == (
        "RA",
        "DE/RA/09981-02",
        "0629",
        "OSS",
        "DE",
    )
    assert [m.code for m in sec.screening_methods] == ["XRY", "EDD"]


def test_exemption_code(checker):
    assert only(read(checker, EDGE / "xfwb-exemption-mail.xml")).security.exemptions == ("MAIL",)


def test_free_text_security_claim_is_kept_and_flagged(checker):
    r = read(checker, EDGE / "xfwb-free-text-security-claim.xml")
    assert r.valid
    assert only(r).security.free_text_claims == ("SPX BY KC DE/RA/00276-01 SCREENED XRY",)
    assert codes(r, Severity.WARNING) == ["SECURITY_TEXT_CLAIM"]


def test_newlines_inside_names_and_an_empty_postcode(checker):
    c = only(read(checker, EDGE / "xfwb-names-with-newlines.xml"))
    assert c.shipper.name == "TEXTIL BOA VISTA INDUSTRIA E COMERCIO LTDA"
    assert c.shipper.address.street == "Rua da Quitanda 191 Centro"
    assert c.shipper.address.postcode is None


def test_failing_check_digit_is_a_warning_not_a_rejection(checker):
    r = read(checker, EDGE / "xfwb-check-digit-fails.xml")
    assert r.valid and codes(r) == ["AWB_CHECK_DIGIT"]
    assert r.filing.awb.number == "000-12345623" and not r.filing.awb.check_digit_ok
    assert "should be 0" in r.reasons[0].detail  # serial 1234562 mod 7 = 0


def test_direct_waybill_described_as_a_consolidation_is_rejected(checker):
    r = read(checker, EDGE / "xfwb-direct-described-as-consolidation.xml")
    assert not r.valid and codes(r, Severity.REJECT) == ["MISSING_CONSOL_INDI"]
    assert r.filing is not None  # the record is still there for the operator


def test_header_note_c_makes_a_consolidation(checker):
    r = read(checker, EDGE / "xfwb-consolidation-by-header-note.xml")
    assert r.valid and r.filing.consolidation is True
    assert r.filing.consignments == () and r.filing.master.key == "020-68548340"


def test_junk_name_is_an_rfi_reason(checker):
    r = read(checker, EDGE / "xfwb-junk-shipper-name.xml")
    assert r.valid
    (reason,) = r.reasons
    assert (reason.code, reason.severity) == ("INVALID_SHP_NAME", Severity.RFI)
    assert reason.path == "Waybill/MasterConsignment/ConsignorParty/Name"


@pytest.mark.parametrize(
    ("name", "code", "path_start"),
    [
        ("xfwb-missing-consignee-name.xml", "MISSING_CNE_NAME", "Waybill/MasterConsignment/ConsigneeParty"),
        ("xfwb-zero-pieces.xml", "INVALID_BILL_QTY", "Waybill/MasterConsignment/TotalPieceQuantity"),
        ("xfwb-deletion.xml", "UNSUPPORTED_PURPOSE", "Waybill/MessageHeaderDocument/PurposeCode"),
        ("xfwb-unsupported-version.xml", "INVALID_MESSAGE_TYPE", "Waybill/MessageHeaderDocument/VersionID"),
        ("xfwb-bad-awb-format.xml", "BAD_WBL_FORMAT", "Waybill/BusinessHeaderDocument/ID"),
        (
            "xfwb-unknown-country.xml",
            "MISSING_CNE_CTRY",
            "Waybill/MasterConsignment/ConsigneeParty/PostalStructuredAddress/CountryID",
        ),
        (
            "xfzb-house-number-too-long.xml",
            "INVALID_HOUSE_BILL_NBR",
            "HouseWaybill/BusinessHeaderDocument/ID",
        ),
    ],
)
def test_rejections_carry_the_pact_code_and_where(checker, name, code, path_start):
    r = read(checker, EDGE / name)
    assert not r.valid
    first = r.rejections[0]
    assert first.code == code
    assert first.path.startswith(path_start)
    assert first.detail


def test_conflicting_statuses_read_the_weakest_claim(checker):
    r = read(checker, EDGE / "xfwb-conflicting-security-statuses.xml")
    sec = only(r).security
    assert sec.status == "NSC" and sec.status_codes == ("SPX", "NSC") and sec.conflicting
    assert "SECURITY_STATUS_CONFLICT" in codes(r, Severity.WARNING)


def test_house_before_its_master(checker):
    r = read(checker, EDGE / "xfzb-house-before-master.xml")
    assert r.valid and codes(r) == ["MISSING_WBL_LINE"]
    c = only(r)
    assert c.awb is None and c.hawb == "SEL22222222" and c.key == "SEL22222222"


def test_shared_house_sample(checker):
    r = read(checker, FIXTURES / "samples/xfzb3-house.xml")
    assert r.valid
    c = only(r)
    assert (c.level, c.awb.number, c.hawb) == ("house", "888-11111111", "SEL22222222")
    assert c.summary_description.startswith("SPARE PARTS F345732-D")
    assert c.items[0].hs_codes == ("1133557799",) and c.items[0].description == "SPARE PARTS"
    assert (c.origin, c.destination) == ("ICN", "FDH")
    assert c.security.status is None
    assert r.filing.master.piece_count == 59 and r.filing.master.gross_weight.kg == Decimal("2217.000")


def test_shared_samples_hs_codes_and_multi_line_descriptions(checker):
    r = read(checker, FIXTURES / "samples/xfwb3-multiple-uld-hs-codes.xml")
    master = r.filing.master
    assert r.filing.consolidation and r.filing.awb.number == "888-11111111"
    assert master.hs_codes and all(code.isdigit() for code in master.hs_codes)
    us = read(checker, FIXTURES / "samples/xfwb3-consolidation-us-security.xml").filing.master
    assert us.descriptions[0].startswith("CONSOLIDATION AS PER ATTACHED MANIFEST SECURE CARGO")
    assert us.security.issuing_ra.id == "01234-01" and us.security.issuing_ra.expiry == "1299"
    assert us.security.issued_by == "MR. SECURITY OFFICER" and us.security.issued_on_iso == "2021-04-13T11:47"


def test_house_manifest_links_the_master_to_each_house_line(checker):
    r = read(checker, FIXTURES / "valid/xfhl-two-houses.xml")
    f = r.filing
    assert r.valid and f.consignments == () and f.awb.number == "123-45678902"
    assert (f.master.piece_count, f.master.gross_weight.kg) == (3, Decimal("125.000"))
    first, second = f.house_lines
    assert (first.hawb, first.sequence, first.piece_count, first.gross_weight.kg) == (
        "MAA12326064",
        1,
        1,
        Decimal("77.000"),
    )
    assert (first.summary_description, first.origin, first.destination) == ("ELECTRIC MOTOR", "MAA", "YYZ")
    assert first.security.status == "SPX" and first.security.issuing_ra.id == "IN/RA/00311-02"
    assert (second.hawb, second.package_count, second.ssr) == (
        "MAA12326075",
        2,
        ("DELIVER TO CONSIGNEE DOCK 4",),
    )
    assert second.security.status is None
    assert [line.path for line in f.house_lines] == [
        "HouseManifest/MasterConsignment/IncludedHouseConsignment[1]",
        "HouseManifest/MasterConsignment/IncludedHouseConsignment[2]",
    ]
    assert f.house_numbers == ("MAA12326064", "MAA12326075")


def test_flight_manifest_gives_the_flight_and_its_awbs(checker):
    r = read(checker, FIXTURES / "valid/xffm3-flight-manifest.xml")
    m = r.filing.manifest
    assert r.valid and m.flight == "WS2569" and m.departure_location == "MXP"
    assert m.awbs == ("838-12345620", "838-12345631") and m.arrival_locations == ("YVR",)
    pact = read(checker, FIXTURES / "samples/xffm2-flight-manifest.xml").filing.manifest
    assert (pact.flight, pact.departure_location, pact.departure_time) == (
        "XX1234",
        "PVG",
        "2023-03-30T00:00:00",
    )
    assert pact.awbs == ()


def test_oci_continuation_without_a_preceding_entry_is_ignored_not_misattributed():
    sec, _ = read_security(
        ["SPX"], [CustomsNote("ED", "1226", None, None), CustomsNote("RA", "X/RA/1", "ISS", "XX")]
    )
    assert sec.issuing_ra.expiry is None


def test_issued_on_dates():
    assert parse_issued_on("06JAN231602") == "2023-01-06T16:02"
    assert parse_issued_on("31FEB231602") is None and parse_issued_on("garbage") is None


def test_indentation_is_dropped_but_blank_content_is_kept():
    """The reader drops indentation between elements (no mixed content in Cargo-XML), never the
    whole content of a leaf: a blank name must still read as blank, not as absent."""
    from acid_processor.formats.safe_xml import SafeXmlReader

    root, problem = SafeXmlReader().parse(
        b"<a>\n  <b>   </b>\n  <c><![CDATA[ x ]]>  </c>\n  <d>\n  </d>\n</a>"
    )
    assert problem is None and root is not None
    b, c, d = root
    assert root.text is None and b.tail is None
    assert b.text == "   "
    assert c.text == " x   "
    assert d.text == "\n  "


def test_blank_consignee_name_is_not_read_as_absent(checker):
    raw = (FIXTURES / "assess" / "xfwb-direct-clean.xml").read_bytes()
    start = raw.index(b"<ConsigneeParty>")
    name_start = raw.index(b"<Name>", start) + len(b"<Name>")
    name_end = raw.index(b"</Name>", name_start)
    blank = checker.check(raw[:name_start] + b"    " + raw[name_end:])
    # Four blanks pass the schema's minLength and are then found missing by the data-quality check;
    # an empty element fails the schema instead, with the same code at the same path.
    assert [(r.code, r.path) for r in blank.reasons] == [
        ("MISSING_CNE_NAME", "Waybill/MasterConsignment/ConsigneeParty/Name")
    ]
