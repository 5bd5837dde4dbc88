"""Reading the consignment security declaration from special-handling codes and OCI notes.

Format-independent: it takes the notes as plain tuples in filed order, so the Cargo-XML reader
and (later) the Cargo-IMP reader share it. OCI order matters: a note with an empty SubjectCode
continues the ISS/OSS group before it (its expiry, screening methods, signatory, date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from acid_processor import codes
from acid_processor.model import Designation, ScreeningMethod, SecurityDeclaration, TraderId


class CustomsNote(NamedTuple):
    """One OCI line / IncludedCustomsNote as filed (a tuple: there are many per filing)."""

    content_code: str | None
    content: str | None
    subject_code: str | None
    country: str | None


_DESIGNATION_CODES = ("RA", "KC", "AC", "RC")
_PARTY_SUBJECTS = ("SHP", "CNE")
_CLAIM = re.compile(
    r"\b(?:SPX|SCO|SHR|NSC)\b|\bSECUR(?:E|ED|ITY)\b|\bKNOWN\s+CONSIGNOR\b|\bREGULATED\s+AGENT\b"
    r"|\bSCREEN(?:ED|ING)\b|\b[A-Z]{2}/RA/\S+|\bBY\s+KC\b",
    re.IGNORECASE,
)


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), 1
    )
}


def parse_issued_on(text: str | None) -> str | None:
    """DDMMMYYHHMM (e.g. 13APR211147) as ISO 8601, or None when it does not parse."""
    if not text:
        return None
    t = text.strip().upper()
    month = _MONTHS.get(t[2:5])
    digits = t[:2] + t[5:]
    if len(t) != 11 or month is None or not (digits.isdigit() and digits.isascii()):
        return None
    try:
        moment = datetime(2000 + int(t[5:7]), month, int(t[:2]), int(t[7:9]), int(t[9:11]))
    except ValueError:
        return None
    return moment.isoformat(timespec="minutes")


def read_security(
    sph_codes: Iterable[str],
    notes: Sequence[CustomsNote],
    free_texts: Iterable[str] = (),
) -> tuple[SecurityDeclaration, tuple[TraderId, ...]]:
    """The security declaration and the traders' identification notes of one consignment.

    OCI lines come in groups: the issuing group (SubjectCode ISS) and the accepting group (OSS);
    a line with an empty SubjectCode continues the group before it (a sender that writes no
    SubjectCode at all is read as one issuing group). SN and SD belong to their group."""
    status_codes = tuple(c for c in (s.strip().upper() for s in sph_codes) if c in codes.SECURITY_STATUSES)
    # The weakest claim is the status: SECURITY_STATUSES lists the strongest first.
    status = next((s for s in reversed(codes.SECURITY_STATUSES) if s in status_codes), None)

    designations: dict[str, Designation] = {}  # slot name -> designation
    current: str | None = None  # the slot that ED continuation notes apply to
    group = "ISS"  # the group unmarked lines belong to
    methods: list[ScreeningMethod] = []
    unknown_methods: list[str] = []
    exemptions: list[str] = []
    unknown_exemptions: list[str] = []
    statements: list[str] = []
    signed: dict[str, str] = {}  # "ISS.SN", "OSS.SD", ... -> content
    traders: list[TraderId] = []

    for note in notes:
        code = (note.content_code or "").strip().upper()
        subject = (note.subject_code or "").strip().upper()
        content = (note.content or "").strip()
        if subject in _PARTY_SUBJECTS or (subject and subject not in ("ISS", "OSS") and code == "T"):
            traders.append(TraderId(subject, code, content, note.country))
            current = None
            continue
        if subject not in ("", "ISS", "OSS"):
            continue  # customs notes of other authorities (e.g. CUS for US ACAS): not security data
        group = subject or group
        if code in _DESIGNATION_CODES:
            slot = _slot(code, group)
            designations[slot] = Designation(code, content, note.country or None, None, group)
            current = slot
        elif code == "ED":
            if current is not None:
                designations[current] = replace(designations[current], expiry=content)
        elif code == "SM":
            for token in content.replace(",", " ").split():
                normal = codes.normalise_screening_method(token)
                if normal is None:
                    unknown_methods.append(token)
                else:
                    methods.append(ScreeningMethod(normal, token))
        elif code == "L":
            for token in content.upper().replace(",", " ").split():
                (exemptions if token in codes.EXEMPTIONS else unknown_exemptions).append(token)
        elif code in ("SN", "SD"):
            if content:
                signed.setdefault(f"{group}.{code}", content)
        elif code == "ST" and content:
            statements.append(content)
        # An empty ContentCode is a free line (a continuation of the one before): nothing to read.

    claims = tuple(t.strip() for t in free_texts if t and _CLAIM.search(t))
    declaration = SecurityDeclaration(
        status=status,
        status_codes=status_codes,
        issuing_ra=designations.get("issuing_ra"),
        accepting_ra=designations.get("accepting_ra"),
        known_consignor=designations.get("known_consignor"),
        account_consignor=designations.get("account_consignor"),
        regulated_carrier=designations.get("regulated_carrier"),
        screening_methods=tuple(methods),
        exemptions=tuple(dict.fromkeys(exemptions)),
        issued_by=signed.get("ISS.SN"),
        issued_on=signed.get("ISS.SD"),
        issued_on_iso=parse_issued_on(signed.get("ISS.SD")),
        statements=tuple(statements),
        free_text_claims=claims,
        accepted_by=signed.get("OSS.SN"),
        accepted_on=signed.get("OSS.SD"),
        accepted_on_iso=parse_issued_on(signed.get("OSS.SD")),
        unknown_screening_methods=tuple(unknown_methods),
        unknown_exemptions=tuple(dict.fromkeys(unknown_exemptions)),
    )
    return declaration, tuple(traders)


def _slot(code: str, group: str) -> str:
    if code == "RA":
        return "accepting_ra" if group == "OSS" else "issuing_ra"
    return {"KC": "known_consignor", "AC": "account_consignor", "RC": "regulated_carrier"}[code]
