"""Loading the targeting policy: the rule file and the lists it names, once at start.

A policy directory holds `rules.toml` (version, settings, rules) and the list files it names. The
shipped default lives in acid_processor/policy/; an authority points `--rules DIR` (or
ACID_RULES_DIR) at its own. Any mistake stops the load with a PolicyError naming file and line.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acid_processor.assessment.errors import PolicyError
from acid_processor.assessment.lists import csv_rows, text_lines
from acid_processor.assessment.normalise import INDICATOR_NORMALISERS, normalise_phrase
from acid_processor.assessment.watchlist import WatchList
from acid_processor.assessment.watchlist.loaders import FORMATS, WatchListSource
from acid_processor.codes import SCREENING_METHODS
from acid_processor.lifecycle.records import LifecyclePolicy
from acid_processor.model import Outcome

DEFAULT_POLICY_DIR = Path(__file__).resolve().parents[1] / "policy"


def policy_dir() -> Path:
    """The policy in force: $ACID_RULES_DIR, or the shipped default."""
    return Path(os.environ.get("ACID_RULES_DIR") or DEFAULT_POLICY_DIR)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One [[rules]] table: id, type, outcome and the type's own parameters."""

    id: str
    type: str
    outcome: Outcome | None
    title: str
    screening_methods: tuple[str, ...]
    params: dict[str, Any]
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class IntelIndicator:
    id: str
    type: str  # address, phone, email, account
    value: str  # normalised
    list_name: str
    note: str


