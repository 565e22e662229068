"""The dependencies check end to end: fixture repos in, findings and not-audited entries out."""

from __future__ import annotations

import json
import pickle
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from pip_audit._service import PyPIService

from gate.checks.dependencies import DependenciesCheck, VulnerabilityServiceError
from gate.checks.dependencies.audit import pypi_service
from gate.checks.interface import Check, CheckError, CheckResult
from gate.findings import Finding, Severity, content_fingerprint

RunCheck = Callable[..., CheckResult]  # the ``run_check`` fixture from conftest

VULNERABLE = "requests==2.19.1\nPyYAML==5.3.1\n"
SAFE = "requests==2.31.0\nPyYAML==6.0.1\n"


def by_rule(result: CheckResult) -> dict[str, Finding]:
    return {f.rule_id: f for f in result.findings}


def test_it_is_a_check_named_dependencies_backed_by_pip_audit() -> None:
    check = DependenciesCheck()
    assert isinstance(check, Check)
    assert (check.name, check.tool) == ("dependencies", "pip-audit")
    assert check.tool_version()[0].isdigit()


def test_vulnerable_pins_give_exactly_the_known_advisories(run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": VULNERABLE})
    assert result.status == "ok"
    assert result.files_scanned == 1
    assert not result.not_scanned
    found = by_rule(result)
    assert set(found) == {"PYSEC-2018-28", "PYSEC-2021-142"}

    req = found["PYSEC-2018-28"]
    assert req.check == "dependencies"
    assert (req.package, req.version) == ("requests", "2.19.1")
    assert req.fixed_versions == ("2.20.0",)
    assert req.fix == "upgrade requests to >= 2.20.0"
    # PYSEC-2018-28 and the (synthetic) GHSA twin are one finding, the GHSA's CVSS rates it.
    assert req.aliases == ("GHSA-x84v-xcm2-53pg", "CVE-2018-18074")
    assert req.severity is Severity.HIGH
    assert dict(req.extra)["severity_source"] == "cvss_v3 7.5"
    assert (req.path, req.start_line, req.end_line) == ("requirements.txt", 1, 1)
    assert req.help_url == "https://osv.dev/vulnerability/PYSEC-2018-28"
    assert req.message.startswith("The Requests package before 2.20.0 for Python sends")
    assert len(req.message) <= 200
    assert req.fingerprint == content_fingerprint("dependencies", "PYSEC-2018-28",
                                                  "requirements.txt", "requests==2.19.1")

    yaml = found["PYSEC-2021-142"]
    assert (yaml.package, yaml.version, yaml.fixed_versions) == ("pyyaml", "5.3.1", ("5.4",))
    assert set(yaml.aliases) == {"CVE-2020-14343", "GHSA-8q59-q68h-6hv4"}
    assert yaml.severity is Severity.HIGH  # no severity in the PyPA record: unknown fails closed
    assert dict(yaml.extra)["severity_source"].startswith("unknown")
    assert yaml.start_line == 2


def test_fixed_pins_give_nothing(run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": SAFE})
    assert result.findings == ()
    assert result.not_scanned == ()


def test_directory_and_zip_databases_give_identical_results(run_check: RunCheck,
                                                            osv_zip: Path) -> None:
    files = {"requirements.txt": VULNERABLE + "py==1.11.0\nparamiko==2.0.7\nsteam==1.0\n"
                                              "easy-parse==0.1.1\nredis==1.34\n"}
    from_dir = run_check(files)
    from_zip = run_check(files, vuln_db=osv_zip)
    assert from_dir.findings == from_zip.findings
    assert {f.rule_id for f in from_dir.findings} == {
        "PYSEC-2018-28", "PYSEC-2021-142", "PYSEC-2022-42969", "PYSEC-2018-19",
        "PYSEC-2019-125", "PYSEC-2023-97"}  # not the withdrawn redis record


def test_last_affected_and_no_fix_hints(run_check: RunCheck) -> None:
    found = by_rule(run_check({"requirements.txt": "py==1.11.0\neasy-parse==0.1.1\n"}))
    assert found["PYSEC-2022-42969"].fixed_versions == ()
    assert found["PYSEC-2022-42969"].fix == (
        "no fixed release known (last affected: 1.11.0); replace or remove py")
    assert (found["PYSEC-2023-97"].fix or "").startswith("no fixed release known; replace or")


def test_prerelease_of_the_fixed_version_is_flagged(run_check: RunCheck) -> None:
    (finding,) = run_check({"requirements.txt": "gate-synthetic-prerelease==2.0.0rc1\n"}).findings
    assert finding.rule_id == "GATE-SYN-prerelease"
    assert finding.fixed_versions == ("2.0.0",)
    assert finding.severity is Severity.MEDIUM  # database_specific MODERATE
    assert run_check({"requirements.txt": "gate-synthetic-prerelease==2.0.0\n"}).findings == ()


def test_unpinned_requirement_is_not_audited_with_its_line_and_others_still_found(
        run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": "flask>=2\nrequests==2.19.1\n"})
    assert [n.line for n in result.not_scanned] == [1]
    assert result.not_scanned[0].reason.startswith("not audited:")
    assert {f.rule_id for f in result.findings} == {"PYSEC-2018-28"}


def test_includes_each_manifest_format_and_locations(run_check: RunCheck) -> None:
    result = run_check({
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "requests==2.19.1\n",
        "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = [\n'
                          '  "PyYAML==5.3.1",\n]\n',
        "pylock.toml": 'lock-version = "1.0"\n[[packages]]\nname = "py"\nversion = "1.11.0"\n',
        "poetry.lock": '[[package]]\nname = "paramiko"\nversion = "2.0.7"\n',
        "uv.lock": 'version = 1\n[[package]]\nname = "easy-parse"\nversion = "0.1.1"\n',
    })
    got = {(f.rule_id, f.path, f.start_line) for f in result.findings}
    assert got == {
        ("PYSEC-2018-28", "requirements/base.txt", 1),
        ("PYSEC-2021-142", "pyproject.toml", 5),
        ("PYSEC-2022-42969", "pylock.toml", 4),
        ("PYSEC-2018-19", "poetry.lock", 3),
        ("PYSEC-2023-97", "uv.lock", 4),
    }
    assert result.files_scanned == 6


def test_same_pin_in_two_manifests_gives_one_finding_per_location(run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": "requests==2.19.1\n",
                        "services/api/requirements.txt": "\n\nrequests==2.19.1\nrequests==2.19.1\n"})
    locations = sorted((f.path, f.start_line) for f in result.findings)
    assert locations == [("requirements.txt", 1), ("services/api/requirements.txt", 3)]
    assert len({f.fingerprint for f in result.findings}) == 2


def test_fingerprint_does_not_depend_on_the_line(run_check: RunCheck) -> None:
    (before,) = run_check({"requirements.txt": "requests==2.19.1\n"}).findings
    (after,) = run_check({"requirements.txt": "# moved\nidna==2.7\n\nRequests==2.19.1\n"}).findings
    assert after.start_line == 4
    assert before.fingerprint == after.fingerprint


def test_the_project_is_never_executed_or_installed(run_check: RunCheck, tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    setup = (f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
             "from setuptools import setup\nsetup(name='evil', install_requires=['requests==2.19.1'])\n")
    result = run_check({
        "setup.py": setup,
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
                          'build-backend = "setuptools.build_meta"\n'
                          '[project]\nname = "evil"\ndynamic = ["dependencies"]\n',
        "requirements.txt": "-e .\n.\nrequests==2.19.1\n",
    })
    assert not marker.exists()
    assert {f.rule_id for f in result.findings} == {"PYSEC-2018-28"}
    reasons = {(n.path, n.line): n.reason for n in result.not_scanned}
    assert "editable" in reasons[("requirements.txt", 1)]
    assert "local path" in reasons[("requirements.txt", 2)]
    assert "dynamic" in reasons[("pyproject.toml", None)]


def test_policy_files_option(run_check: RunCheck) -> None:
    files = {"deps/prod.txt": "requests==2.19.1\n", "requirements.txt": "PyYAML==5.3.1\n"}
    result = run_check(files, options={"files": ["deps/*.txt", "missing.txt"]})
    assert {f.rule_id for f in result.findings} == {"PYSEC-2018-28"}
    assert [n.path for n in result.not_scanned] == ["missing.txt"]
    with pytest.raises(CheckError, match="'files' must be a list"):
        run_check(files, options={"files": [3]})
    # The policy model's default is an empty list: that means "discover".
    assert len(run_check(files, options={"files": []}).findings) == 1  # only requirements.txt
    assert len(run_check(files, options={"files": ("deps/*.txt",)}).findings) == 1


def test_no_manifest_is_a_warning_not_an_error(run_check: RunCheck) -> None:
    result = run_check({"app.py": "print('hi')\n"})
    assert result.status == "ok"
    assert result.findings == ()
    assert "no dependency manifest" in result.warnings[0]


def test_unreadable_database_files_are_warned_about(run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": VULNERABLE})
    assert any("2 unreadable file(s)" in w for w in result.warnings)


def test_missing_database_is_a_check_error(run_check: RunCheck, tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="does not exist"):
        run_check({"requirements.txt": VULNERABLE}, vuln_db=tmp_path / "no-such-db")
    with pytest.raises(VulnerabilityServiceError):
        run_check({}, vuln_db=tmp_path / "no-such-db")


def test_result_is_picklable(run_check: RunCheck) -> None:
    result = run_check({"requirements.txt": VULNERABLE + "flask>=2\n"})
    assert pickle.loads(pickle.dumps(result)) == result


# --- online: pip-audit's PyPIService against a loopback fake of PyPI's JSON API ---------------

PYPI_ANSWERS: dict[str, tuple[int, dict[str, Any]]] = {
    "/pypi/requests/2.19.1/json": (200, {"info": {"name": "requests"}, "vulnerabilities": [
        {"id": "GHSA-x84v-xcm2-53pg", "aliases": ["CVE-2018-18074"], "fixed_in": ["2.20.0"],
         "summary": "Insufficiently Protected Credentials in Requests", "withdrawn": None,
         "details": "...", "link": "https://osv.dev/vulnerability/GHSA-x84v-xcm2-53pg"},
        {"id": "PYSEC-2018-28", "aliases": ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
         "fixed_in": ["2.20.0"], "details": "The Requests package before 2.20.0 leaks.",
         "withdrawn": None, "link": "https://osv.dev/vulnerability/PYSEC-2018-28"},
        {"id": "PYSEC-0000-1", "aliases": [], "fixed_in": [], "details": "withdrawn",
         "withdrawn": "2023-01-01T00:00:00Z"},
    ]}),
    "/pypi/pyyaml/6.0.1/json": (200, {"info": {"name": "PyYAML"}, "vulnerabilities": []}),
    "/pypi/broken/1.0/json": (500, {"message": "Internal Server Error"}),
}


class _FakePyPI(BaseHTTPRequestHandler):
    """Serves ``PYPI_ANSWERS``; anything else is a 404, as on PyPI."""

    def do_GET(self) -> None:
        status, body = PYPI_ANSWERS.get(self.path, (404, {"message": "Not Found"}))
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def fake_pypi() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakePyPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Loopback(requests.adapters.HTTPAdapter):
    """Sends requests for https://pypi.org to a loopback base URL; refuses anything else."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(  # type: ignore[override]  # forwards requests' keyword arguments untouched
            self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if request.url is None or not request.url.startswith("https://pypi.org/"):
            raise requests.ConnectionError(f"test: refusing non-PyPI request {request.url}")
        request.url = self.base + request.url.removeprefix("https://pypi.org")
        return super().send(request, **kwargs)


def pointed_at(base: str, service: Any) -> Any:
    """A real PyPIService whose traffic can only reach ``base`` (a loopback address)."""
    service.session.trust_env = False  # no proxies from the environment
    for prefix in ("https://", "http://"):
        service.session.mount(prefix, _Loopback(base))
    return service


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep pip-audit's HTTP cache out of the user's home."""
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "cache"


def test_online_pypi_service_via_loopback(run_check: RunCheck, fake_pypi: str,
                                          isolated_cache: Path) -> None:
    timeouts: list[float | None] = []

    def factory(timeout: float | None) -> Any:
        timeouts.append(timeout)
        return pointed_at(fake_pypi, PyPIService(cache_dir=isolated_cache, timeout=timeout))

    result = run_check({"requirements.txt": "requests==2.19.1\nPyYAML==6.0.1\nunknown-pkg==1.0\n"},
                       vuln_db=None, check=DependenciesCheck(online_service=factory), timeout=7.0)
    assert timeouts == [7.0]
    (finding,) = result.findings  # PYSEC and GHSA merged; the withdrawn entry skipped
    assert finding.rule_id == "PYSEC-2018-28"
    assert set(finding.aliases) == {"GHSA-x84v-xcm2-53pg", "CVE-2018-18074"}
    assert finding.fixed_versions == ("2.20.0",)
    assert finding.severity is Severity.HIGH  # PyPI gives no severity: unknown fails closed
    # Same rule id and fingerprint as offline, so waivers and baselines carry over.
    offline = by_rule(run_check({"requirements.txt": "requests==2.19.1\n"}))["PYSEC-2018-28"]
    assert finding.fingerprint == offline.fingerprint
    (skipped,) = result.not_scanned
    assert (skipped.line, skipped.path) == (3, "requirements.txt")
    assert "not found on PyPI" in skipped.reason


def test_online_service_error_is_a_check_error(run_check: RunCheck, fake_pypi: str,
                                               isolated_cache: Path) -> None:
    def factory(timeout: float | None) -> Any:
        return pointed_at(fake_pypi, PyPIService(cache_dir=isolated_cache, timeout=timeout))

    with pytest.raises(CheckError, match="PyPIService failed"):
        run_check({"requirements.txt": "requests==2.19.1\nbroken==1.0\n"}, vuln_db=None,
                  check=DependenciesCheck(online_service=factory))


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_online_service_unreachable_is_a_check_error(run_check: RunCheck, closed_port: int,
                                                     isolated_cache: Path) -> None:
    def factory(timeout: float | None) -> Any:
        return pointed_at(f"http://127.0.0.1:{closed_port}", pypi_service(timeout))

    with pytest.raises(CheckError, match=r"pypi\.org"):
        run_check({"requirements.txt": VULNERABLE}, vuln_db=None,
                  check=DependenciesCheck(online_service=factory), timeout=2.0)


def test_online_service_is_not_contacted_without_pins(run_check: RunCheck) -> None:
    def factory(timeout: float | None) -> Callable[..., Any]:
        raise AssertionError("no pins: the service must not be built")

    result = run_check({"requirements.txt": "flask>=2\n"}, vuln_db=None,
                       check=DependenciesCheck(online_service=factory))
    assert len(result.not_scanned) == 1
