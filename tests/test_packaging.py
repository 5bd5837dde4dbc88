"""The package as users install it: setup.cfg lists every package (including the schemas/ folder
mapped into the package), and the schemas are found without any environment variable."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from acid_processor.formats import validate

ROOT = Path(__file__).resolve().parents[1]


def test_setup_cfg_lists_every_package_and_maps_schemas():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    listed = set(cfg["options"]["packages"].split())
    found = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "acid_processor").rglob("__init__.py")
    }
    assert found <= listed, f"missing from setup.cfg [options] packages: {sorted(found - listed)}"
    assert {"acid_processor.policy", "acid_processor.schemas"} <= listed
    assert cfg["options"]["package_dir"].split() == ["acid_processor.schemas", "=", "schemas"]
    data = cfg["options.package_data"]["acid_processor.schemas"]
    assert "*.xsd" in data and "*.json" in data
    console = cfg["options.package_data"]["acid_processor.console"]
    for folder, suffix in (("templates", ".html"), ("static", ".css"), ("static", ".js")):
        assert f"{folder}/*{suffix}" in console
        assert list((ROOT / "acid_processor/console" / folder).glob(f"*{suffix}")), (folder, suffix)


def test_schemas_are_found_without_an_environment_variable(monkeypatch):
    monkeypatch.delenv("ACID_SCHEMAS_DIR", raising=False)
    assert (validate.schemas_dir() / "xfwb-3.00.xsd").is_file()


def test_a_missing_schema_is_one_error_naming_the_file(tmp_path):
    with pytest.raises(validate.SchemaError) as err:
        validate.SchemaRegistry(tmp_path)
    assert err.value.path == tmp_path / "xfwb-3.00.xsd"
    assert str(err.value).startswith(f"{tmp_path / 'xfwb-3.00.xsd'}: schema file not found")
    assert "\n" not in str(err.value)


def test_a_broken_schema_is_named(tmp_path):
    for f in (ROOT / "schemas").glob("*.xsd"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "xfzb-3.00.xsd").write_text("<xs:schema")
    with pytest.raises(validate.SchemaError) as err:
        validate.SchemaRegistry(tmp_path)
    assert err.value.path.name == "xfzb-3.00.xsd" and "not a valid schema" in str(err.value)
