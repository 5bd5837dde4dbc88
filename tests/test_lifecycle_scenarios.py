"""The lifecycle scenarios (fixtures/lifecycle/<case>/): numbered filings and officer commands,
applied in order as `acid-processor assess` and the service apply them, give the statuses each
case's expected.toml names, under every regime profile; every XCSN is valid against its schema."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from acid_processor.assessment.engine import Assessor
from acid_processor.formats.validate import SchemaRegistry
from acid_processor.lifecycle.files import apply_files
from acid_processor.lifecycle.runner import Lifecycle
from acid_processor.model import Outcome
from acid_processor.pipeline import Pipeline
from acid_processor.replies import load_profile
from acid_processor.store import open_store

SCENARIOS = Path(__file__).resolve().parents[1] / "fixtures" / "lifecycle"
CASES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "expected.toml").is_file())
PROFILES = ("pact", "iata", "camir")
REQUIRED = {
    "dnl-survives-amendment",
    "rfi-corrected-by-amendment",
    "rfs-answered-with-two-methods",
    "rfs-one-method-stays",
    "older-filing-arrives-late",
    "filing-after-departure",
    "loaded-with-open-hold",
    "house-before-master",
    "master-security-reaches-houses",
    "officer-releases-dnl",
    "officer-places-manual-hold",
}


@pytest.fixture(scope="module")
def assessor(default_policy) -> Assessor:
    return Assessor(default_policy)


@pytest.fixture(scope="module")
def json_schemas() -> dict[str, jsonschema.Draft202012Validator]:
    """The targeting documents' schemas: referrals and lifecycle events."""
    root = Path(__file__).resolve().parents[1] / "schemas"
    return {
        kind: jsonschema.Draft202012Validator(json.loads((root / name).read_text()))
        for kind, name in (("referral", "referral.schema.json"), ("lifecycle", "lifecycle-event.schema.json"))
    }


@pytest.fixture(scope="module")
def registry() -> SchemaRegistry:
    return SchemaRegistry(kinds=[("XCSN", "1.00"), ("XFNM", "3.00")])


def codes_for(profile, statuses: list[str]) -> list[str]:
    """What a regime tells for each status: COMPLETE, or KIND:stage."""
    out = []
    for s in statuses:
        if s == "COMPLETE":
            out.append(profile.status_code(Outcome.ASSESSMENT_COMPLETE))
        else:
            kind, stage = s.split(":")
            out.append(profile.status_code(Outcome(kind), stage))
    return out


def test_every_required_scenario_is_there():
    assert set(CASES) >= REQUIRED


@pytest.mark.parametrize("profile_name", PROFILES)
@pytest.mark.parametrize("case", CASES)
def test_scenario(
    case: str, profile_name: str, assessor: Assessor, registry: SchemaRegistry, json_schemas
) -> None:
    directory = SCENARIOS / case
    expected = tomllib.loads((directory / "expected.toml").read_text())
    profile = load_profile(profile_name)
    lifecycle = Lifecycle(Pipeline(assessor, profile))
    files = sorted(p for p in directory.iterdir() if p.suffix in (".xml", ".json"))
    with open_store("sqlite:///:memory:") as store:
        applied = list(apply_files(lifecycle, store, files))
        assert all(a.refused is None for a in applied), [a.refused for a in applied]
        told: dict[str, list[str]] = {}
        alerts, acknowledged = [], 0
        for a in applied:
            for o in a.result.pending:
                key = o.headers.get("x-acid-consignment")
                if o.kind == "xcsn":
                    root = etree.fromstring(o.body)
                    assert registry.validate(root, "XCSN", "1.00") == []
                    code = root.findtext(".//{iata:datamodel:3}StatusCode")
                    told.setdefault(key, []).append(code)
                elif o.kind == "xfnm":
                    acknowledged += 1
                else:  # every document to targeting is valid against its schema
                    json_schemas[o.kind].validate(json.loads(o.body))
                    if o.routing_key == "alert.loaded_with_open_hold":
                        alerts.append(key)
        want = {k: codes_for(profile, v) for k, v in expected["statuses"].items()}
        assert told == want
        if "acknowledged" in expected:
            assert acknowledged == expected["acknowledged"]
        assert alerts == expected.get("alerts", [])
        for name in expected.get("not_assessed", []):
            (a,) = [x for x in applied if x.path.name == name]
            assert {d.decision for d in a.result.decisions} == {"NOT_ASSESSED"}
        if "actions" in expected:
            actions = [e for k in expected["statuses"] for e in store.history(k)["actions"]]
            assert len(actions) == expected["actions"]
            assert all(x["officer"] and x["note"] for x in actions)
        for key, fields in expected.get("state", {}).items():
            state = store.consignment(key)
            assert state is not None, key
            for name, value in fields.items():
                got = state.strongest_open().value if name == "strongest_open" else getattr(state, name)
                assert (list(got) if isinstance(got, tuple) else got) == value, (key, name)
