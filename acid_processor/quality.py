"""Data quality of the 7+1 set, with PACT reason codes (docs/domain.md §5.3 and §7).

Missing mandatory data rejects the filing. Values that are present but junk (no letters at all, one
character repeated, only a file extension) cannot be assessed: they are RFI reasons, so the filing
is acknowledged and the consignment held for information. Observations that need no action from
the filer (a failing AWB check digit, security claims in free text) are warnings.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from acid_processor import codes
from acid_processor.model import Consignment, Filing, HouseLine, Party, Reason, SecurityDeclaration, Severity

_LETTER = re.compile(r"[^\W\d_]")
_FILE_EXTENSION = re.compile(
    r"^\.?(?:pdf|docx?|xlsx?|csv|txt|rtf|xml|json|jpe?g|png|gif|bmp|tiff?|zip|rar|7z|msg|eml|html?)$",
    re.IGNORECASE,
)
_CONSOL_WORDS = re.compile(r"\bCONSOL(?:IDATION|IDATED)?\b|\bAS PER (?:ATTACHED )?MANIFEST\b", re.I)
_FORWARDER_WORDS = re.compile(r"\b(?:FORWARD\w*|LOGISTI\w*|FREIGHT|SHIPPING|CARGO|EXPRESS)\b", re.I)
MAX_HOUSE_NUMBER = 35


def junk_kind(value: str) -> str | None:
    """Why a name, address or description value is junk, or None when it is plausible text."""
    compact = "".join(value.split())
    if not compact:
        return "is blank"
    if _FILE_EXTENSION.match(compact):
        return "is only a file extension"
    if len(compact) >= 3 and len(set(compact.upper())) == 1:
        return "is one character repeated"
    if not _LETTER.search(compact):
        if compact.isdigit():
            return "is made only of digits"
        return "has no letters (only digits, blanks or special characters)"
    return None


def check_filing(filing: Filing) -> list[Reason]:
    """Every data-quality reason of a filing, in document order."""
    reasons: list[Reason] = []
    header = filing.header
    if (header.purpose or "").strip().lower() == "deletion":
        reasons.append(
            Reason(
                codes.UNSUPPORTED_PURPOSE,
                "Cancellations are not supported: send an update with the corrected data instead.",
                path=f"{_root(filing)}/MessageHeaderDocument/PurposeCode",
            )
        )
    if filing.kind == "XFFM":
        return reasons  # a departed flight is acknowledged, not assessed
    if filing.kind == "XFWB":
        reasons.extend(_awb_reasons(filing))
        if filing.master is not None:
            reasons.extend(_consignment_reasons(filing.master))
            if not filing.consolidation:
                reasons.extend(_consolidation_indicator(filing.master))
    else:
        if filing.awb is None:
            reasons.append(
                Reason(
                    codes.MISSING_WBL_LINE,
                    "The master air waybill number is not given; the house is accepted and must be "
                    "sent again with it.",
                    path=f"{_root(filing)}/MasterConsignment/TransportContractDocument",
                    severity=Severity.WARNING,
                )
            )
        else:
            reasons.extend(_awb_reasons(filing))
        for house in filing.consignments:
            reasons.extend(_consignment_reasons(house))
        for line in filing.house_lines:
            reasons.extend(_house_line_reasons(line))
    return reasons


def _house_line_reasons(line: HouseLine) -> list[Reason]:
    """A house manifest line: its totals must be usable; the rest is the house's XFZB's business."""
    out = []
    if line.piece_count is not None and line.piece_count <= 0:
        out.append(
            Reason(
                codes.INVALID_BILL_QTY,
                f"House {line.hawb}: the number of pieces is {line.piece_count}; it must be at least 1.",
                path=f"{line.path}/TotalPieceQuantity",
            )
        )
    if line.gross_weight is not None and line.gross_weight.value <= 0:
        out.append(
            Reason(
                codes.INVALID_WEIGHT,
                f"House {line.hawb}: the gross weight is {line.gross_weight.value}; "
                "it must be more than zero.",
                path=f"{line.path}/GrossWeightMeasure",
            )
        )
    out.extend(_security_reasons(line.security, line.path))
    return out


def _root(filing: Filing) -> str:
    return {"XFWB": "Waybill", "XFZB": "HouseWaybill", "XFHL": "HouseManifest"}.get(
        filing.kind, "FlightManifest"
    )


def _awb_reasons(filing: Filing) -> list[Reason]:
    awb = filing.awb
    if awb is None:
        return []
    path = (
        "Waybill/BusinessHeaderDocument/ID"
        if filing.kind == "XFWB"
        else f"{_root(filing)}/MasterConsignment/TransportContractDocument/ID"
    )
    out = []
    filed = (filing.awb_text or "").strip()
    if filed and "-" not in filed:
        out.append(
            Reason(
                codes.AWB_NORMALISED,
                f"AWB {filed} is read as {awb.number}; please send it as PPP-SSSSSSSC with the hyphen.",
                path=path,
                severity=Severity.WARNING,
            )
        )
    if awb.check_digit_ok:
        return out
    expected = int(awb.serial) % 7
    out.append(
        Reason(
            codes.AWB_CHECK_DIGIT,
            f"AWB {awb.number}: the check digit should be {expected} (serial {awb.serial} mod 7); "
            "accepted, please verify the number.",
            path=path,
            severity=Severity.WARNING,
        )
    )
    return out


class _PartyCodes(NamedTuple):
    label: str
    element: str
    missing_name: str
    invalid_name: str
    missing_address: str
    invalid_address: str
    missing_country: str


_PARTY_CODES = {
    "SHP": _PartyCodes(
        "shipper",
        "ConsignorParty",
        codes.MISSING_SHP_NAME,
        codes.INVALID_SHP_NAME,
        codes.MISSING_SHP_ADDR,
        codes.INVALID_SHP_ADDR,
        codes.MISSING_SHP_CTRY,
    ),
    "CNE": _PartyCodes(
        "consignee",
        "ConsigneeParty",
        codes.MISSING_CNE_NAME,
        codes.INVALID_CNE_NAME,
        codes.MISSING_CNE_ADDR,
        codes.INVALID_CNE_ADDR,
        codes.MISSING_CNE_CTRY,
    ),
}


def _party_reasons(party: Party | None, role: str, path: str) -> list[Reason]:
    """Missing name/address/country rejects; junk name or address asks for information."""
    pc = _PARTY_CODES[role]
    label, element = pc.label, pc.element
    where = f"{path}/{element}"
    if party is None:
        return [Reason(pc.missing_name, f"The {label} is missing.", path=where)]
    out = []
    if not party.name:
        out.append(Reason(pc.missing_name, f"The {label} name is missing.", path=f"{where}/Name"))
    elif why := junk_kind(party.name):
        out.append(
            Reason(
                pc.invalid_name,
                f"The {label} name {party.name!r} {why}.",
                path=f"{where}/Name",
                severity=Severity.RFI,
            )
        )
    address = party.address
    address_path = f"{where}/PostalStructuredAddress"
    if address is None or not (address.street or address.po_box) or not address.city:
        out.append(
            Reason(
                pc.missing_address,
                f"The {label} address needs a street (or PO box) and a city.",
                path=address_path,
            )
        )
    else:
        for field, value in (("StreetName", address.street), ("CityName", address.city)):
            if value and (why := junk_kind(value)):
                out.append(
                    Reason(
                        pc.invalid_address,
                        f"The {label} address {value!r} {why}.",
                        path=f"{address_path}/{field}",
                        severity=Severity.RFI,
                    )
                )
    if address is None or not address.country_id:
        out.append(
            Reason(
                pc.missing_country,
                f"The {label} country code is missing.",
                path=f"{address_path}/CountryID",
            )
        )
    return out


def _consignment_reasons(c: Consignment) -> list[Reason]:
    out: list[Reason] = []
    if c.level == "house":
        if not c.hawb:
            out.append(
                Reason(codes.MISSING_HOUSE_BILL_NBR, "The house waybill number is missing.", path=c.path)
            )
        elif len(c.hawb) > MAX_HOUSE_NUMBER:
            out.append(
                Reason(
                    codes.INVALID_HOUSE_BILL_NBR,
                    f"The house waybill number is {len(c.hawb)} characters; at most {MAX_HOUSE_NUMBER}.",
                    path=f"{c.path}/ID",
                )
            )
    out.extend(_party_reasons(c.shipper, "SHP", c.path))
    out.extend(_party_reasons(c.consignee, "CNE", c.path))

    if c.piece_count is None:
        out.append(Reason(codes.MISSING_BILL_QTY, "The total number of pieces is missing.", path=c.path))
    elif c.piece_count <= 0:
        out.append(
            Reason(
                codes.INVALID_BILL_QTY,
                f"The total number of pieces is {c.piece_count}; it must be at least 1.",
                path=f"{c.path}/TotalPieceQuantity",
            )
        )
    weight_path = f"{c.path}/IncludedTareGrossWeightMeasure"
    if c.gross_weight is None:
        out.append(Reason(codes.MISSING_WEIGHT, "The total gross weight is missing.", path=c.path))
    else:
        if c.gross_weight.unit is None:
            out.append(
                Reason(codes.MISSING_WT_UNITS, "The weight has no unit (KGM or LBR).", path=weight_path)
            )
        elif c.gross_weight.kg is None:
            out.append(
                Reason(
                    codes.MISSING_WT_UNITS,
                    f"The weight unit {c.gross_weight.unit!r} is not KGM or LBR.",
                    path=weight_path,
                )
            )
        if c.gross_weight.value <= 0:
            out.append(
                Reason(
                    codes.INVALID_WEIGHT,
                    f"The total gross weight is {c.gross_weight.value}; it must be more than zero.",
                    path=weight_path,
                )
            )

    descriptions = c.descriptions
    if not descriptions:
        out.append(Reason(codes.MISSING_CARGO_DESC, "No goods description is given.", path=c.path))
    for text in descriptions:
        if why := junk_kind(text):
            out.append(
                Reason(
                    codes.INVALID_DESCRIPTION,
                    f"The goods description {text!r} {why}.",
                    path=c.path,
                    severity=Severity.RFI,
                )
            )

    out.extend(_security_reasons(c.security, c.path))
    return out


def _security_reasons(sec: SecurityDeclaration, path: str) -> list[Reason]:
    """Warnings on a security declaration: conflicting statuses, codes outside the lists, claims
    made in free text. None of them rejects; the rules judge the declaration as read."""
    out: list[Reason] = []
    if sec.conflicting:
        out.append(
            Reason(
                codes.SECURITY_STATUS_CONFLICT,
                f"Several security statuses are filed ({', '.join(sec.status_codes)}); the weakest, "
                f"{sec.status}, is read. Send one status.",
                path=path,
                severity=Severity.WARNING,
            )
        )
    if sec.unknown_screening_methods:
        out.append(
            Reason(
                codes.UNKNOWN_SCREENING_METHOD,
                f"Screening method code(s) {', '.join(sec.unknown_screening_methods)} are not in the list "
                f"({', '.join(codes.SCREENING_METHODS)}) and do not count as screening.",
                path=path,
                severity=Severity.WARNING,
            )
        )
    if sec.unknown_exemptions:
        out.append(
            Reason(
                codes.UNKNOWN_EXEMPTION,
                f"Exemption code(s) {', '.join(sec.unknown_exemptions)} are not in the list "
                f"({', '.join(sorted(codes.EXEMPTIONS))}) and exempt nothing.",
                path=path,
                severity=Severity.WARNING,
            )
        )
    for claim in sec.free_text_claims:
        out.append(
            Reason(
                codes.SECURITY_TEXT_CLAIM,
                f"A security claim is made in free text, not in the security declaration: {claim!r}.",
                path=path,
                severity=Severity.WARNING,
            )
        )
    return out


def _consolidation_indicator(master: Consignment) -> list[Reason]:
    """MISSING_CONSOL_INDI: a direct AWB whose description says it is a consolidation; a warning
    when only the parties (forwarder to forwarder) suggest it."""
    if any(_CONSOL_WORDS.search(d) for d in master.descriptions):
        return [
            Reason(
                codes.MISSING_CONSOL_INDI,
                "The goods description says this is a consolidation, but the waybill is filed as a "
                "direct shipment (TypeCode 740 without header note C).",
                path=master.path,
            )
        ]
    names = [p.name for p in (master.shipper, master.consignee) if p and p.name]
    if len(names) == 2 and all(_FORWARDER_WORDS.search(n) for n in names):
        return [
            Reason(
                codes.MISSING_CONSOL_INDI,
                "Shipper and consignee both look like forwarders, which suggests a consolidation filed "
                "as a direct shipment.",
                path=master.path,
                severity=Severity.WARNING,
            )
        ]
    return []
