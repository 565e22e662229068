"""Reading pins from manifests: requirements files with includes, pyproject, pylock, poetry, uv."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from gate.checks.dependencies.manifests import (
    ManifestKind,
    discover_manifests,
    manifest_kind,
    read_manifests,
    select_manifests,
)
from gate.checks.dependencies.model import ManifestScan


def write_repo(root: Path, files: dict[str, str]) -> tuple[str, ...]:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return tuple(sorted(files))


def scan(root: Path, files: dict[str, str]) -> ManifestScan:
    return read_manifests(root, discover_manifests(write_repo(root, files)))


def pins(result: ManifestScan) -> set[tuple[str, str, str, int | None]]:
    return {(p.canonical_name, str(p.version), p.path, p.line) for p in result.pins}


def reasons(result: ManifestScan) -> dict[tuple[str, int | None], str]:
    return {(n.path, n.line): n.reason for n in result.not_scanned}


@pytest.mark.parametrize(("path", "kind"), [
    ("requirements.txt", ManifestKind.REQUIREMENTS),
    ("sub/requirements-dev.txt", ManifestKind.REQUIREMENTS),
    ("requirements/base.txt", ManifestKind.REQUIREMENTS),
    ("a/requirements/prod.txt", ManifestKind.REQUIREMENTS),
    ("pyproject.toml", ManifestKind.PYPROJECT),
    ("pylock.toml", ManifestKind.PYLOCK),
    ("pylock.dev.toml", ManifestKind.PYLOCK),
    ("poetry.lock", ManifestKind.POETRY_LOCK),
    ("svc/uv.lock", ManifestKind.UV_LOCK),
    ("notes.txt", None),
    ("requirements.in", None),
    ("docs/pyproject.toml.bak", None),
])
def test_manifest_kind_by_name(path: str, kind: ManifestKind | None) -> None:
    assert manifest_kind(path) is kind


def test_unpinned_and_unresolvable_lines_are_reported_with_lines_other_pins_kept(
        tmp_path: Path) -> None:
    result = scan(tmp_path, {"requirements.txt": (
        "# comment\n"
        "requests==2.19.1\n"
        "flask>=2\n"
        "-e .\n"
        "pkg @ https://example.com/pkg-1.0.tar.gz\n"
        "django\n"
        "this is not valid!!\n"
        "numpy==1.*\n"
        "PyYAML==5.3.1 ; python_version < '3.8' \\\n"
        "    --hash=sha256:abcd\n"
        "weird===not.pep440-x_y\n"
        "--index-url https://example.com/simple\n"
    )})
    assert pins(result) == {("requests", "2.19.1", "requirements.txt", 2),
                            ("pyyaml", "5.3.1", "requirements.txt", 9)}
    got = reasons(result)
    assert set(got) == {("requirements.txt", n) for n in (3, 4, 5, 6, 7, 8, 11)}
    assert all(r.startswith("not audited: ") for r in got.values())
    assert "not pinned" in got[("requirements.txt", 3)]
    assert "editable" in got[("requirements.txt", 4)]
    assert "direct URL" in got[("requirements.txt", 5)]
    assert "unparseable" in got[("requirements.txt", 7)]
    assert "wildcard" in got[("requirements.txt", 8)]
    assert "PEP 440" in got[("requirements.txt", 11)]


def test_includes_are_followed_relative_to_the_including_file(tmp_path: Path) -> None:
    result = scan(tmp_path, {
        "requirements.txt": "-r requirements/prod.txt\nrequests==2.19.1\n",
        "requirements/prod.txt": "-c ../constraints/pins.txt\n-r base.in\n",
        "requirements/base.in": "pyyaml==5.3.1\n",
        "constraints/pins.txt": "urllib3==1.24.1\n",
    })
    assert pins(result) == {
        ("requests", "2.19.1", "requirements.txt", 2),
        ("pyyaml", "5.3.1", "requirements/base.in", 1),
        ("urllib3", "1.24.1", "constraints/pins.txt", 1),
    }
    assert set(result.files_read) == {"requirements.txt", "requirements/prod.txt",
                                      "requirements/base.in", "constraints/pins.txt"}
    assert not result.not_scanned


def test_include_cycle_reads_each_file_once(tmp_path: Path) -> None:
    result = scan(tmp_path, {
        "requirements.txt": "-r requirements-dev.txt\nrequests==2.19.1\n",
        "requirements-dev.txt": "-r requirements.txt\n-r ./requirements-dev.txt\npyyaml==5.3.1\n",
    })
    assert pins(result) == {("requests", "2.19.1", "requirements.txt", 2),
                            ("pyyaml", "5.3.1", "requirements-dev.txt", 3)}
    assert sorted(result.files_read) == ["requirements-dev.txt", "requirements.txt"]


def test_includes_escaping_the_repo_missing_or_remote_are_reported(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("evil==1.0\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "linked.txt").symlink_to(outside)
    result = scan(repo, {"requirements.txt": (
        "-r ../outside.txt\n-r /etc/passwd\n-r linked.txt\n-r missing.txt\n"
        "-r https://example.com/req.txt\nrequests==2.19.1\n")})
    assert pins(result) == {("requests", "2.19.1", "requirements.txt", 6)}
    got = reasons(result)
    assert "outside the repository" in got[("requirements.txt", 1)]
    assert "outside the repository" in got[("requirements.txt", 2)]
    assert "outside the repository" in got[("requirements.txt", 3)]
    assert "does not exist" in got[("requirements.txt", 4)]
    assert "remote include" in got[("requirements.txt", 5)]


def test_undecodable_requirements_file_is_not_scanned_as_a_whole(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"\xff\xfe\x00garbage\xc3")
    result = read_manifests(tmp_path, [("requirements.txt", ManifestKind.REQUIREMENTS)])
    assert not result.pins
    (only,) = result.not_scanned
    assert (only.path, only.line) == ("requirements.txt", None)
    assert only.reason.startswith("not audited: requirements file could not be read")


def test_pyproject_only_exact_pins_are_audited(tmp_path: Path) -> None:
    result = scan(tmp_path, {"pyproject.toml": (
        '[build-system]\nrequires = ["setuptools"]\n\n'
        '[project]\nname = "demo"\nversion = "1.0"\n'
        'dependencies = [\n'
        '  "requests==2.19.1",\n'
        '  "flask>=2",\n'
        '  "PyYAML == 5.3.1; python_version >= \'3.8\'",\n'
        '  "pkg @ https://example.com/x.whl",\n'
        '  "not a requirement ((",\n'
        ']\n[project.optional-dependencies]\ndev = ["pytest==7.0"]\n'
    )})
    assert pins(result) == {("requests", "2.19.1", "pyproject.toml", 8),
                            ("pyyaml", "5.3.1", "pyproject.toml", 10)}
    got = reasons(result)
    assert "only == pins" in got[("pyproject.toml", 9)]
    assert "direct URL" in got[("pyproject.toml", 11)]
    assert "unparseable" in got[("pyproject.toml", 12)]


def test_pyproject_without_project_table_or_with_dynamic_dependencies(tmp_path: Path) -> None:
    assert scan(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}) == ManifestScan(
        files_read=("pyproject.toml",))
    result = scan(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n'})
    assert not result.pins
    assert "dynamic" in result.not_scanned[0].reason


def test_broken_toml_is_not_scanned_as_a_whole(tmp_path: Path) -> None:
    result = scan(tmp_path, {"poetry.lock": "[[package]\nname = \n"})
    assert not result.pins
    assert result.not_scanned[0].path == "poetry.lock"
    assert "could not be parsed" in result.not_scanned[0].reason


def test_pylock_toml(tmp_path: Path) -> None:
    result = scan(tmp_path, {"pylock.toml": (
        'lock-version = "1.0"\ncreated-by = "test"\n\n'
        '[[packages]]\nname = "requests"\nversion = "2.19.1"\n'
        'index = "https://pypi.org/simple"\n\n'
        '[[packages.wheels]]\nname = "requests-2.19.1-py2.py3-none-any.whl"\n\n'
        '[[packages]]\nname = "mylib"\ndirectory = { path = "./mylib" }\n\n'
        '[[packages]]\nname = "gitdep"\nvcs = { type = "git", url = "https://x", '
        'commit-id = "abc" }\n'
    )})
    assert pins(result) == {("requests", "2.19.1", "pylock.toml", 6)}
    got = reasons(result)
    assert "local directory" in got[("pylock.toml", 13)]  # no version: the name line
    assert "no version" in got[("pylock.toml", 17)]


def test_poetry_lock(tmp_path: Path) -> None:
    result = scan(tmp_path, {"poetry.lock": (
        '[[package]]\nname = "pyyaml"\nversion = "5.3.1"\ndescription = "YAML"\n'
        'optional = false\n\n[package.extras]\nx = []\n\n'
        '[[package]]\nname = "local"\nversion = "0.1"\n\n'
        '[package.source]\ntype = "directory"\nurl = "../local"\n\n'
        '[[package]]\nname = "requests"\nversion = "2.31.0"\n\n'
        '[metadata]\nlock-version = "2.0"\n'
    )})
    assert pins(result) == {("pyyaml", "5.3.1", "poetry.lock", 3),
                            ("requests", "2.31.0", "poetry.lock", 20)}
    assert "local directory source" in reasons(result)[("poetry.lock", 12)]


def test_uv_lock(tmp_path: Path) -> None:
    result = scan(tmp_path, {"uv.lock": (
        'version = 1\nrequires-python = ">=3.10"\n\n'
        '[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { editable = "." }\n\n'
        '[[package]]\nname = "requests"\nversion = "2.19.1"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        'dependencies = [{ name = "urllib3" }]\n\n'
        '[[package.wheels]]\nurl = "https://x/requests.whl"\n\n'
        '[[package]]\nname = "urllib3"\nversion = "1.24.1"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
    )})
    assert pins(result) == {("requests", "2.19.1", "uv.lock", 11),
                            ("urllib3", "1.24.1", "uv.lock", 20)}
    assert "local editable source" in reasons(result)[("uv.lock", 6)]


def test_same_pin_in_several_manifests_is_kept_per_location(tmp_path: Path) -> None:
    result = scan(tmp_path, {"requirements.txt": "requests==2.19.1\n",
                             "svc/requirements.txt": "requests==2.19.1\n",
                             "pyproject.toml": '[project]\nname="x"\ndependencies=["requests==2.19.1"]\n'})
    assert {p.path for p in result.pins} == {"requirements.txt", "svc/requirements.txt",
                                             "pyproject.toml"}


def test_policy_files_select_globs_and_literal_paths(tmp_path: Path) -> None:
    files = write_repo(tmp_path, {"deps/prod.txt": "a==1\n", "deps/dev.txt": "b==1\n",
                                  "requirements.txt": "c==1\n"})
    chosen, missing = select_manifests(tmp_path, files, ["deps/*.txt", "nothing/**/*.lock",
                                                         "missing.txt", "../escape.txt"])
    assert [p for p, _ in chosen] == ["deps/dev.txt", "deps/prod.txt"]
    assert all(kind is ManifestKind.REQUIREMENTS for _, kind in chosen)
    assert {n.path for n in missing} == {"nothing/**/*.lock", "missing.txt", "../escape.txt"}
    result = read_manifests(tmp_path, chosen)
    assert {(p.name, p.version) for p in result.pins} == {("a", Version("1")), ("b", Version("1"))}


def test_credentials_in_quoted_lines_are_masked(tmp_path: Path) -> None:
    result = scan(tmp_path, {"requirements.txt": (
        "pkg @ https://ci-user:s3cr3t-token@private.example.com/pkg-1.0.tar.gz\n")})
    (entry,) = result.not_scanned
    assert "s3cr3t" not in entry.reason
    assert "https://***@private.example.com" in entry.reason


UV_LOCK = ('version = 1\n\n[[package]]\nname = "Flask"\nversion = "2.0.1"\n'
           'source = { registry = "https://pypi.org/simple" }\n')


def test_pyproject_ranges_covered_by_a_lock_beside_or_above_are_not_not_scanned(
        tmp_path: Path) -> None:
    pyproject = '[project]\nname = "x"\ndependencies = ["flask>=2", "requests>=2.19"]\n'
    result = scan(tmp_path, {"pyproject.toml": pyproject, "uv.lock": UV_LOCK,
                             "svc/pyproject.toml": pyproject})
    assert pins(result) == {("flask", "2.0.1", "uv.lock", 5)}
    # flask is audited through the lock (beside, and for svc/ above); requests is not locked
    assert sorted(reasons(result)) == [("pyproject.toml", 3), ("svc/pyproject.toml", 3)]
    assert all("'requests>=2.19' is not pinned" in r for r in reasons(result).values())


def test_a_lock_in_a_sibling_directory_covers_nothing(tmp_path: Path) -> None:
    result = scan(tmp_path, {"app/pyproject.toml": '[project]\nname = "x"\n'
                                                   'dependencies = ["flask>=2"]\n',
                             "other/poetry.lock": '[[package]]\nname = "flask"\n'
                                                  'version = "2.0.1"\n'})
    assert list(reasons(result)) == [("app/pyproject.toml", 3)]
