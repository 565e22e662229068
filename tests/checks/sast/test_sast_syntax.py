"""A file that does not parse says which Python it needs, when that is the reason."""

from __future__ import annotations

import sys

import pytest

from gate.checks.sast.syntax import needed_python, parse_failure

RUNNING = sys.version_info[:2]

CASES = [
    ((3, 12), "x = 1\nname = f'{'a'}'\n", "a PEP 701 f-string"),
    ((3, 12), "type Vector = list[float]\n", "a PEP 695 type alias"),
    ((3, 12), "def first[T](items: list[T]) -> T:\n    return items[0]\n", "PEP 695 generic"),
    ((3, 11), "try:\n    pass\nexcept* ValueError:\n    pass\n", "except*"),
    ((3, 14), "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "PEP 758"),
]


def _failure(source: str) -> tuple[str, int | None] | None:
    try:
        compile(source, "f.py", "exec")
    except SyntaxError as exc:
        return parse_failure(source.encode(), exc)
    return None


@pytest.mark.parametrize(("version", "source", "feature"), CASES,
                         ids=[c[2] for c in CASES])
def test_newer_syntax_names_the_python_it_needs(version: tuple[int, int], source: str,
                                                feature: str) -> None:
    failure = _failure(source)
    if version <= RUNNING:  # this interpreter parses it: nothing to explain
        assert failure is None
        return
    assert failure is not None
    reason, line = failure
    assert reason.startswith(f"needs Python {version[0]}.{version[1]} or newer (")
    assert feature in reason
    assert f"the gate runs on Python {RUNNING[0]}.{RUNNING[1]}" in reason
    assert line is not None and line >= 1


def test_a_plain_syntax_error_is_not_blamed_on_the_version() -> None:
    failure = _failure("def f(:\n    pass\n")
    assert failure is not None
    assert failure[0].startswith("could not parse the file: ")
    assert failure[1] == 1
    assert needed_python("def f(:\n", "invalid syntax") is None


def test_null_bytes_are_reported_with_their_line() -> None:
    assert parse_failure(b"x = 1\ny\x00 = 2\n", ValueError("null bytes")) == (
        "could not parse the file: it contains null bytes", 2)
