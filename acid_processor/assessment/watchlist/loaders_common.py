"""What the loaders of foreign list formats share: tidying names, reading country names and codes,
joining address parts, and building a checked `WatchListEntry`.

Lists published by others (OpenSanctions, OFAC, UN, EU) are read leniently where they are merely
untidy (repeated aliases, blank parts, countries we cannot place) and strictly where an entry would
screen nothing: an entry without a usable name is a PolicyError naming the file and the place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.normalise import name_tokens
from acid_processor.assessment.watchlist.entries import WatchListEntry

__all__ = ["country_code", "country_from_name", "join_parts", "make_entry", "unique"]

_BLANKS = re.compile(r"\s+")


def _tidy(text: str | None) -> str:
    return _BLANKS.sub(" ", text).strip() if text else ""


def unique(values: Iterable[str | None], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """The non-blank values, blanks collapsed, first spelling of each kept (case-insensitive),
    leaving out those in `exclude`: lists repeat a name once per language or per source."""
    seen = {_tidy(v).casefold() for v in exclude}
    out = []
    for value in values:
        text = _tidy(value)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return tuple(out)


def join_parts(*parts: str | None) -> str | None:
    """Address parts joined with ', ', blanks left out; None when nothing is left."""
    return ", ".join(p for p in map(_tidy, parts) if p) or None


def country_code(code: str | None) -> str | None:
    """An ISO 3166 alpha-2 code upper-cased ('ru' -> 'RU'); None for anything else ('00', 'suhh')."""
    code = (code or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


@lru_cache(maxsize=1024)  # a list names the same few countries thousands of times
def country_from_name(name: str | None) -> str | None:
    """The ISO alpha-2 code of a country written out ('Russia', 'Korea, North', 'Iran (Islamic
    Republic of)'), or of a code given as such; None when the small table below does not know it."""
    if not name:
        return None
    key = _country_key(name)
    return _COUNTRY_NAMES.get(key) or (country_code(key) if len(key) == 2 else None)


def _country_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper().replace("'", "")
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", text).split())


def make_entry(
    path: Path,
    line: int | None,
    where: str,
    *,
    id: str,
    name: str | None,
    list_name: str,
    action: str,
    aliases: Iterable[str | None] = (),
    weak_aliases: Iterable[str | None] = (),
    country: str | None = None,
    addresses: Iterable[str | None] = (),
    identifiers: Iterable[tuple[str, str]] = (),
    kind: str | None = None,
) -> WatchListEntry:
    """A tidy entry: aliases without the name or repeats, weak aliases without the strong ones, the
    first address as `address`. PolicyError '<where>: no name' when nothing can be screened."""
    name = _tidy(name)
    if not name or not name_tokens(name):
        problem = f"name '{name}' has no letters or digits" if name else "no name"
        raise PolicyError(path, line, f"{where}: {problem}")
    strong = unique(aliases, exclude=(name,))
    weak = unique(weak_aliases, exclude=(name, *strong))
    places = unique(addresses)
    ids = tuple(dict.fromkeys((_tidy(s) or "ID", _tidy(v)) for s, v in identifiers if _tidy(v)))
    return WatchListEntry(
        id=id,
        name=name,
        aliases=strong,
        country=country,
        address=places[0] if places else None,
        list_name=list_name,
        action=action,
        weak_aliases=weak,
        addresses=places[1:],
        identifiers=ids,
        kind=kind,
    )


# Country names as OFAC and the UN write them (and the usual short forms), to ISO 3166 alpha-2.
# Deliberately small: the countries of sanctions programmes and of the busiest cargo routes. A name
# not here gives no country, which only means the screen applies no country adjustment.
_COUNTRY_TABLE = """
AF Afghanistan
AL Albania
DZ Algeria
AO Angola
AR Argentina
AM Armenia
AU Australia
AT Austria
AZ Azerbaijan
BH Bahrain
BD Bangladesh
BY Belarus
BE Belgium
BO Bolivia|Bolivia (Plurinational State of)
BA Bosnia and Herzegovina
BR Brazil
BG Bulgaria
MM Burma|Myanmar
KH Cambodia
CA Canada
CF Central African Republic
CL Chile
CN China|People's Republic of China
CO Colombia
CD Congo, Democratic Republic of the|Democratic Republic of the Congo|DR Congo
CG Congo, Republic of the|Congo|Republic of the Congo
HR Croatia
CU Cuba
CY Cyprus
CZ Czech Republic|Czechia
DK Denmark
EG Egypt
ER Eritrea
EE Estonia
ET Ethiopia
FI Finland
FR France
GE Georgia
DE Germany
GR Greece
HT Haiti
HK Hong Kong|Hong Kong SAR|China, Hong Kong Special Administrative Region
HU Hungary
IN India
ID Indonesia
IR Iran|Iran (Islamic Republic of)|Islamic Republic of Iran
IQ Iraq
IE Ireland
IL Israel
IT Italy
JP Japan
JO Jordan
KZ Kazakhstan
KE Kenya
KP Korea, North|North Korea|Democratic People's Republic of Korea|DPRK
KR Korea, South|South Korea|Republic of Korea
XK Kosovo
KW Kuwait
KG Kyrgyzstan
LA Laos|Lao People's Democratic Republic
LV Latvia
LB Lebanon
LY Libya
LT Lithuania
LU Luxembourg
MY Malaysia
ML Mali
MT Malta
MX Mexico
MD Moldova|Republic of Moldova
ME Montenegro
MA Morocco
NL Netherlands|The Netherlands
NZ New Zealand
NI Nicaragua
NG Nigeria
MK North Macedonia|Macedonia
NO Norway
OM Oman
PK Pakistan
PS Palestinian Territories|State of Palestine|West Bank|Gaza
PA Panama
PE Peru
PH Philippines
PL Poland
PT Portugal
QA Qatar
RO Romania
RU Russia|Russian Federation
SA Saudi Arabia
RS Serbia
SG Singapore
SK Slovakia
SI Slovenia
SO Somalia
ZA South Africa
SS South Sudan
ES Spain
LK Sri Lanka
SD Sudan
SE Sweden
CH Switzerland
SY Syria|Syrian Arab Republic
TW Taiwan
TJ Tajikistan
TZ Tanzania|United Republic of Tanzania
TH Thailand
TN Tunisia
TR Turkey|Turkiye|Türkiye
TM Turkmenistan
UG Uganda
UA Ukraine
AE United Arab Emirates|UAE
GB United Kingdom|United Kingdom of Great Britain and Northern Ireland|UK|Great Britain
US United States|United States of America|USA
UY Uruguay
UZ Uzbekistan
VE Venezuela|Venezuela (Bolivarian Republic of)
VN Vietnam|Viet Nam
YE Yemen
ZW Zimbabwe
"""
_COUNTRY_NAMES: dict[str, str] = {
    _country_key(name): line[:2]
    for line in _COUNTRY_TABLE.strip().splitlines()
    for name in line[3:].split("|")
}
