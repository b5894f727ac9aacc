"""Known-vulnerability check of the locked dependencies (`make audit`, part of `make test`).

Runs `pip-audit -r FILE --require-hashes --disable-pip --format json` for requirements.txt and
requirements-dev.txt and reads its JSON report (a file whose every pin is in another file of the
list, as requirements.txt's are in requirements-dev.txt, is audited with that one, not twice):

- a vulnerability → FAILED, naming the package, the locked version, the advisory id (and its
  aliases) and the versions that fix it; exit status 1;
- the advisory service (PyPI's JSON API, or OSV with `--vulnerability-service osv`) cannot be
  reached — a connection error, or every dependency skipped as "not found" — → one line
  "SKIPPED: advisory service unreachable …", exit status 0 (an offline machine can still run
  `make test`); set MOTCUA_REQUIRE_AUDIT=1 to make that a failure (CI with network);
- otherwise "OK".

Usage: python scripts/audit.py [REQUIREMENTS ...] [--service pypi|osv]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = ("requirements.txt", "requirements-dev.txt")

#: Words of pip-audit's error output when the service cannot be reached.
NETWORK_ERRORS = (
    "connectionerror",
    "connection refused",
    "max retries exceeded",
    "failed to establish a new connection",
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "network is unreachable",
    "read timed out",
    "connecttimeout",
    "timed out",
    "proxyerror",
    "sslerror",
)
NOT_FOUND = "not found on pypi"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


@dataclass(frozen=True)
class Vulnerability:
    package: str
    version: str
    advisory: str
    fix_versions: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    def line(self) -> str:
        fixed = ", ".join(self.fix_versions) if self.fix_versions else "chưa có bản sửa / no fix"
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        return (
            f"{self.package}=={self.version}: {self.advisory}{also} — sửa trong / fixed in: {fixed}"
        )


@dataclass
class Report:
    audited: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    vulnerabilities: list[Vulnerability] = field(default_factory=list)

    @property
    def unreachable(self) -> bool:
        """No dependency could be audited and every skip is a "not found" (what pip-audit
        reports for each package when PyPI's JSON API does not answer)."""
        return (
            self.audited == 0
            and bool(self.skipped)
            and all(
                NOT_FOUND in reason.lower() or "could not be audited" in reason.lower()
                for _name, reason in self.skipped
            )
        )


def parse_report(data: dict[str, Any]) -> Report:
    """Read pip-audit's JSON (`--format json`): {"dependencies": [{"name", "version", "vulns":
    [{"id", "fix_versions", "aliases"?, "description"?}]} | {"name", "skip_reason"}],
    "fixes": [...]}."""
    report = Report()
    for dep in data.get("dependencies", []):
        name = str(dep.get("name", "?"))
        if "skip_reason" in dep:
            report.skipped.append((name, str(dep["skip_reason"])))
            continue
        report.audited += 1
        for vuln in dep.get("vulns", []) or []:
            report.vulnerabilities.append(
                Vulnerability(
                    package=name,
                    version=str(dep.get("version", "?")),
                    advisory=str(vuln.get("id", "?")),
                    fix_versions=tuple(str(v) for v in vuln.get("fix_versions", []) or []),
                    aliases=tuple(str(a) for a in vuln.get("aliases", []) or []),
                )
            )
    return report


def is_network_error(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in NETWORK_ERRORS)


@dataclass(frozen=True)
class Outcome:
    status: str  # "ok", "skipped", "failed"
    lines: tuple[str, ...]


def judge(requirements: str, returncode: int, stdout: str, stderr: str) -> Outcome:
    """What one pip-audit run means (pure: unit-tested with recorded outputs)."""
    try:
        data = json.loads(stdout) if stdout.strip() else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        if is_network_error(stderr) or is_network_error(stdout):
            last = (stderr.strip().splitlines() or ["?"])[-1][:200]
            return Outcome(
                "skipped",
                (f"SKIPPED: advisory service unreachable for {requirements} ({last})",),
            )
        detail = (stderr.strip() or stdout.strip() or f"exit status {returncode}")[-800:]
        return Outcome("failed", (f"FAILED: pip-audit could not check {requirements}: {detail}",))
    report = parse_report(data)
    if report.vulnerabilities:
        return Outcome(
            "failed",
            (
                f"FAILED: {len(report.vulnerabilities)} known vulnerabilit"
                f"{'y' if len(report.vulnerabilities) == 1 else 'ies'} in {requirements}:",
                *(f"  {v.line()}" for v in report.vulnerabilities),
            ),
        )
    if report.unreachable:
        return Outcome(
            "skipped",
            (
                f"SKIPPED: advisory service unreachable for {requirements} "
                f"(all {len(report.skipped)} dependencies 'not found'; no advisory was checked)",
            ),
        )
    lines = [f"OK: {requirements}: {report.audited} dependencies, no known vulnerability"]
    if report.skipped:
        names = ", ".join(name for name, _ in report.skipped[:10])
        lines.append(f"  ({len(report.skipped)} not audited: {names})")
    return Outcome("ok", tuple(lines))


def pip_audit_command() -> list[str]:
    local = Path(sys.executable).with_name("pip-audit")
    exe = str(local) if local.exists() else shutil.which("pip-audit") or "pip-audit"
    return [exe]


def run(requirements: str, service: str, timeout: int) -> Outcome:
    cmd = [
        *pip_audit_command(),
        "-r",
        requirements,
        "--require-hashes",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--vulnerability-service",
        service,
        "--timeout",
        "15",
    ]
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return Outcome("failed", ("FAILED: pip-audit is not installed (requirements-dev.txt)",))
    except subprocess.TimeoutExpired:
        return Outcome(
            "skipped",
            (
                f"SKIPPED: advisory service unreachable for {requirements} "
                f"(no answer in {timeout} s)",
            ),
        )
    return judge(requirements, done.returncode, done.stdout, done.stderr)


def pins(requirements: str) -> frozenset[str] | None:
    """The `name==version` lines of a requirements file, names normalised (PEP 503); None when
    the file has another kind of requirement (`-r`, `-e`, a URL, a range…), which only its own
    audit covers. Indented lines (hashes, comments of a pin) and comments are skipped."""
    found = set()
    for line in (ROOT / requirements).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line[0].isspace() or line.startswith("#"):
            continue
        match = PIN.match(line)
        if match is None:
            return None
        found.add(f"{re.sub(r'[-_.]+', '-', match[1]).lower()}=={match[2]}")
    return frozenset(found)


def covered_by(requirements: str, others: list[str]) -> str | None:
    """Another file of `others` that pins every package of `requirements` at the same version
    (requirements-dev.txt holds all of requirements.txt): auditing it audits both."""
    own = pins(requirements)
    for other in others:
        theirs = pins(other) if other != requirements else None
        if own and theirs is not None and own < theirs:
            return other
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="*", default=list(DEFAULT_FILES))
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--timeout", type=int, default=300)
    args = parser.parse_args(argv)
    strict = os.environ.get("MOTCUA_REQUIRE_AUDIT", "") not in ("", "0")
    status = 0
    for requirements in args.requirements:
        covering = covered_by(requirements, args.requirements)
        if covering:
            print(f"{requirements}: every pin is also in {covering}; its audit covers both")
            continue
        outcome = run(requirements, args.service, args.timeout)
        for line in outcome.lines:
            print(line)
        if outcome.status == "failed" or (outcome.status == "skipped" and strict):
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