@dataclass(slots=True)
class Policy:
    """Everything the rules need, built once: rule specs, settings, normalised lists and indexes."""

    directory: Path
    version: str
    rules: tuple[RuleSpec, ...]
    random_selection_rate: float
    random_selection_salt: str
    default_screening_methods: tuple[str, ...]
    unacceptable_terms: frozenset[str] = frozenset()
    party_stop_words: frozenset[str] = frozenset()
    high_risk_airports: dict[str, str] = field(default_factory=dict)
    high_risk_countries: dict[str, str] = field(default_factory=dict)
    intelligence: dict[tuple[str, str], IntelIndicator] = field(default_factory=dict)
    freighter_ranges: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    watchlist: WatchList | None = None
    lifecycle: LifecyclePolicy = field(default_factory=LifecyclePolicy)

    @classmethod
    def load(
        cls, directory: Path | None = None, *, extra_watchlists: tuple[Path | WatchListSource, ...] = ()
    ) -> Policy:
        """Read and check a policy directory; every file is read here and never again."""
        directory = Path(directory) if directory else policy_dir()
        rules_path = directory / "rules.toml"
        if not rules_path.is_file():
            raise PolicyError(rules_path, None, "no rules.toml in the policy directory")
        try:
            doc = tomllib.loads(rules_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            line = _toml_line(str(exc))
            raise PolicyError(rules_path, line, f"not valid TOML: {exc}") from None
        digest = hashlib.sha256()
        digest.update(rules_path.read_bytes())

        version = doc.get("version")
        if not isinstance(version, str) or not version.strip():
            raise PolicyError(rules_path, None, "'version' must be a non-empty string")
        settings = _table(doc, "settings", rules_path)
        lists = _table(doc, "lists", rules_path)
        rate = settings.get("random_selection_rate", 0.0)
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise PolicyError(rules_path, None, "settings.random_selection_rate must be a number from 0 to 1")
        methods = _methods(settings.get("default_screening_methods", ["XRY", "ETD"]), rules_path, "settings")
        if len(methods) < 2:
            raise PolicyError(
                rules_path, None, "settings.default_screening_methods needs at least two methods"
            )

        policy = cls(
            directory=directory,
            version=version.strip(),
            rules=_rules(doc.get("rules"), rules_path),
            random_selection_rate=float(rate),
            random_selection_salt=str(settings.get("random_selection_salt", "")),
            default_screening_methods=methods,
            lifecycle=_lifecycle(_table(doc, "lifecycle", rules_path), rules_path),
        )
        for key, loader in (
            ("unacceptable_descriptions", policy._load_terms),
            ("party_stop_words", policy._load_stop_words),
            ("high_risk_locations", policy._load_high_risk),
            ("intelligence", policy._load_intelligence),
            ("freighter_flights", policy._load_freighters),
        ):
            if name := lists.get(key):
                path = directory / str(name)
                loader(path)
                digest.update(path.read_bytes())
        watch_sources = _watch_sources(lists.get("watchlists", []), directory, rules_path)
        watch_sources += [WatchListSource.of(p) for p in extra_watchlists]
        if watch_sources:
            for source in watch_sources:
                if not source.path.is_file():
                    raise PolicyError(source.path, None, "watch-list file not found")
            threshold = float(lists.get("watchlist_threshold", 88.0))
            policy.watchlist = WatchList.load(watch_sources, threshold=threshold)
            digest.update(policy.watchlist.version.encode())
        policy.version = f"{policy.version}+{digest.hexdigest()[:10]}"
        return policy

    # --- list loaders --------------------------------------------------------------------------

    def _load_terms(self, path: Path) -> None:
        self.unacceptable_terms = frozenset(normalise_phrase(t) for _, t in text_lines(path))

    def _load_stop_words(self, path: Path) -> None:
        self.party_stop_words = frozenset(normalise_phrase(t) for _, t in text_lines(path))

    def _load_high_risk(self, path: Path) -> None:
        for line, row in csv_rows(path, ("type", "code", "reason")):
            kind, code = row["type"].strip().lower(), row["code"].strip().upper()
            if kind == "airport" and re.fullmatch(r"[A-Z0-9]{3,5}", code):
                self.high_risk_airports[code] = row["reason"].strip()
            elif kind == "country" and re.fullmatch(r"[A-Z]{2}", code):
                self.high_risk_countries[code] = row["reason"].strip()
            else:
                raise PolicyError(
                    path, line, f"type {kind!r} with code {code!r}: need airport XXX or country XX"
                )

    def _load_intelligence(self, path: Path) -> None:
        for line, row in csv_rows(path, ("id", "type", "value", "list_name", "note")):
            kind = row["type"].strip().lower()
            if kind not in INDICATOR_NORMALISERS:
                raise PolicyError(path, line, f"type {kind!r} is not address, phone, email or account")
            value = INDICATOR_NORMALISERS[kind](row["value"])
            if not value:
                raise PolicyError(path, line, "empty value")
            ind = IntelIndicator(
                row["id"].strip(), kind, value, row["list_name"].strip(), row["note"].strip()
            )
            self.intelligence[(kind, value)] = ind

    def _load_freighters(self, path: Path) -> None:
        for line, row in csv_rows(path, ("carrier", "first", "last", "note")):
            try:
                first, last = int(row["first"]), int(row["last"])
            except ValueError:
                raise PolicyError(path, line, "first and last must be flight numbers") from None
            carrier = row["carrier"].strip().upper()
            if not re.fullmatch(r"[A-Z0-9]{2,3}", carrier) or first > last:
                raise PolicyError(path, line, f"bad carrier {carrier!r} or range {first}-{last}")
            self.freighter_ranges.setdefault(carrier, []).append((first, last))

    def is_freighter(self, flight: str | None) -> bool:
        """Whether a flight (e.g. LH8160) is operated by an all-cargo aircraft per the list."""
        if not flight:
            return False
        m = re.fullmatch(r"([A-Z0-9]{2})([0-9]{1,4})[A-Z]?", flight.strip().upper())
        if not m:
            return False
        number = int(m.group(2))
        return any(a <= number <= b for a, b in self.freighter_ranges.get(m.group(1), ()))


# --- file readers ---------------------------------------------------------------------------------


def _lifecycle(table: dict, path: Path) -> LifecyclePolicy:
    """[lifecycle]: how RFI and RFS holds are released (automatic or by an officer's review)."""
    unknown = set(table) - {"release_rfi", "release_rfs", "min_screening_methods"}
    if unknown:
        raise PolicyError(path, None, f"[lifecycle]: unknown key(s) {', '.join(sorted(unknown))}")
    values = {}
    for key in ("release_rfi", "release_rfs"):
        value = table.get(key, "automatic")
        if value not in ("automatic", "officer"):
            raise PolicyError(path, None, f"[lifecycle] {key} = {value!r}: must be 'automatic' or 'officer'")
        values[key] = value
    methods = table.get("min_screening_methods", 2)
    if isinstance(methods, bool) or not isinstance(methods, int) or methods < 2:
        # ICS2 asks for two methods in a screening result; a policy may ask for more, never fewer.
        raise PolicyError(path, None, "[lifecycle] min_screening_methods must be a whole number >= 2")
    return LifecyclePolicy(min_screening_methods=methods, **values)


_SOURCE_KEYS = ("path", "format", "list_name", "action")


def _watch_sources(value: Any, directory: Path, path: Path) -> list[WatchListSource]:
    """[lists] watchlists: each item a path (format detected) or an inline table
    { path = "...", format = "ofac-sdn", list_name = "...", action = "RFS" }; paths are relative to
    the policy directory."""
    if not isinstance(value, list):
        raise PolicyError(path, None, "[lists] watchlists must be a list of paths or inline tables")
    sources = []
    for n, item in enumerate(value, 1):
        where = f"[lists] watchlists item {n}"
        if isinstance(item, str) and item.strip():
            sources.append(WatchListSource(directory / item.strip()))
            continue
        if not isinstance(item, dict):
            raise PolicyError(path, None, f"{where}: must be a path or an inline table {{ path = ... }}")
        unknown = sorted(set(item) - set(_SOURCE_KEYS))
        if unknown:
            raise PolicyError(
                path, None, f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(_SOURCE_KEYS)})"
            )
        for key in _SOURCE_KEYS:
            if key in item and not (isinstance(item[key], str) and item[key].strip()):
                raise PolicyError(path, None, f"{where}: {key} must be a non-empty string")
        if "path" not in item:
            raise PolicyError(path, None, f"{where}: no path")
        fmt = item.get("format", "").strip().lower() or None
        if fmt is not None and fmt not in FORMATS:
            raise PolicyError(path, None, f"{where}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        action = item.get("action", "").strip().upper() or None
        if action is not None and action not in ("RFS", "DNL"):
            raise PolicyError(path, None, f"{where}: action {item['action']!r} is not RFS or DNL")
        list_name = item["list_name"].strip() if "list_name" in item else None
        sources.append(WatchListSource(directory / item["path"].strip(), fmt, list_name, action))
    return sources


def _table(doc: dict, key: str, path: Path) -> dict:
    value = doc.get(key, {})
    if not isinstance(value, dict):
        raise PolicyError(path, None, f"[{key}] must be a table")
    return value


def _methods(value: Any, path: Path, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PolicyError(path, None, f"{where}: screening methods must be a list of codes")
    unknown = [v for v in value if v.upper() not in SCREENING_METHODS]
    if unknown:
        raise PolicyError(path, None, f"{where}: unknown screening method(s) {', '.join(unknown)}")
    return tuple(v.upper() for v in value)


_RULE_KEYS = {"id", "type", "outcome", "title", "screening_methods", "enabled"}


def _rules(value: Any, path: Path) -> tuple[RuleSpec, ...]:
    if not isinstance(value, list) or not value:
        raise PolicyError(path, None, "no [[rules]]: a policy needs at least one rule")
    seen: set[str] = set()
    out = []
    for n, table in enumerate(value, 1):
        where = f"rule #{n}"
        if not isinstance(table, dict):
            raise PolicyError(path, None, f"{where} is not a table")
        rule_id = table.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise PolicyError(path, None, f"{where} has no id")
        where = f"rule {rule_id}"
        if rule_id in seen:
            raise PolicyError(path, None, f"{where}: duplicate id")
        seen.add(rule_id)
        rtype = table.get("type")
        if not isinstance(rtype, str) or not rtype.strip():
            raise PolicyError(path, None, f"{where}: no type")
        outcome = table.get("outcome")
        if outcome is not None:
            if outcome not in ("RFI", "RFS", "DNL"):
                raise PolicyError(path, None, f"{where}: outcome {outcome!r} is not RFI, RFS or DNL")
            outcome = Outcome(outcome)
        params = {k: v for k, v in table.items() if k not in _RULE_KEYS}
        out.append(
            RuleSpec(
                id=rule_id,
                type=rtype,
                outcome=outcome,
                title=str(table.get("title", "")),
                screening_methods=_methods(table.get("screening_methods", []), path, where),
                params=params,
                enabled=bool(table.get("enabled", True)),
            )
        )
    return tuple(out)


def _toml_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None
