"""One chunk's call: outcomes as messages, and the collector off while it runs."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from gate.checks.engine.workers import call_chunk
from gate.checks.interface import CheckError


class _Node:
    def __init__(self) -> None:
        self.parent: _Node | None = None
        self.child: _Node | None = None


REFS: list[weakref.ref[_Node]] = []
SEEN: list[bool] = []


def _cyclic_scan(root: Path, files: Sequence[str]) -> int:
    SEEN.append(gc.isenabled())
    for _ in files:
        parent, child = _Node(), _Node()
        parent.child, child.parent = child, parent  # a cycle, as bandit's parent links make
        REFS.append(weakref.ref(parent))
    return len(files)


def _raising(message: str) -> object:
    def scan(root: Path, files: Sequence[str]) -> object:
        if message == "check":
            raise CheckError("bandit failed to run")
        raise ValueError("AKIA-secret-looking text that must not cross")
    return scan


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    REFS.clear()
    SEEN.clear()
    yield
    gc.enable()


def test_chunk_runs_without_the_collector_and_its_cycles_are_freed_after() -> None:
    assert call_chunk(_cyclic_scan, Path("."), ("a.py", "b.py")) == ("ok", 2)
    assert SEEN == [False]
    assert [ref() for ref in REFS] == [None, None]
    assert gc.isenabled() is True


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    assert call_chunk(_cyclic_scan, Path("."), ("a.py",)) == ("ok", 1)
    assert [ref() for ref in REFS] == [None]
    assert gc.isenabled() is False


def test_failures_are_messages_and_restore_the_collector() -> None:
    assert call_chunk(_raising("check"), Path("."), ("a.py",)) == (
        "error", "bandit failed to run")
    assert call_chunk(_raising("other"), Path("."), ("a.py",)) == ("failed", "ValueError")
    assert gc.isenabled() is True
