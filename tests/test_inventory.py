"""The inventory: which files every check reads, which only the secrets check reads, which none."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.inventory import HARD_CAP, SYMLINK_OUTSIDE, InventoryError, build_inventory

MakeRepo = Callable[..., Path]


def test_text_files_go_to_every_check(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n", "docs/b.md": "# b\n"})

    inventory = build_inventory(root)

    assert inventory.files == ("a.py", "docs/b.md")
    assert inventory.bytes_only == () and inventory.not_scanned == ()
    assert inventory.files_for("sast") == inventory.files_for("secrets") == ("a.py", "docs/b.md")


def test_binary_and_oversized_files_go_to_the_secrets_check_only(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n", "big.txt": "x" * 5000})
    (root / "deploy").mkdir()
    (root / "deploy/creds.env").write_bytes(b"KEY=value\n\x00\n")

    inventory = build_inventory(root, max_file_size=1000)

    assert inventory.files == ("a.py",)
    assert inventory.bytes_only == ("big.txt", "deploy/creds.env")
    assert inventory.not_scanned == ()
    assert inventory.files_for("sast") == ("a.py",)
    assert inventory.files_for("iac") == ("a.py",)
    assert inventory.files_for("secrets") == ("a.py", "big.txt", "deploy/creds.env")
    assert inventory.all_files == ("a.py", "big.txt", "deploy/creds.env")


def test_a_file_over_the_hard_cap_is_read_by_no_check(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    with (root / "dump.sql").open("wb") as handle:  # sparse: costs no disk
        handle.truncate(HARD_CAP + 1)

    inventory = build_inventory(root, max_file_size=1000)

    assert inventory.files == ("a.py",) and inventory.bytes_only == ()
    [entry] = inventory.not_scanned
    assert entry.path == "dump.sql"
    assert entry.reason == f"larger than the {HARD_CAP} byte hard cap: no check reads it"


def test_a_file_at_the_hard_cap_is_still_streamed(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    with (root / "dump.sql").open("wb") as handle:
        handle.truncate(HARD_CAP)

    inventory = build_inventory(root, max_file_size=1000)

    assert inventory.bytes_only == ("dump.sql",) and inventory.not_scanned == ()


def test_symbolic_links_out_of_the_tree_are_listed_in_tree_ones_skipped(
        make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    outside = tmp_path / "outside.env"
    outside.write_text("SECRET=1\n", encoding="utf-8")
    os.symlink(outside, root / "leak.env")
    os.symlink("a.py", root / "alias.py")
    os.symlink("missing.txt", root / "dangling.txt")

    inventory = build_inventory(root)

    assert inventory.files == ("a.py",)
    assert {(n.path, n.reason) for n in inventory.not_scanned} == {
        ("leak.env", SYMLINK_OUTSIDE), ("dangling.txt", SYMLINK_OUTSIDE)}


def test_excludes_apply_to_byte_only_files_too(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n"})
    (root / "vendor").mkdir()
    (root / "vendor/blob.bin").write_bytes(b"\x00" * 10)

    inventory = build_inventory(root, exclude=("vendor/**",))

    assert inventory.all_files == ("a.py",)


def test_outside_git_the_tree_is_walked(make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n", ".venv/lib.py": "y = 2\n"}, git=False)
    (root / "img.png").write_bytes(b"\x89PNG\x00\x00")

    inventory = build_inventory(root)

    assert not inventory.git
    assert inventory.files == ("a.py",) and inventory.bytes_only == ("img.png",)


@pytest.mark.parametrize("make_path, message", [
    (lambda tmp: tmp / "nope", "path not found"),
    (lambda tmp: tmp / "file.txt", "not a directory"),
])
def test_unusable_root_is_an_inventory_error(tmp_path: Path, make_path: Callable[[Path], Path],
                                             message: str) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InventoryError, match=message):
        build_inventory(make_path(tmp_path))


def test_set_aside_files_carry_why_the_other_checks_do_not_get_them(
        make_repo: MakeRepo) -> None:
    root = make_repo({"a.py": "x = 1\n", "big.py": "x = 1\n" * 40_000})
    (root / "blob.py").write_bytes(b"x = 1\n\x00\n")

    inventory = build_inventory(root, max_file_size=1000)

    assert [(n.path, n.reason, n.line) for n in inventory.set_aside] == [
        ("big.py", "over max_file_size (0.2 MB > 1,000 bytes): read by the secrets check only",
         None),
        ("blob.py", "binary content (a null byte near the start): read by the secrets check "
                    "only", None)]
    assert inventory.set_aside_for("sast") == inventory.set_aside
    assert inventory.set_aside_for("secrets") == ()


@pytest.fixture
def sniffs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file whose bytes the inventory reads; written files count as settled at once."""
    import gate.inventory

    monkeypatch.setattr("gate.cache.facts.RACY_SECONDS", 0)
    read: list[str] = []
    real = gate.inventory._sniff

    def counting(path: Path) -> list[object]:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(gate.inventory, "_sniff", counting)
    return read


def test_a_warm_inventory_reads_only_changed_files(make_repo: MakeRepo, tmp_path: Path,
                                                   sniffs: list[str]) -> None:
    root = make_repo({"a.py": "x = 1\n", "b.py": "y = 2\n", "big.txt": "x" * 5000})
    cache = tmp_path / "cache"
    cold = build_inventory(root, max_file_size=1000, cache_dir=cache)
    assert sorted(sniffs) == ["a.py", "b.py", "big.txt"]
    sniffs.clear()
    assert build_inventory(root, max_file_size=1000, cache_dir=cache) == cold
    assert sniffs == []

    (root / "b.py").write_bytes(b"y = 2\n\x00\n")  # now binary
    sniffs.clear()
    warm = build_inventory(root, max_file_size=1000, cache_dir=cache)
    assert sniffs == ["b.py"]
    assert warm.files == ("a.py",) and warm.bytes_only == ("b.py", "big.txt")
    assert warm == build_inventory(root, max_file_size=1000)  # uncached: the same


def test_the_size_limit_is_applied_afresh_to_remembered_files(make_repo: MakeRepo, tmp_path: Path,
                                                             sniffs: list[str]) -> None:
    root = make_repo({"a.py": "x = 1\n", "big.txt": "x" * 5000})
    cache = tmp_path / "cache"
    assert build_inventory(root, max_file_size=1000, cache_dir=cache).bytes_only == ("big.txt",)
    sniffs.clear()
    larger = build_inventory(root, max_file_size=10_000, cache_dir=cache)
    assert larger.files == ("a.py", "big.txt") and sniffs == []
