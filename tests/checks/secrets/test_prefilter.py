"""Searching a file's whole text finds every line a per-line search would (and maybe more)."""

from __future__ import annotations

import re

import pytest

from gate.checks.secrets.prefilter import LineIndex, TextHint, monotone, over_text

LINES = [
    "AKIAABCDEFGHIJKLMNOP at the start",
    "",
    "  indented ghp_abcd",
    "ends with AKC1234567890",
    "x.ghp_zzzz",
    "Password = 'hunter2'",
    "nothing here",
    "last line ghp_1234",
]


def _per_line(pattern: re.Pattern[str]) -> set[int]:
    return {i for i, line in enumerate(LINES) if pattern.search(line)}


@pytest.mark.parametrize("source", [
    r"AKIA[0-9A-Z]{16}",
    r"^AKIA",
    r"\d$",
    r"(?:\s|=|:|\"|^)AKC[a-zA-Z0-9]{10,}(?:\s|\"|$)",
    r"(?<![\w.])ghp_\w{4}",
    r"ghp_\w{4}(?!\w)",
    r"(?:(?<=\W)|(?<=^))password",
    r"\bline\b",
    r"^$",
])
def test_whole_text_search_finds_the_lines_a_per_line_search_finds(source: str) -> None:
    line_pattern = re.compile(source, re.IGNORECASE)
    text_pattern = over_text(line_pattern)
    assert text_pattern is not None
    assert LineIndex(LINES).candidates(text_pattern) >= _per_line(line_pattern)


@pytest.mark.parametrize(("source", "safe"), [
    (r"a(?!\w)", True),
    (r"(?<![\w.])b", True),
    (r"(?!192\.168\.|10\.)\d", True),
    (r"(?!.)w", True),
    (r"^g$", True),
    (r"(?<!\s)c", False),  # at a line's start it would see the newline
    (r"(?!a\s)y", False),
    (r"(?<![^a])h", False),
    (r"(?s)(?!.)w", False),
    (r"\Ad", False),
    (r"e\Z", False),
    (r"(?!(a)\1)u", False),
])
def test_only_monotone_expressions_are_searched_over_the_text(source: str, safe: bool) -> None:
    assert monotone(re.compile(source)) is safe
    assert (over_text(re.compile(source)) is not None) is safe


def test_a_negative_lookbehind_that_sees_the_newline_would_lose_a_line() -> None:
    # why such expressions stay per line: joined, the line start is preceded by "\n"
    pattern = re.compile(r"(?<!\s)ghp_", re.MULTILINE)
    index = LineIndex(["a", "ghp_x"])
    assert index.candidates(pattern) == set()
    assert pattern.search("ghp_x") is not None


def test_candidates_are_one_entry_per_line_and_resume_after_a_hit() -> None:
    index = LineIndex(["ab ab ab", "", "ab", "cd"])
    assert index.candidates(re.compile("ab")) == {0, 2}
    assert index.candidates(re.compile("^", re.MULTILINE)) == {0, 1, 2, 3}
    assert index.candidates(re.compile("zz")) == set()
    assert LineIndex([]).candidates(re.compile("x")) == set()


def test_a_lowered_hint_is_used_on_ascii_text_only() -> None:
    words = re.compile("pass_?word|secret", re.IGNORECASE)
    hint = TextHint(re.compile(words.pattern, words.flags | re.MULTILINE),
                    re.compile(words.pattern, re.MULTILINE))
    ascii_lines = ["SECRET = 1", "x", "my_Pass_Word"]
    assert hint.lines(LineIndex(ascii_lines)) == {0, 2}
    # U+017F (long s) matches "s" case-insensitively but lower() keeps it: the original is used
    other = ["\u017fecret = 1", "x"]
    assert LineIndex(other).ascii_lowered() is None
    assert hint.lines(LineIndex(other)) == {0}
