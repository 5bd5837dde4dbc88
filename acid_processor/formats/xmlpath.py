"""Element paths that people can read: local names, with a position only where a name repeats."""

from __future__ import annotations

import re

from lxml import etree

_STEP = re.compile(r"^(?:[\w.-]+:)?([\w.*-]+)(?:\[(\d+)\])?$")


def element_path(el: etree._Element) -> str:
    """'Waybill/MasterConsignment/ApplicableRating/IncludedMasterConsignmentItem[2]'."""
    steps = []
    node: etree._Element | None = el
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/".join(reversed(steps))


def resolve_libxml2_path(root: etree._Element, path: str | None) -> etree._Element | None:
    """The element a libxml2 error path names. libxml2 writes '*[n]' (the n-th child element) for
    elements in a default namespace, and 'prefix:name[n]' (the n-th of that name) otherwise."""
    if not path:
        return None
    node = root
    for i, step in enumerate(s for s in path.split("/") if s):
        m = _STEP.match(step)
        if m is None:
            return None
        name, index = m.group(1), int(m.group(2) or 1)
        if i == 0:
            if name not in ("*", etree.QName(root).localname):
                return None
            continue
        children = [c for c in node if isinstance(c.tag, str)]
        if name != "*":
            children = [c for c in children if etree.QName(c).localname == name]
        if not 0 < index <= len(children):
            return None
        node = children[index - 1]
    return node


def readable_path(path: str | None) -> str | None:
    """A libxml2 or xmlschema path without prefixes, keeping positions: 'Waybill/MasterConsignment/...'."""
    if not path:
        return None
    parts = []
    for raw in path.split("/"):
        if raw:
            m = _STEP.match(raw)
            parts.append(m.group(1) + (f"[{m.group(2)}]" if m.group(2) else "") if m else raw)
    return "/".join(parts)
