"""The EU Financial Sanctions Files in XML (root `export`, namespace
http://eu.europa.eu/fpi/fsd/export).

One `sanctionEntity` per listed party (@logicalId, @euReferenceNumber): subjectType @code (person,
enterprise), nameAlias (@wholeName or @firstName @middleName @lastName, @strong, @nameLanguage),
address (@street @poBox @zipCode @city @region @place @countryIso2Code), identification (@number
@identificationTypeCode) and citizenship (@countryIso2Code). The first strong alias is the name, the
other strong ones aliases; strong="false" marks a name the EU considers too weak to screen on alone:
it becomes a weak alias. The same name written in several languages is kept once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.watchlist.entries import WatchListEntry
from acid_processor.assessment.watchlist.loaders_common import country_code, join_parts, make_entry
from acid_processor.assessment.watchlist.loaders_xml import children, records

__all__ = ["read_eu_fsf"]

_KINDS = {"person": "person", "enterprise": "organization"}


def read_eu_fsf(path: Path, list_name: str, action: str) -> Iterator[tuple[int | None, WatchListEntry]]:
    """The sanctionEntity elements of an EU FSF XML file as entries with the line each starts on."""
    for el in records(path, "export", ("sanctionEntity",)):
        logical_id = (el.get("logicalId") or "").strip()
        where = f"sanctionEntity logicalId {logical_id}" if logical_id else "sanctionEntity"
        line = el.sourceline
        if not logical_id:
            raise PolicyError(path, line, f"{where}: no logicalId")
        strong: list[str] = []
        weak: list[str] = []
        for alias in children(el, "nameAlias"):
            whole = alias.get("wholeName", "").strip() or " ".join(
                alias.get(a, "").strip() for a in ("firstName", "middleName", "lastName")
            )
            (weak if alias.get("strong", "true").strip().lower() == "false" else strong).append(whole)
        names = [n for n in (*strong, *weak) if n.strip()]
        addresses, countries = [], []
        for address in children(el, "address"):
            po_box = address.get("poBox", "").strip()
            addresses.append(
                join_parts(
                    address.get("street"),
                    f"PO Box {po_box}" if po_box else None,
                    " ".join(address.get(a, "").strip() for a in ("zipCode", "city")),
                    address.get("region"),
                    address.get("place"),
                )
            )
            countries.append(country_code(address.get("countryIso2Code")))
        countries.extend(country_code(c.get("countryIso2Code")) for c in children(el, "citizenship"))
        identifiers = [
            ((i.get("identificationTypeCode") or "ID").strip(), (i.get("number") or "").strip())
            for i in children(el, "identification")
        ]
        subjects = children(el, "subjectType")
        kind = _KINDS.get((subjects[0].get("code") or "").strip().lower()) if subjects else None
        yield (
            line,
            make_entry(
                path,
                line,
                where,
                id=f"EU-{logical_id}",
                name=names[0] if names else None,
                list_name=list_name,
                action=action,
                aliases=strong,
                weak_aliases=weak,
                country=next((c for c in countries if c), None),
                addresses=addresses,
                identifiers=identifiers,
                kind=kind,
            ),
        )
