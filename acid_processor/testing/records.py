"""Record factories: a clean, realistic consignment and filing built in code, changed with keyword
arguments, so that a rule or the lifecycle can be unit-tested without editing XML text.

The defaults describe one secured direct shipment (SPX by a regulated agent, X-ray, a passenger
flight FRA-YUL) that the default policy assesses as complete; each test changes only what it is
about: `consignment(security=security(status="NSC"))`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from acid_processor.model import (
    Address,
    AwbNumber,
    Consignment,
    Designation,
    Filing,
    Item,
    MessageHeader,
    Movement,
    Party,
    ScreeningMethod,
    SecurityDeclaration,
    Weight,
)
from acid_processor.security import parse_issued_on

__all__ = [
    "address",
    "consignment",
    "filing",
    "header",
    "house",
    "movement",
    "party",
    "security",
    "weight",
]

DEFAULT_AWB = "020-68548340"


def address(**changes: Any) -> Address:
    """A complete street address (Frankfurt by default)."""
    base = Address(street="Hanauer Landstrasse 12", city="Frankfurt", postcode="60314", country_id="DE")
    return replace(base, **changes)


def party(name: str | None = "NORDWERK PRAEZISIONSTEILE GMBH", **changes: Any) -> Party:
    """A shipper or consignee with a full address."""
    changes.setdefault("address", address())
    return Party(name=name, **changes)


def weight(kg: str | int | float = "120.5", unit: str = "KGM") -> Weight:
    """A weight in kilograms (or as filed in another unit, normalised as the reader does)."""
    value = Decimal(str(kg))
    factor = {"KGM": Decimal(1), "LBR": Decimal("0.45359237")}.get(unit)
    return Weight(value, unit, (value * factor).quantize(Decimal("0.001")) if factor else None)


def security(
    status: str | None = "SPX",
    *,
    methods: tuple[str, ...] = ("XRY",),
    issuing_ra: str | None = "DE/RA/01234-01",
    expiry: str | None = "1229",
    issued_on: str | None = "20NOV261130",
    **changes: Any,
) -> SecurityDeclaration:
    """A security declaration; by default SPX issued by a regulated agent after an X-ray."""
    designation = Designation("RA", issuing_ra, "DE", expiry, "ISS") if issuing_ra else None
    base = SecurityDeclaration(
        status=status,
        status_codes=(status,) if status else (),
        issuing_ra=designation,
        screening_methods=tuple(ScreeningMethod(m, m) for m in methods),
        issued_by="ANNA KELLER" if status else None,
        issued_on=issued_on if status else None,
        issued_on_iso=parse_issued_on(issued_on) if status else None,
    )
    return replace(base, **changes)


def consignment(**changes: Any) -> Consignment:
    """A direct master consignment with every 7+1 value present and plausible."""
    awb_text = changes.pop("awb", DEFAULT_AWB)
    base = Consignment(
        level="master",
        awb=AwbNumber.parse(awb_text),
        awb_text=awb_text,
        hawb=None,
        shipper=party(),
        consignee=party(
            "MAPLE AEROSPACE SUPPLY INC",
            address=address(street="2100 Rue Guy", city="Montreal", postcode="H3H 2M8", country_id="CA"),
        ),
        piece_count=4,
        gross_weight=weight(),
        summary_description=None,
        items=(Item(1, "HYDRAULIC VALVES FOR AIRCRAFT LANDING GEAR", ("848180",)),),
        origin="FRA",
        destination="YUL",
        security=security(),
        special_handling=("SPX",),
        path="Waybill/MasterConsignment",
    )
    return replace(base, **changes)


def house(hawb: str = "HAWB-0001", **changes: Any) -> Consignment:
    """A house of a consolidation under the default master AWB."""
    changes.setdefault("path", "HouseWaybill/MasterConsignment/IncludedHouseConsignment")
    return consignment(level="house", hawb=hawb, **changes)


def movement(flight: str = "LH470", departure: str = "FRA", arrival: str = "YUL", **changes: Any) -> Movement:
    """One flight leg."""
    base = Movement(
        flight=flight,
        carrier=flight[:2],
        departure_location=departure,
        departure_time="2026-11-21T14:05:00",
        arrival_location=arrival,
        sequence=1,
    )
    return replace(base, **changes)


def header(kind: str = "XFWB", **changes: Any) -> MessageHeader:
    """A message header; the type code follows the kind (740 direct waybill, 703 house, ...)."""
    type_code = {"XFWB": "740", "XFZB": "703", "XFHL": "785", "XFFM": "122"}.get(kind)
    version = {"XFWB": "3.00", "XFZB": "3.00", "XFHL": "2.00", "XFFM": "3.00"}.get(kind)
    base = MessageHeader(
        message_id=f"{kind}-0001",
        kind=kind,
        version=version,
        type_code=type_code,
        purpose="Creation",
        issue_time="2026-11-20T11:45:00",
    )
    return replace(base, **changes)


def filing(*consignments: Consignment, kind: str = "XFWB", **changes: Any) -> Filing:
    """A filing holding these consignments (default: one clean direct consignment) on one flight."""
    consignments = consignments or (consignment(),)
    first = consignments[0]
    base = Filing(
        header=header(kind),
        document_id=first.hawb if kind == "XFZB" else first.awb_text,
        awb=first.awb,
        consolidation=None if kind == "XFFM" else kind != "XFWB",
        consignments=consignments,
        house_numbers=tuple(c.hawb for c in consignments if c.hawb),
        routing=(movement(),),
    )
    return replace(base, **changes)
