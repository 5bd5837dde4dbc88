"""Text normalisation of party names and addresses for watch-list matching.

Filed names arrive in any case, with accents, punctuation and legal forms ("Müller & Söhne GmbH",
"MUELLER AND SOHNE"); both the list and the filing go through the same functions so that the fuzzy
scorer compares like with like. Pure functions; tables and patterns are built once at import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from acid_processor.model import Address

__all__ = [
    "INDICATOR_NORMALISERS",
    "LEGAL_FORMS",
    "name_tokens",
    "normalise_address",
    "normalise_phrase",
    "normalise_text",
]

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_LETTERS = str.maketrans(
    {
        "ß": "SS", "ẞ": "SS", "Æ": "AE", "æ": "AE", "Œ": "OE", "œ": "OE", "Ø": "O", "ø": "O",
        "Đ": "D", "đ": "D", "Ð": "D", "ð": "D", "Ł": "L", "ł": "L", "Þ": "TH", "þ": "TH",
        "ı": "I", "Ħ": "H", "ħ": "H", "Ŋ": "NG", "ŋ": "NG", "ſ": "S", "&": " ",
        "'": "", "’": "", "‘": "", "`": "", "´": "", "ʼ": "",
    }
)  # fmt: skip

_NOT_WORD = re.compile(r"[\W_]+")  # anything but letters and digits (any script) becomes a space

# Legal-form tokens, dropped wherever they stand ("OOO ROMASHKA", "ACME GMBH"), after initials have
# been joined (S.A.R.L. -> SARL). Connectors and articles go too so "SMITH & SONS" = "SMITH AND SONS".
_LEGAL_FORMS_TEXT = """
    LTD LIMITED GMBH MBH CO COMPANY CORP CORPORATION INC INCORPORATED LLC PLC SA SAS SARL SRL SPA BV NV
    BVBA AG KG OHG OY OYJ AB AS ASA APS PTE PVT PTY LLP LP JSC PJSC OJSC CJSC OOO ZAO OAO PAO AO TOO FZE
    FZCO FZC FZLLC LTDA EIRL KK YK SDN BHD PT TBK SL SLU SE SCA SNC SPRL KFT ZRT SRO DOO EOOD OOD SPZOO
    SP ZOO CV SAPI SAB CIA
    THE AND UND ET
    """
LEGAL_FORMS: frozenset[str] = frozenset(_LEGAL_FORMS_TEXT.split())

_ADDRESS_WORDS = {
    "STREET": "ST", "STR": "ST", "STRASSE": "ST", "ROAD": "RD", "AVENUE": "AVE", "AV": "AVE",
    "BOULEVARD": "BLVD", "DRIVE": "DR", "LANE": "LN", "SQUARE": "SQ", "BUILDING": "BLDG",
    "FLOOR": "FL", "SUITE": "STE", "NUMBER": "NO", "NR": "NO", "POSTFACH": "PO BOX", "APARTADO": "PO BOX",
    "ULITSA": "UL", "PROSPEKT": "PR", "PROSP": "PR", "CADDESI": "CAD", "CD": "CAD", "SOKAK": "SK",
    "SOKAGI": "SK", "JALAN": "JL", "RUE": "R", "CALLE": "C", "VIA": "V", "HIGHWAY": "HWY",
}  # fmt: skip


def normalise_text(text: str | None) -> str:
    """Upper-case ASCII-folded words separated by single spaces: 'Société Génér-ale' -> 'SOCIETE GENER ALE'.

    Accents are stripped (NFKD), letters without a decomposition are spelled out (ß -> SS, Ø -> O),
    apostrophes vanish (O'Neill -> ONEILL) and every other non-alphanumeric becomes a space. Runs of
    single letters are joined as initials (S.A.R.L. -> SARL, J P MORGAN -> JP MORGAN).
    Other scripts are kept as they are (no transliteration)."""
    if not text:
        return ""
    text = text.translate(_LETTERS)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = _NOT_WORD.sub(" ", text.upper()).split()
    if len(words) > 1 and any(len(w) == 1 for w in words):
        words = _join_initials(words)
    return " ".join(words)


def _join_initials(words: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for w in words:
        if len(w) == 1:
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(w)
    if run:
        out.append("".join(run))
    return out


def name_tokens(text: str | None) -> tuple[str, ...]:
    """The words of a party name with legal forms, connectors and articles dropped, in filed order.

    A name made only of such words keeps them (a company really called 'AB' stays 'AB')."""
    words = normalise_text(text).split()
    kept = tuple(w for w in words if w not in LEGAL_FORMS)
    return kept or tuple(words)


def normalise_address(address: Address | str | None) -> str:
    """An address as one normalised line without the country (compared separately), with common
    street words shortened: 'Hafenstraße 12, 20457 Hamburg' -> 'HAFENST 12 20457 HAMBURG'."""
    if address is None:
        return ""
    if isinstance(address, Address):
        parts = (address.street, address.po_box, address.postcode, address.city, address.subdivision)
        text = " ".join(p for p in parts if p)
    else:
        text = address
    words = normalise_text(text).split()
    out = [_ADDRESS_WORDS.get(w, w) for w in words]
    # German compounds: HAFENSTRASSE -> HAFENST, so that 'Hafenstr.' and 'Hafenstraße' agree.
    out = [w[:-7] + "ST" if w.endswith("STRASSE") and len(w) > 7 else w for w in out]
    return " ".join(w[:-3] + "ST" if w.endswith("STR") and len(w) > 5 else w for w in out)


_WORD = re.compile(r"[A-Z0-9]+")


def normalise_phrase(text: str) -> str:
    """Upper-case words joined by single spaces: 'Spare-parts.' -> 'SPARE PARTS' (list terms and
    descriptions are compared in this form)."""
    return " ".join(_WORD.findall(text.upper()))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


# How an intelligence indicator's value and a filed value are made comparable, per type.
INDICATOR_NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": _digits,
    "email": lambda t: t.strip().lower(),
    "account": normalise_phrase,
    "address": normalise_address,
}
