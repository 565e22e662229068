"""``gate db update`` against a loopback HTTP server, then ``gate run`` offline from its result.

The export is built at test time from tests/fixtures/osv in osv.dev's layout
(one ``<id>.json`` per record); hostile variants (corrupt, oversized, path
traversal, not OSV, HTTP errors) must each leave the previous database as it was.
"""

from __future__ import annotations

import http.server
import json
import threading
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from gate.checks.dependencies.osv_source import decode, iter_documents
from gate.checks.dependencies.vulndb import database_dir, default_database, read_info
from gate.cli.main import main

OSV = Path(__file__).resolve().parents[1] / "fixtures" / "osv"
OSV_ACTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "osv-actions"


def _export(path: Path) -> Path:
    """The fixture records in osv.dev's all.zip layout (readable records only)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for doc in iter_documents(OSV):
            try:
                record = decode(doc)
            except ValueError:
                continue
            if isinstance(record, dict) and "id" in record:
                archive.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def _actions_export(path: Path) -> bytes:
    """The GitHub Actions fixture advisories in osv.dev's export layout."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in sorted(OSV_ACTIONS.glob("*.json")):
            archive.write(record, record.name)
    return path.read_bytes()


def _zip(path: Path, members: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path.read_bytes()


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, bytes] = {}

    def do_GET(self) -> None:
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback server with the good export and the hostile variants."""
    root = tmp_path_factory.mktemp("export")
    good = _export(root / "all.zip").read_bytes()
    record = json.dumps({"id": "PYSEC-X", "modified": "2024-01-01T00:00:00Z",
                         "affected": [{"package": {"ecosystem": "PyPI", "name": "x"},
                                       "versions": ["1.0"]}]}).encode()
    _Handler.routes = {
        "/PyPI/all.zip": good,
        "/GitHub%20Actions/all.zip": _actions_export(root / "actions.zip"),
        "/actions-traversal.zip": _zip(root / "at.zip", {"GHSA-x.json": b"{}",
                                                         "../evil.json": b"{}"}),
        "/actions-not-osv.zip": _zip(root / "an.zip", {f"{i}.json": b'{"id": 1}'
                                                      for i in range(5)}),
        "/corrupt.zip": good[: len(good) // 2],
        "/garbage.zip": b"<html>not a zip</html>",
        "/traversal.zip": _zip(root / "t.zip", {"PYSEC-X.json": record,
                                                "../../evil.json": record}),
        "/not-osv.zip": _zip(root / "n.zip", {f"{i}.json": b'{"hello": "world"}'
                                              for i in range(5)}),
        "/bomb.zip": _zip(root / "b.zip", {"PYSEC-X.json": record,
                                           "pad.json": b" " * (8 * 1024 * 1024)}),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _update(dest: Path, source: str, *extra: str) -> int:
    return main(["db", "update", "--dest", str(dest), "--source", source, *extra])


def test_update_then_offline_run_finds_the_fixture_advisories(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"gate: vulnerability database updated: {dest / 'all.zip'} (")
    info = read_info(dest / "all.zip")
    assert info is not None and info.source == f"{server}/PyPI/all.zip"
    assert info.size == (dest / "all.zip").stat().st_size
    assert abs((datetime.now(timezone.utc) - info.fetched_at).total_seconds()) < 600
    assert sorted(p.name for p in dest.iterdir()) == ["all.zip", "gate-db.json", "github-actions"]
    assert f"GitHub Actions advisories updated: {dest / 'github-actions' / 'all.zip'} (3 " in out
    actions = read_info(dest / "github-actions" / "all.zip")
    assert actions is not None and actions.source == f"{server}/GitHub%20Actions/all.zip"
    assert actions.records == 3

    monkeypatch.setenv("GATE_DB_DIR", str(dest))
    assert default_database() == dest / "all.zip"
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("requests==2.19.0\nPyYAML==5.3\n", encoding="utf-8")
    report = tmp_path / "gate.json"
    code = main(["run", str(repo), "--checks", "dependencies", "--no-post", "--no-cache",
                 "--report", f"json={report}"])
    result = json.loads(report.read_text(encoding="utf-8"))
    ids = sorted({f["rule_id"] for f in result["findings"]})
    assert ids == ["PYSEC-2018-28", "PYSEC-2021-142"]
    assert code == 1  # both are high: the default policy fails on them


def test_stale_database_warns_and_policy_sets_the_age(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip") == 0
    meta = dest / "gate-db.json"
    raw = json.loads(meta.read_text(encoding="utf-8"))
    raw["fetched_at"] = (datetime.now(timezone.utc) - timedelta(days=30)).isoformat()
    meta.write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setenv("GATE_DB_DIR", str(dest))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "requirements.txt").write_text("requests==2.19.0\n", encoding="utf-8")

    def warnings(policy: str) -> list[str]:
        (repo / ".gate.yml").write_text(policy, encoding="utf-8")
        report = tmp_path / "gate.json"
        main(["run", str(repo), "--checks", "dependencies", "--no-post", "--no-cache",
              "--report", f"json={report}"])
        data = json.loads(report.read_text(encoding="utf-8"))
        (check,) = [c for c in data["checks"] if c["name"] == "dependencies"]
        return [w for w in check["warnings"] if "vulnerability database" in w]

    stale = warnings("version: 1\n")
    assert len(stale) == 1
    assert stale[0].startswith(f"offline vulnerability database {dest / 'all.zip'} was fetched "
                               "30 days ago (more than 7)")
    assert stale[0].endswith("run `gate db update`")
    assert warnings("version: 1\nchecks:\n  dependencies:\n    vuln_db_max_age: 45\n") == []


@pytest.mark.parametrize(("route", "message"), [
    ("/corrupt.zip", "not a valid zip archive"),
    ("/garbage.zip", "not a valid zip archive"),
    ("/traversal.zip", "member name '../../evil.json' escapes the archive (path traversal)"),
    ("/not-osv.zip", "has no readable OSV record"),
    ("/bomb.zip", "(zip bomb?); refused"),
    ("/missing.zip", "HTTP 404"),
])
def test_bad_download_leaves_the_previous_database(
        server: str, tmp_path: Path, route: str, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip") == 0
    before = {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert _update(dest, f"{server}{route}") == 3
    err = capsys.readouterr().err
    assert err.startswith(f"gate: error: {server}{route}: ")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert {p.relative_to(dest): p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before


def test_oversized_download_is_cut_off(server: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip", "--max-size", "100") == 3
    err = capsys.readouterr().err
    assert "more than the 100-byte cap (--max-size)" in err
    assert list(dest.iterdir()) == []  # no partial file left behind


def test_local_path_source_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    export = _export(tmp_path / "mirror.zip")
    monkeypatch.setenv("GATE_DB_DIR", str(tmp_path / "db"))
    assert main(["db", "status"]) == 1
    assert "no local vulnerability database" in capsys.readouterr().out
    assert main(["db", "update", "--source", str(export)]) == 0
    assert (database_dir() / "all.zip").read_bytes() == export.read_bytes()
    capsys.readouterr()
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{tmp_path / 'db' / 'all.zip'}: ")
    assert f"from {export}, fetched " in out


def test_unsupported_scheme_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _update(tmp_path / "db", "ftp://127.0.0.1/all.zip") == 3
    assert "unsupported source" in capsys.readouterr().err
    assert list((tmp_path / "db").iterdir()) == []


def test_without_a_local_database_the_check_goes_online(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.checks.dependencies.offline import resolve_database

    monkeypatch.setenv("GATE_DB_DIR", str(tmp_path / "empty"))
    assert resolve_database(None, 7) == (None, [])
    explicit = _export(tmp_path / "mine.zip")  # no metadata: its age is the user's business
    assert resolve_database(explicit, 7) == (explicit, [])


@pytest.mark.parametrize(("route", "message"), [
    ("/actions-traversal.zip", "member name '../evil.json' escapes the archive (path traversal)"),
    ("/actions-not-osv.zip", "no usable GitHub Actions advisory in 5 files"),
    ("/missing-actions.zip", "HTTP 404"),
])
def test_bad_actions_download_leaves_the_previous_advisories(
        server: str, tmp_path: Path, route: str, message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip") == 0
    before = {p.relative_to(dest): p.read_bytes() for p in (dest / "github-actions").iterdir()}
    capsys.readouterr()
    assert _update(dest, f"{server}/PyPI/all.zip", "--actions-source", f"{server}{route}") == 3
    err = capsys.readouterr().err
    assert err.startswith(f"gate: error: {server}{route}: ")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    after = {p.relative_to(dest): p.read_bytes() for p in (dest / "github-actions").iterdir()}
    assert after == before


def test_offline_pipeline_run_matches_action_advisories(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "db"
    assert _update(dest, f"{server}/PyPI/all.zip") == 0
    monkeypatch.setenv("GATE_DB_DIR", str(dest))
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(
        "on: push\npermissions: {contents: read}\njobs:\n  c:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: tj-actions/changed-files@v45.0.7\n"
        "      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67\n",
        encoding="utf-8")
    report = tmp_path / "gate.json"
    code = main(["run", str(repo), "--checks", "pipeline", "--no-post", "--no-cache",
                 "--report", f"json={report}"])
    data = json.loads(report.read_text(encoding="utf-8"))
    got = sorted((f["rule_id"], f["start_line"], f["severity"])
                 for f in data["findings"])
    assert got == [("GATE-GHA-001", 7, "medium"), ("GATE-GHA-016", 7, "high")]
    (check,) = [c for c in data["checks"] if c["name"] == "pipeline"]
    assert any("ci.yml:8: GATE-GHA-016 not evaluated" in w and "without a # vX.Y.Z comment" in w
               for w in check["warnings"])
    assert code == 1
