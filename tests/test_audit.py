"""`scripts/audit.py` (the `make audit` step): reading pip-audit's JSON report. The samples in
tests/audit_samples/ are pip-audit 2.10 outputs: `pypi_unreachable.json` and
`osv_unreachable.stderr` were recorded on a machine without access to pypi.org / api.osv.dev;
`vulnerable.json` follows pip-audit's documented `--format json` layout with real advisories."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "audit_samples"


def _load_audit():
    spec = importlib.util.spec_from_file_location("motcua_audit_script", ROOT / "scripts/audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


audit = _load_audit()


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def test_vulnerabilities_fail_naming_package_version_advisory_and_fixes():
    outcome = audit.judge("requirements.txt", 1, sample("vulnerable.json"), "")
    assert outcome.status == "failed"
    text = "\n".join(outcome.lines)
    assert "3 known vulnerabilities in requirements.txt" in text
    assert (
        "django==5.2.1: PYSEC-2025-47 (CVE-2025-48432, GHSA-7xr5-9hcq-chf9) — "
        "sửa trong / fixed in: 4.2.22, 5.1.10, 5.2.2"
    ) in text
    assert "jinja2==3.1.4: GHSA-cpwx-vrp4-4pq7 (CVE-2025-27516)" in text
    assert "pyotp" not in text


def test_parse_report_counts_audited_and_skipped():
    report = audit.parse_report(json.loads(sample("vulnerable.json")))
    assert report.audited == 3
    assert [name for name, _ in report.skipped] == ["motcua"]
    assert [v.advisory for v in report.vulnerabilities] == [
        "PYSEC-2025-47",
        "GHSA-q2x7-8rv6-6q7h",
        "GHSA-cpwx-vrp4-4pq7",
    ]
    assert not report.unreachable  # something was audited


def test_every_dependency_not_found_means_the_service_is_unreachable():
    outcome = audit.judge("requirements.txt", 0, sample("pypi_unreachable.json"), "")
    assert outcome.status == "skipped"
    assert outcome.lines[0].startswith("SKIPPED: advisory service unreachable for requirements.txt")


def test_connection_error_without_json_is_skipped_not_failed():
    outcome = audit.judge("requirements.txt", 1, "", sample("osv_unreachable.stderr"))
    assert outcome.status == "skipped"
    assert "SKIPPED: advisory service unreachable" in outcome.lines[0]
    assert "api.osv.dev" in outcome.lines[0]


def test_clean_report_is_ok():
    outcome = audit.judge("requirements-dev.txt", 0, sample("clean.json"), "")
    assert outcome.status == "ok"
    assert outcome.lines == ("OK: requirements-dev.txt: 2 dependencies, no known vulnerability",)


def test_other_errors_fail_with_the_message():
    outcome = audit.judge("requirements.txt", 1, "", "ERROR: hash mismatch for package foo")
    assert outcome.status == "failed"
    assert "hash mismatch" in outcome.lines[0]


@pytest.mark.parametrize(("strict", "code"), [("", 0), ("1", 1)])
def test_skip_fails_only_when_the_audit_is_required(monkeypatch, capsys, strict, code):
    monkeypatch.setenv("MOTCUA_REQUIRE_AUDIT", strict)
    monkeypatch.setattr(
        audit,
        "run",
        lambda req, service, timeout: audit.Outcome("skipped", (f"SKIPPED: {req}",)),
    )
    assert audit.main(["requirements.txt"]) == code
    assert "SKIPPED: requirements.txt" in capsys.readouterr().out


def test_vulnerability_makes_main_fail(monkeypatch, capsys):
    monkeypatch.setattr(
        audit,
        "run",
        lambda req, service, timeout: audit.judge(req, 1, sample("vulnerable.json"), ""),
    )
    assert audit.main(["requirements.txt"]) == 1
    assert "django==5.2.1" in capsys.readouterr().out


def test_a_file_whose_pins_another_file_holds_is_audited_with_it(tmp_path, monkeypatch, capsys):
    base = tmp_path / "base.txt"
    dev = tmp_path / "dev.txt"
    base.write_text("Django==5.2.8 \\\n    --hash=sha256:aa\nzope.interface==7.0\n")
    dev.write_text("django==5.2.8 \\\n    --hash=sha256:aa\nzope-interface==7.0\npytest==8.4.2\n")
    audited: list[str] = []
    monkeypatch.setattr(
        audit,
        "run",
        lambda req, service, timeout: audited.append(req) or audit.Outcome("ok", (f"OK: {req}",)),
    )
    assert audit.main([str(base), str(dev)]) == 0
    assert audited == [str(dev)]
    assert f"{base}: every pin is also in {dev}; its audit covers both" in capsys.readouterr().out
    # A version that differs, or a file that is not a strict subset, is audited on its own.
    dev.write_text("django==5.2.9\nzope-interface==7.0\npytest==8.4.2\n")
    assert audit.covered_by(str(base), [str(base), str(dev)]) is None
    dev.write_text(base.read_text())
    assert audit.covered_by(str(base), [str(base), str(dev)]) is None
    # A requirement that is not a pin (an include, an editable, a URL) is audited on its own.
    dev.write_text("django==5.2.8\nzope-interface==7.0\npytest==8.4.2\n")
    assert audit.covered_by(str(base), [str(base), str(dev)]) == str(dev)
    base.write_text("django==5.2.8\n-e ./vendor/lib\n")
    assert audit.covered_by(str(base), [str(base), str(dev)]) is None
