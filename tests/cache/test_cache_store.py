"""The SQLite cache store: authenticated rows, batched writes, bounded, safe to share and fork."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cache_rows import Row, db_path, execute, rows, write

from gate.cache import NullCache, SqliteStore, open_cache
from gate.cache.entry import canonical
from gate.cache.interface import CacheKey
from gate.cache.keys import key_for
from gate.cache.mac import sign
from gate.cache.store import BATCH

KEY = b"s" * 32


def _key(n: int, namespace: str = "sast") -> CacheKey:
    return key_for(namespace, {"n": n})


def _store(directory: Path, **kwargs: object) -> SqliteStore:
    return SqliteStore(directory, key=KEY, **kwargs)  # type: ignore[arg-type]


def _row(cache: Path, key: CacheKey) -> Row:
    [row] = [r for r in rows(cache) if (r.namespace, r.digest) == (key.namespace, key.digest)]
    return row


def test_round_trip_and_miss(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    assert store.get(_key(1)) is None
    store.put(_key(1), {"findings": [1, "two", None]})
    assert store.get(_key(1)) == {"findings": [1, "two", None]}
    assert (store.stats.hits, store.stats.misses, store.stats.writes) == (1, 1, 1)


def test_layout_one_database_and_the_markers(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    assert store.get(_key(1)) is None
    assert not (tmp_path / "c").exists()  # a lookup creates nothing
    store.put(_key(1), {"v": 1})
    store.close()
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [".gitignore", "CACHEDIR.TAG",
                                                                 "v4"]
    assert sorted(p.name for p in (tmp_path / "c" / "v4").iterdir()) == ["cache.sqlite"]
    assert (tmp_path / "c" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")
    [row] = rows(tmp_path / "c")
    assert (row.namespace, row.digest) == ("sast", _key(1).digest)
    assert row.entry()["payload"] == {"v": 1} and row.entry()["format"] == 4
    assert row.mac == sign(KEY, row.body)
    assert row.size == len(row.body) + len(row.mac)


def _resigned(body: bytes) -> Callable[[Row], Row]:
    return lambda row: dataclasses.replace(row, body=body, mac=sign(KEY, body))


@pytest.mark.parametrize("damage", [
    lambda row: dataclasses.replace(row, body=row.body[: len(row.body) // 2]),     # torn
    lambda row: dataclasses.replace(row, body=b"\x00\xff" + row.body),             # garbage
    lambda row: dataclasses.replace(row, body=row.body.replace(b'"ok"', b'"KO"')),  # bit flip
    lambda row: dataclasses.replace(row, mac=("0" if row.mac[0] != "0" else "1") + row.mac[1:]),
    lambda row: dataclasses.replace(row, mac=""),
    lambda row: dataclasses.replace(row, body=row.body.decode()),  # type: ignore[arg-type]
    # a row written without the key: the best a forger can do is a MAC under another key
    lambda row: dataclasses.replace(row, mac=sign(b"f" * 32, row.body)),
    lambda row: dataclasses.replace(row, mac=hashlib.sha256(row.body).hexdigest()),
    # signed with the key, but not an entry of this format
    lambda row: _resigned(b"[]")(row),
    lambda row: _resigned(row.body.replace(b'"format":4', b'"format":99'))(row),
])
def test_a_damaged_or_forged_row_is_a_rejected_miss_and_is_rewritten(
        tmp_path: Path, damage: Callable[[Row], Row]) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"v": "ok"})
    store.close()
    write(cache, damage(_row(cache, _key(1))))

    assert store.get(_key(1)) is None
    assert (store.stats.rejected, store.stats.misses, store.stats.hits) == (1, 1, 0)
    store.put(_key(1), {"v": "ok"})
    assert store.get(_key(1)) == {"v": "ok"}
    store.close()
    assert _row(cache, _key(1)).mac == sign(KEY, _row(cache, _key(1)).body)


def test_a_row_copied_under_another_key_is_rejected(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.close()
    original = _row(cache, _key(1))
    write(cache, dataclasses.replace(original, digest=_key(2).digest))  # MAC still holds
    write(cache, dataclasses.replace(original, namespace="secrets"))
    assert store.get(_key(2)) is None
    assert store.get(CacheKey("secrets", _key(1).digest)) is None
    assert (store.stats.rejected, store.stats.hits) == (2, 0)
    assert store.get(_key(1)) == {"v": 1}


def test_rows_written_under_another_mac_key_are_rejected(tmp_path: Path) -> None:
    theirs = SqliteStore(tmp_path / "c", key=b"o" * 32)
    theirs.put(_key(1), {"v": 1})
    theirs.close()
    ours = _store(tmp_path / "c")
    assert ours.get(_key(1)) is None
    assert (ours.stats.rejected, ours.stats.misses) == (1, 1)
    ours.put(_key(1), {"v": 2})
    ours.close()
    assert ours.get(_key(1)) == {"v": 2}
    assert SqliteStore(tmp_path / "c", key=b"o" * 32).get(_key(1)) is None


def test_ttl_expires(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    store.put(_key(1), {"v": 1}, ttl=-1)
    store.put(_key(2), {"v": 2}, ttl=3600)
    assert store.get(_key(1)) is None
    assert store.get(_key(2)) == {"v": 2}
    assert (store.stats.rejected, store.stats.hits) == (1, 1)


def test_max_age_counts_from_the_authenticated_creation_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    two_hours_ago = time.time() - 7200
    with monkeypatch.context() as patched:
        patched.setattr("gate.cache.store.time.time", lambda: two_hours_ago)
        store.put(_key(1), {"v": 1})
    store.close()
    assert store.get(_key(1), max_age=3600) is None
    assert store.get(_key(1), max_age=3 * 3600) == {"v": 1}
    assert store.get(_key(1)) == {"v": 1}
    assert (store.stats.rejected, store.stats.hits) == (1, 2)
    # the row's own column is not what a hit trusts: only the signed body
    execute(cache, "UPDATE entries SET created = ?", time.time())
    assert store.get(_key(1), max_age=3600) is None


def test_an_oversized_entry_is_counted_and_not_kept(tmp_path: Path) -> None:
    store = _store(tmp_path / "c", max_entry_bytes=300)
    store.put(_key(1), {"blob": "x" * 300})
    store.put(_key(2), {"blob": "x"})
    assert (store.stats.oversized, store.stats.writes, store.stats.write_errors) == (1, 1, 0)
    assert store.get(_key(1)) is None
    assert store.get(_key(2)) == {"blob": "x"}
    store.close()
    assert [r.digest for r in rows(tmp_path / "c")] == [_key(2).digest]


def test_puts_are_written_in_batches(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    for n in range(BATCH - 1):
        store.put(_key(n), {"v": n})
    assert rows(cache) == []  # queued: no transaction per put
    store.put(_key(BATCH - 1), {"v": BATCH - 1})
    assert len(rows(cache)) == BATCH
    store.put(_key(BATCH), {"v": BATCH})
    assert len(rows(cache)) == BATCH
    assert store.get(_key(BATCH)) == {"v": BATCH}  # a queued key is written before it is read
    assert len(rows(cache)) == BATCH + 1
    assert store.stats.writes == BATCH + 1


def test_a_dropped_store_writes_its_queue(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    store.put(_key(1), {"v": 1})
    del store
    gc.collect()
    assert [r.digest for r in rows(tmp_path / "c")] == [_key(1).digest]


def test_a_process_that_exits_writes_its_queue(tmp_path: Path) -> None:
    script = ("import sys\nfrom pathlib import Path\nfrom gate.cache.store import SqliteStore\n"
              "from gate.cache.keys import key_for\n"
              "STORE = SqliteStore(Path(sys.argv[1]), key=b's' * 32)\n"  # a global: never dropped
              "STORE.put(key_for('sast', {'n': 1}), {'v': 1})\n")
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "c")], check=True, timeout=60)
    assert _store(tmp_path / "c").get(_key(1)) == {"v": 1}


def test_unwritable_directory_is_counted_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = _store(blocker / "c")
    store.put(_key(1), {"v": 1})
    store.put(_key(2), {"v": 2})
    store.prune()
    assert (store.stats.writes, store.stats.write_errors) == (0, 2)
    assert store.stats.last_write_error == f"Not a directory: {blocker / 'c'}"
    assert store.get(_key(1)) is None


def _as_nobody(cache: str, conn: object) -> None:
    """In a child: use a cache directory this process may read but not write (as root,
    which may write anywhere, by becoming another user first)."""
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    store = SqliteStore(Path(cache), key=KEY)
    found = store.get(_key(1))
    store.put(_key(2), {"v": 2})
    store.prune()
    s = store.stats
    conn.send((found, s.hits, s.misses, s.writes, s.write_errors))  # type: ignore[attr-defined]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can reach (pytest's own are private to this one)."""
    path = Path(tempfile.mkdtemp(prefix="gate-cache-test-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path)


def test_a_read_only_directory_degrades_to_misses_and_write_errors(shared_dir: Path) -> None:
    cache = shared_dir / "c"
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.close()
    (cache / "v4").chmod(0o555)
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_as_nobody, args=(str(cache), theirs))
    child.start()
    theirs.close()
    assert ours.poll(60)
    outcome = ours.recv()
    child.join(60)
    assert child.exitcode == 0
    # no -shm can be created beside the database: it cannot even be read
    assert outcome == (None, 0, 1, 0, 1)
    (cache / "v4").chmod(0o755)
    assert [r.digest for r in rows(cache)] == [_key(1).digest]


def test_a_locked_database_counts_write_errors_and_stops_trying(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache, busy_timeout=0.05)
    store.put(_key(1), {"v": 1})
    store.close()
    with sqlite3.connect(db_path(cache), isolation_level=None) as other:
        other.execute("BEGIN EXCLUSIVE")
        store.put(_key(2), {"v": 2})
        store.close()
        assert (store.stats.writes, store.stats.write_errors) == (1, 1)
        assert store.stats.last_write_error == f"database is locked: {cache}"
        assert store.get(_key(1)) is None  # this process no longer uses the database
        store.put(_key(3), {"v": 3})
        assert store.stats.write_errors == 2
        other.execute("ROLLBACK")
    assert _store(cache).get(_key(1)) == {"v": 1}  # another process (or run) still does


def test_unsafe_keys_are_refused(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    with pytest.raises(ValueError, match="unsafe"):
        store.get(CacheKey("../../etc", "a" * 64))
    with pytest.raises(ValueError, match="unsafe"):
        store.put(CacheKey("sast", "' OR 1=1 --" + "a" * 64), {})


def test_null_cache_and_factory(tmp_path: Path) -> None:
    assert isinstance(open_cache(None), NullCache)
    null = NullCache()
    null.put(_key(1), {"v": 1})
    assert null.get(_key(1)) is None
    assert isinstance(open_cache(tmp_path), SqliteStore)


# --- pruning ----------------------------------------------------------------------------------

def test_prune_keeps_the_most_recently_used_under_the_bound(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache, max_bytes=20_000)
    payload = {"blob": "x" * 900}
    for n in range(30):
        store.put(_key(n), payload)
    store.close()
    for n in range(30):
        execute(cache, "UPDATE entries SET used = ? WHERE digest = ?", 1000.0 + n, _key(n).digest)
    assert store.get(_key(0)) == payload  # used long ago: this hit makes it recent
    store.prune()
    left = {r.digest: r for r in rows(cache)}
    assert sum(r.size for r in left.values()) <= 20_000 * 0.8
    assert _key(0).digest in left and _key(29).digest in left
    kept = sorted(n for n in range(30) if _key(n).digest in left)
    first = kept[1]  # the least recently used survivor but entry 0: all before it went
    assert kept == [0, *range(first, 30)]
    one_more = left[_key(first).digest].size  # and no more were deleted than needed
    assert sum(r.size for r in left.values()) + one_more > 20_000 * 0.8
    assert left[_key(0).digest].used > time.time() - 60
    assert store.get(_key(1)) is None and store.get(_key(29)) == payload


def test_prune_deletes_expired_entries_first(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache, max_bytes=20_000)
    for n in range(30):
        store.put(_key(n), {"blob": "x" * 900}, ttl=-1 if n == 29 else None)
    store.prune()
    assert _key(29).digest not in {r.digest for r in rows(cache)}
    assert _key(28).digest in {r.digest for r in rows(cache)}


def test_prune_under_the_bound_deletes_nothing(tmp_path: Path) -> None:
    store = _store(tmp_path / "c", max_bytes=10 * 1024 * 1024)
    for n in range(100):
        store.put(_key(n), {"blob": "x" * 900})
    store.prune()
    assert len(rows(tmp_path / "c")) == 100


def test_prune_gives_freed_pages_back(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache, max_bytes=10_000_000)
    for n in range(400):
        store.put(_key(n), {"blob": "x" * 5000})
    store.prune()
    store.close()
    grown = db_path(cache).stat().st_size
    assert grown > 2_000_000
    store.max_bytes = 200_000
    store.prune()
    store.close()
    with sqlite3.connect(db_path(cache)) as conn:
        (free,), = conn.execute("PRAGMA freelist_count")
        (auto,), = conn.execute("PRAGMA auto_vacuum")
    assert (free, auto) == (0, 2)  # 2: incremental
    assert sum(r.size for r in rows(cache)) <= 160_000
    assert db_path(cache).stat().st_size < 400_000


def _old_layout(cache: Path, age: float) -> None:
    old = cache / "v3" / "sast" / "ab"
    old.mkdir(parents=True)
    (old / f"ab{'0' * 62}.json").write_text("gate-cache 3 x\n{}")
    (cache / ".usage").write_text('{"bytes": 1, "walked": 0}')
    then = time.time() - age
    for path in (cache / "v3", cache / ".usage"):
        os.utime(path, (then, then))


def test_prune_removes_the_previous_layout_once_unused_for_a_week(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    _old_layout(cache, 8 * 86400)
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.prune()
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", "CACHEDIR.TAG", "v4"]


def test_prune_keeps_a_previous_layout_an_older_gate_still_writes(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    _old_layout(cache, 8 * 86400)
    os.utime(cache / ".usage")  # an older gate's run wrote entries just now
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.prune()
    assert sorted(p.name for p in cache.iterdir()) == [".gitignore", ".usage", "CACHEDIR.TAG",
                                                       "v3", "v4"]
    assert len(list((cache / "v3").rglob("*.json"))) == 1


# --- damaged files ----------------------------------------------------------------------------

def _valid_db(cache: Path) -> bytes:
    store = _store(cache)
    for n in range(200):
        store.put(_key(n), {"blob": "x" * 900})
    store.close()
    return db_path(cache).read_bytes()


@pytest.mark.parametrize("content", [
    lambda valid: b"this is not a database\n" * 100,
    lambda valid: valid[: len(valid) // 3],                          # truncated
    lambda valid: valid[:100] + b"\xff" * (len(valid) - 100),         # pages overwritten
    lambda valid: b"",                                               # empty: a new database
])
def test_a_damaged_file_is_replaced(tmp_path: Path, content: Callable[[bytes], bytes]) -> None:
    cache = tmp_path / "c"
    valid = _valid_db(tmp_path / "valid")
    db_path(cache).parent.mkdir(parents=True)
    db_path(cache).write_bytes(content(valid))
    store = _store(cache)
    assert store.get(_key(1)) is None
    store.put(_key(1), {"v": 1})
    store.close()
    assert (store.stats.writes, store.stats.write_errors) == (1, 0)
    assert store.get(_key(1)) == {"v": 1}
    assert [r.digest for r in rows(cache)] == [_key(1).digest]


@pytest.mark.parametrize("sql", [
    "CREATE TABLE entries (namespace, digest, body)",
    "CREATE TABLE other (x)",
])
def test_a_database_with_another_schema_is_replaced(tmp_path: Path, sql: str) -> None:
    cache = tmp_path / "c"
    db_path(cache).parent.mkdir(parents=True)
    with sqlite3.connect(db_path(cache)) as conn:
        conn.execute(sql)
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.close()
    assert (store.stats.writes, store.stats.write_errors) == (1, 0)
    assert store.get(_key(1)) == {"v": 1}


def test_a_trigger_added_to_our_schema_is_damage(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.close()
    execute(cache, "CREATE TRIGGER t AFTER INSERT ON entries BEGIN DELETE FROM entries; END")
    fresh = _store(cache)
    assert fresh.get(_key(1)) is None  # not served from a database that is not ours
    fresh.put(_key(2), {"v": 2})
    fresh.close()
    assert [r.digest for r in rows(cache)] == [_key(2).digest]
    with sqlite3.connect(db_path(cache)) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall() \
            == []


# --- processes --------------------------------------------------------------------------------

def _writer(directory: str, worker: int, count: int) -> tuple[int, int, int]:
    store = SqliteStore(Path(directory), key=KEY, max_bytes=50_000_000)
    for n in range(count):
        store.put(_key(n, f"w{worker}"), {"n": n, "blob": "y" * 1500})
        store.put(_key(n % 10), {"shared": n % 10})  # both write these keys too
    store.prune()
    return store.stats.writes, store.stats.write_errors, store.stats.misses


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_writer, [(str(tmp_path / "c"), w, 600) for w in range(2)])
    assert results == [(1200, 0, 0), (1200, 0, 0)]
    store = _store(tmp_path / "c")
    for worker in range(2):
        for n in range(600):
            assert store.get(_key(n, f"w{worker}")) == {"n": n, "blob": "y" * 1500}
    for n in range(10):
        assert store.get(_key(n)) == {"shared": n}
    assert len(rows(tmp_path / "c")) == 1210
    with sqlite3.connect(db_path(tmp_path / "c")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _hammer(directory: str, worker: int, rounds: int) -> int:
    store = SqliteStore(Path(directory), key=KEY, max_bytes=100_000)
    bad = 0
    for n in range(rounds):
        key = _key(n % 7)
        value = store.get(key)
        if value is not None and value != {"n": n % 7, "blob": "y" * 2000}:
            bad += 1
        store.put(key, {"n": n % 7, "blob": "y" * 2000})
        store.put(_key(1000 * worker + n, "filler"), {"blob": "z" * 2000})
        if n % 25 == worker:
            store.prune()
    store.close()
    return bad + store.stats.write_errors


def test_concurrent_writers_and_pruners_never_serve_a_wrong_entry(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(3) as pool:
        bad = pool.starmap(_hammer, [(str(tmp_path / "c"), w, 150) for w in range(3)])
    assert bad == [0, 0, 0]
    _store(tmp_path / "c", max_bytes=100_000).prune()
    assert sum(r.size for r in rows(tmp_path / "c")) <= 100_000
    with sqlite3.connect(db_path(tmp_path / "c")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_forked_child_uses_its_own_connection(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    assert store.get(_key(1)) == {"v": 1}  # written, connection open
    store.put(_key(2), {"v": 2})  # queued at the fork: the parent's to write, not the child's
    read, written = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's store object, used here
        try:
            ok = store.get(_key(1)) == {"v": 1} and store.get(_key(2)) is None
            store.put(_key(3), {"v": 3})
            store.close()
            os.write(written, b"ok" if ok and not store.stats.write_errors else b"no")
        finally:
            os._exit(0)
    os.close(written)
    with os.fdopen(read, "rb") as answer:
        assert answer.read() == b"ok"
    os.waitpid(pid, 0)
    assert store.get(_key(3)) == {"v": 3}
    store.put(_key(4), {"v": 4})
    store.close()
    assert [r.entry()["payload"] for r in rows(cache)] == sorted(
        ({"v": n} for n in range(1, 5)), key=lambda v: _key(v["v"]).digest)
    assert (store.stats.writes, store.stats.write_errors) == (3, 0)
    with sqlite3.connect(db_path(cache)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _child_uses(store: SqliteStore) -> bytes:
    """Fork; the child reads key 1 and writes key 2 through ``store``; its verdict."""
    read, written = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            ok = store.get(_key(1)) == {"v": 1}
            store.put(_key(2), {"v": 2})
            store.close()
            os.write(written, b"ok" if ok and not store.stats.write_errors else b"no")
        finally:
            os._exit(0)
    os.close(written)
    with os.fdopen(read, "rb") as answer:
        verdict = answer.read()
    os.waitpid(pid, 0)
    return verdict


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_fork_while_another_thread_uses_the_store(tmp_path: Path) -> None:
    store = _store(tmp_path / "c")
    store.put(_key(1), {"v": 1})
    store.close()
    holding, done = threading.Event(), threading.Event()

    def use() -> None:
        with store._handle.lock:  # a thread in the middle of a store call
            holding.set()
            time.sleep(0.2)
            store.get(_key(1))
        done.set()

    thread = threading.Thread(target=use)
    thread.start()
    holding.wait(10)
    assert _child_uses(store) == b"ok"  # the fork waited for the call, the child connected anew
    thread.join(10)
    assert done.is_set()
    assert store.get(_key(2)) == {"v": 2}
    assert (store.stats.hits, store.stats.write_errors) == (2, 0)


def test_hits_refresh_last_use_at_most_hourly(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"v": 1})
    store.put(_key(2), {"v": 2})
    store.close()
    execute(cache, "UPDATE entries SET used = 1000 WHERE digest = ?", _key(1).digest)
    recent = _row(cache, _key(2)).used
    assert store.get(_key(1)) == {"v": 1}
    assert store.get(_key(2)) == {"v": 2}
    assert _row(cache, _key(1)).used == 1000  # queued, not a write per hit
    store.close()
    assert _row(cache, _key(1)).used > time.time() - 60
    assert _row(cache, _key(2)).used == recent  # used within the hour: left alone


def test_the_forger_canonical_encoding_matches_the_store(tmp_path: Path) -> None:
    """Tests elsewhere forge bodies with :func:`canonical`: it must be the store's encoding."""
    cache = tmp_path / "c"
    store = _store(cache)
    store.put(_key(1), {"b": 1, "a": [1, 2]})
    store.close()
    row = _row(cache, _key(1))
    assert canonical(row.entry()) == row.body


def test_the_stores_of_a_process_share_one_connection_and_keep_their_own_queues(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gate.cache.store as store_module

    opened: list[Path] = []
    connect = store_module.connect

    def counted(path: Path, **kwargs: object) -> sqlite3.Connection | None:
        opened.append(path)
        return connect(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "connect", counted)
    cache = tmp_path / "c"
    first, second = _store(cache), _store(cache)
    first.put(_key(1), {"v": 1})
    second.put(_key(2), {"v": 2})
    assert second.get(_key(1)) is None  # the first store's row is still in its own queue
    first.close()  # writes its queue; the connection is closed for both
    assert second.get(_key(1)) == {"v": 1}
    del first
    gc.collect()
    third = _store(cache)  # a later store of the process: the connection as it is
    assert third.get(_key(1)) == {"v": 1}
    second.close()
    assert third.get(_key(2)) == {"v": 2}
    assert (second.stats.writes, second.stats.hits, second.stats.misses) == (1, 1, 1)
    assert (third.stats.writes, third.stats.hits) == (0, 2)
    assert opened == [db_path(cache)] * 3  # the first use, then once after each close
    assert _store(tmp_path / "other").get(_key(1)) is None  # another file: its own link
    assert opened == [db_path(cache)] * 3 + [db_path(tmp_path / "other")]


def test_a_store_that_finds_the_file_damaged_makes_the_others_reconnect(tmp_path: Path) -> None:
    cache = tmp_path / "c"
    first, second = _store(cache), _store(cache)
    first.put(_key(1), {"v": 1})
    first.close()
    assert second.get(_key(1)) == {"v": 1}
    db_path(cache).write_bytes(b"this is not a database\n" * 100)
    for name in ("-wal", "-shm"):
        Path(f"{db_path(cache)}{name}").unlink(missing_ok=True)
    first.close()  # the shared connection is dropped (as a failed operation drops it)
    assert first.get(_key(1)) is None  # damaged: replaced, a miss
    first.put(_key(2), {"v": 2})
    first.close()
    assert second.get(_key(2)) == {"v": 2}  # the replaced file, through a new connection
    assert second.get(_key(1)) is None
