"""OFAC's Specially Designated Nationals list in its classic XML form (`sdn.xml`, root `sdnList`).

One `sdnEntry` per listed party: uid, firstName/lastName (an entity has only lastName), sdnType
(Individual, Entity, Vessel, Aircraft), akaList (a.k.a./f.k.a./n.k.a., category strong or weak),
addressList (address1-3, city, stateOrProvince, postalCode, country written out), idList (idType,
idNumber, idCountry), nationalityList and citizenshipList. Weak AKAs are OFAC's own warning that a
name is too general to screen on alone: they become `weak_aliases`, which hit only when filed exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.watchlist.entries import WatchListEntry
from acid_processor.assessment.watchlist.loaders_common import country_from_name, join_parts, make_entry
from acid_processor.assessment.watchlist.loaders_xml import children, records, text

__all__ = ["read_ofac_sdn"]

_KINDS = {"individual": "person", "entity": "organization"}
# idList rows that describe the designation, not an identifier of the party.
_NOT_IDENTIFIERS = (
    "additional sanctions information",
    "secondary sanctions risk",
    "transactions prohibited",
    "gender",
    "organization established date",
    "organization type",
    "target type",
    "executive order",
    "effective date",
    "listing date",
)


def read_ofac_sdn(path: Path, list_name: str, action: str) -> Iterator[tuple[int | None, WatchListEntry]]:
    """The sdnEntry elements of an OFAC SDN XML file as entries with the line each starts on."""
    for el in records(path, "sdnList", ("sdnEntry",)):
        uid = text(el, "uid")
        where = f"sdnEntry uid {uid}" if uid else "sdnEntry"
        aliases: list[str] = []
        weak: list[str] = []
        for aka in children(el, "akaList", "aka"):
            name = _name(text(aka, "firstName"), text(aka, "lastName"))
            (weak if text(aka, "category").lower() == "weak" else aliases).append(name)
        addresses, countries = [], []
        for address in children(el, "addressList", "address"):
            addresses.append(
                join_parts(
                    *(text(address, part) for part in ("address1", "address2", "address3", "city")),
                    text(address, "stateOrProvince"),
                    text(address, "postalCode"),
                )
            )
            countries.append(country_from_name(text(address, "country")))
        for path_ in (("nationalityList", "nationality"), ("citizenshipList", "citizenship")):
            countries.extend(country_from_name(text(n, "country")) for n in children(el, *path_))
        identifiers = [
            (text(i, "idType"), text(i, "idNumber"))
            for i in children(el, "idList", "id")
            if not text(i, "idType").lower().startswith(_NOT_IDENTIFIERS)
        ]
        line = el.sourceline
        if not uid:
            raise PolicyError(path, line, f"{where}: no uid")
        yield (
            line,
            make_entry(
                path,
                line,
                where,
                id=f"OFAC-{uid}",
                name=_name(text(el, "firstName"), text(el, "lastName")),
                list_name=list_name,
                action=action,
                aliases=aliases,
                weak_aliases=weak,
                country=next((c for c in countries if c), None),
                addresses=addresses,
                identifiers=identifiers,
                kind=_KINDS.get(text(el, "sdnType").lower()),
            ),
        )


def _name(first: str, last: str) -> str:
    """An individual's 'firstName lastName'; an entity's name is its lastName alone."""
    return f"{first} {last}".strip()
