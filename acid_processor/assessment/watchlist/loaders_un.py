"""The UN Security Council consolidated list in XML (root `CONSOLIDATED_LIST`).

INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY: DATAID, FIRST_NAME..FOURTH_NAME (an entity's name is in
FIRST_NAME), NAME_ORIGINAL_SCRIPT (Arabic, Cyrillic, Korean...: kept as an alias, the scorer
transliterates), REFERENCE_NUMBER, INDIVIDUAL_ALIAS/ENTITY_ALIAS (QUALITY Good, Low, a.k.a.;
ALIAS_NAME), INDIVIDUAL_ADDRESS/ENTITY_ADDRESS (STREET, CITY, STATE_PROVINCE, ZIP_CODE, COUNTRY
written out), INDIVIDUAL_DOCUMENT (TYPE_OF_DOCUMENT, NUMBER) and NATIONALITY/VALUE. 'Low' quality
aliases are the UN's warning that they are too vague to screen on: they become `weak_aliases`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.watchlist.entries import WatchListEntry
from acid_processor.assessment.watchlist.loaders_common import country_from_name, join_parts, make_entry
from acid_processor.assessment.watchlist.loaders_xml import children, local_name, records, text, texts

__all__ = ["read_un_consolidated"]

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def read_un_consolidated(
    path: Path, list_name: str, action: str
) -> Iterator[tuple[int | None, WatchListEntry]]:
    """The INDIVIDUAL and ENTITY elements of a UN consolidated list file as entries with their line."""
    for el in records(path, "CONSOLIDATED_LIST", ("INDIVIDUAL", "ENTITY")):
        record = local_name(el)  # INDIVIDUAL or ENTITY
        reference = text(el, "REFERENCE_NUMBER") or text(el, "DATAID")
        where = f"{record} {reference}" if reference else record
        line = el.sourceline
        if not reference:
            raise PolicyError(path, line, f"{where}: no REFERENCE_NUMBER or DATAID")
        aliases = [text(el, "NAME_ORIGINAL_SCRIPT")]
        weak: list[str] = []
        for alias in children(el, f"{record}_ALIAS"):
            (weak if text(alias, "QUALITY").lower() == "low" else aliases).append(text(alias, "ALIAS_NAME"))
        addresses, countries = [], []
        for address in children(el, f"{record}_ADDRESS"):
            parts = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE")
            addresses.append(join_parts(*(text(address, p) for p in parts)))
            countries.append(country_from_name(text(address, "COUNTRY")))
        countries.extend(country_from_name(n) for n in texts(el, "NATIONALITY", "VALUE"))
        documents = children(el, f"{record}_DOCUMENT")
        identifiers = [(text(d, "TYPE_OF_DOCUMENT") or "ID", text(d, "NUMBER")) for d in documents]
        yield (
            line,
            make_entry(
                path,
                line,
                where,
                id=f"UN-{reference}",
                name=" ".join(t for t in (text(el, p) for p in _NAME_PARTS) if t),
                list_name=list_name,
                action=action,
                aliases=aliases,
                weak_aliases=weak,
                country=next((c for c in countries if c), None),
                addresses=addresses,
                identifiers=identifiers,
                kind="person" if record == "INDIVIDUAL" else "organization",
            ),
        )
