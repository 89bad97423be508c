"""scripts/audit decides right: a known vulnerability fails, no data at all fails (no network
here: the decision is tested on findings, the dependency walk on this environment)."""

from __future__ import annotations

import sys
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from types import ModuleType

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def audit() -> ModuleType:
    loader = SourceFileLoader("actiebot_audit", str(ROOT / "scripts" / "audit"))
    spec = spec_from_loader(loader.name, loader)
    assert spec is not None
    module = module_from_spec(spec)
    sys.modules[loader.name] = module  # dataclasses look their module up while it loads
    loader.exec_module(module)
    return module


def test_a_known_vulnerability_fails(audit: ModuleType) -> None:
    status, lines = audit.decide([
        audit.Finding("gunicorn", "22.0.0", [{"id": "GHSA-hc5x-x2vx-497g", "aliases": [],
                                              "fix_versions": ["23.0.0"]}]),
        audit.Finding("slack-bolt", "1.30.0"),
    ])
    assert status == 1
    assert "VULNERABLE gunicorn 22.0.0: GHSA-hc5x-x2vx-497g (fixed in: 23.0.0)" in lines
    assert lines[-1].startswith("audit: FAILED: 1 known vulnerability")


def test_a_reviewed_vulnerability_can_be_ignored_by_any_of_its_ids(audit: ModuleType) -> None:
    finding = audit.Finding("ecdsa", "0.19.2", [{"id": "PYSEC-1", "aliases": ["CVE-2024-23342"]}])
    status, _ = audit.decide([finding], ignored={"CVE-2024-23342": "we never sign with ecdsa"})
    assert status == 0


def test_missing_data_for_some_versions_warns_and_fails_only_when_strict(
        audit: ModuleType) -> None:
    findings = [audit.Finding("filelock", "4.2.11", audited=False),
                audit.Finding("slack-sdk", "3.47.0")]
    status, lines = audit.decide(findings)
    assert status == 0 and "NOT AUDITED filelock 4.2.11" in lines[0]
    assert audit.decide(findings, strict=True)[0] == 1


def test_no_vulnerability_data_at_all_fails(audit: ModuleType) -> None:
    status, lines = audit.decide([audit.Finding("slack-sdk", "3.47.0", audited=False)])
    assert status == 1 and "no vulnerability data reached" in lines[-1]


def test_the_audited_set_is_the_projects_dependencies_runtime_and_dev(audit: ModuleType) -> None:
    pins = audit.dependencies()
    for name in ("slack-bolt", "slack-sdk", "sqlalchemy", "psycopg", "psycopg-binary",
                 "gunicorn", "pyyaml", "hypothesis", "pip-audit"):
        assert name in pins, name
    assert "actiebot" not in pins
