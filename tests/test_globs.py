"""Policy globs behave like .gitignore patterns users already know."""

import pytest

from gate.globs import matches_any


@pytest.mark.parametrize("path, pattern, expected", [
    ("tests/a/b.py", "tests/**", True),
    ("tests/a.py", "tests/", True),
    ("src/tests.py", "tests/**", False),
    ("x/node_modules/a.js", "node_modules", True),
    ("a/b/c.min.js", "*.min.js", True),
    ("src/x/test_a.py", "src/**/test_*.py", True),
    ("src/test_a.py", "src/**/test_*.py", True),
    ("srcx/a.py", "src/*", False),
    ("src/a/b.py", "src/*", True),
    ("requirements-dev.txt", "requirements*.txt", True),
    ("docs/x.md", "./docs/**", True),
])
def test_matches(path: str, pattern: str, expected: bool) -> None:
    assert matches_any(path, [pattern]) is expected
