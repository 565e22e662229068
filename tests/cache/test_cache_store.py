"""The file-system cache store: atomic, self-healing, bounded, safe to share."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from gate.cache import FileStore, NullCache, open_cache
from gate.cache.interface import CacheKey
from gate.cache.keys import key_for


def _key(n: int, namespace: str = "sast") -> CacheKey:
    return key_for(namespace, {"n": n})


def _entry_path(store: FileStore, key: CacheKey) -> Path:
    return store.directory / "v3" / key.namespace / key.digest[:2] / f"{key.digest}.json"


def test_round_trip_and_miss(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c")
    assert store.get(_key(1)) is None
    store.put(_key(1), {"findings": [1, "two", None]})
    assert store.get(_key(1)) == {"findings": [1, "two", None]}
    assert (store.stats.hits, store.stats.misses, store.stats.writes) == (1, 1, 1)


def test_directory_is_ignored_by_git_and_tagged(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c")
    store.put(_key(1), {})
    assert (tmp_path / "c" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                          # torn write
    lambda raw: b"\x00\xff" + raw,                             # garbage
    lambda raw: raw.replace(b'"ok"', b'"KO"'),                 # payload edited: checksum fails
    lambda raw: b"[]",                                         # valid JSON, not an entry
    lambda raw: raw.replace(b'"format":3', b'"format":99'),    # another format
])
def test_corrupt_entry_is_a_miss_and_is_rewritten(tmp_path: Path, damage: object) -> None:
    store = FileStore(tmp_path / "c")
    store.put(_key(1), {"v": "ok"})
    path = _entry_path(store, _key(1))
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]

    assert store.get(_key(1)) is None
    assert store.stats.rejected == 1
    store.put(_key(1), {"v": "ok"})
    assert store.get(_key(1)) == {"v": "ok"}


def test_entry_under_the_wrong_name_is_not_trusted(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c")
    store.put(_key(1), {"v": 1})
    wrong = _entry_path(store, _key(2))
    wrong.parent.mkdir(parents=True, exist_ok=True)
    wrong.write_bytes(_entry_path(store, _key(1)).read_bytes())
    assert store.get(_key(2)) is None


def test_ttl_expires(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c")
    store.put(_key(1), {"v": 1}, ttl=-1)
    store.put(_key(2), {"v": 2}, ttl=3600)
    assert store.get(_key(1)) is None
    assert store.get(_key(2)) == {"v": 2}


def test_unwritable_directory_is_counted_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = FileStore(blocker / "c")
    store.put(_key(1), {"v": 1})
    assert store.stats.write_errors == 1 and store.stats.last_write_error
    assert store.get(_key(1)) is None


def test_prune_keeps_the_most_recently_used_under_the_bound(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c", max_bytes=10_000)
    payload = {"blob": "x" * 900}
    for n in range(30):
        store.put(_key(n), payload)
        os.utime(_entry_path(store, _key(n)), (1000 + n, 1000 + n))
    store.get(_key(0))  # used recently: survives although written first
    os.utime(_entry_path(store, _key(0)))
    store.prune()
    sizes = [p.stat().st_size for p in (tmp_path / "c" / "v3").rglob("*.json")]
    assert sum(sizes) <= 10_000 * 0.8
    assert store.get(_key(0)) == payload
    assert store.get(_key(29)) == payload
    assert store.get(_key(1)) is None


def test_prune_removes_stale_temporary_files(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c", max_bytes=1)
    store.put(_key(1), {})
    leftover = _entry_path(store, _key(1)).parent / ".tmp-dead.json"
    leftover.write_text("{")
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    store.prune()
    assert not leftover.exists()


def test_unsafe_keys_are_refused(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "c")
    with pytest.raises(ValueError, match="unsafe"):
        store.get(CacheKey("../../etc", "a" * 64))
    with pytest.raises(ValueError, match="unsafe"):
        store.put(CacheKey("sast", "../" + "a" * 64), {})


def _hammer(directory: str, worker: int, rounds: int) -> int:
    store = FileStore(Path(directory), max_bytes=200_000)
    bad = 0
    for n in range(rounds):
        key = _key(n % 7)
        value = store.get(key)
        if value is not None and value != {"n": n % 7, "blob": "y" * 2000}:
            bad += 1
        store.put(key, {"n": n % 7, "blob": "y" * 2000})
        if n % 25 == worker:
            store.prune()
    return bad


def test_concurrent_writers_and_pruners_never_serve_a_torn_entry(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        bad = pool.starmap(_hammer, [(str(tmp_path / "c"), w, 150) for w in range(4)])
    assert bad == [0, 0, 0, 0]
    leftovers = [p for p in (tmp_path / "c").rglob(".tmp-*")]
    assert leftovers == []
    for path in (tmp_path / "c" / "v3").rglob("*.json"):
        assert json.loads(path.read_bytes().partition(b"\n")[2])["format"] == 3


def test_null_cache_and_factory(tmp_path: Path) -> None:
    assert isinstance(open_cache(None), NullCache)
    null = NullCache()
    null.put(_key(1), {"v": 1})
    assert null.get(_key(1)) is None
    assert isinstance(open_cache(tmp_path), FileStore)


def _walks(store: FileStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = store._entries

    def counted() -> list[Any]:
        calls.append(1)
        return real()

    monkeypatch.setattr(store, "_entries", counted)
    return calls


def test_prune_walks_the_store_once_then_keeps_a_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(tmp_path / "c", max_bytes=10_000)
    walks = _walks(store, monkeypatch)
    store.put(_key(1), {"blob": "x" * 900})
    store.prune()
    store.put(_key(2), {"blob": "x" * 900})
    store.prune()
    assert len(walks) == 1  # the second prune only added its write to the ledger
    ledger = json.loads((tmp_path / "c" / ".usage").read_text())
    sizes = sum(p.stat().st_size for p in (tmp_path / "c" / "v3").rglob("*.json"))
    assert ledger["bytes"] == sizes
    for n in range(3, 20):  # past the bound by the ledger's estimate: walk and prune
        store.put(_key(n), {"blob": "x" * 900})
    store.prune()
    assert len(walks) == 2
    left = sum(p.stat().st_size for p in (tmp_path / "c" / "v3").rglob("*.json"))
    assert left <= 10_000 * 0.8
    assert json.loads((tmp_path / "c" / ".usage").read_text())["bytes"] == left


@pytest.mark.parametrize("ledger", ["{", '{"bytes": -5, "walked": 0}', '{"bytes": 1}', "[]"])
def test_a_damaged_or_old_ledger_means_a_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              ledger: str) -> None:
    store = FileStore(tmp_path / "c", max_bytes=10_000)
    store.put(_key(1), {"blob": "x"})
    (tmp_path / "c" / ".usage").write_text(ledger)
    walks = _walks(store, monkeypatch)
    store.prune()
    assert len(walks) == 1


def test_a_ledger_older_than_an_hour_means_a_walk(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(tmp_path / "c", max_bytes=10_000)
    store.put(_key(1), {"blob": "x"})
    (tmp_path / "c" / ".usage").write_text(json.dumps({"bytes": 0,
                                                       "walked": time.time() - 7200}))
    walks = _walks(store, monkeypatch)
    store.prune()
    assert len(walks) == 1
