"""Reading flagged lines back: code without its comment, and the markers comments hold."""

from __future__ import annotations

from pathlib import Path

from gate.checks.sast.source import Marker, PySource

TEXT = '''import subprocess
subprocess.call(cmd, shell=True)  # nosec B602 reviewed: fixed command
x = "# nosec"; subprocess.call(y, shell=True)
doc = """
# nosec inside a string
"""
z = 1  # plain comment
'''


def _source(tmp_path: Path) -> PySource:
    path = tmp_path / "m.py"
    path.write_text(TEXT)
    return PySource.read(path)


def test_code_drops_the_comment_only(tmp_path: Path) -> None:
    source = _source(tmp_path)
    assert source.code(2) == "subprocess.call(cmd, shell=True)  "
    assert source.code(3) == 'x = "# nosec"; subprocess.call(y, shell=True)'
    assert source.code(5) == "# nosec inside a string"
    assert source.code(7) == "z = 1  "
    assert source.code(1) == "import subprocess"
    assert (source.code(0), source.code(99)) == ("", "")


def test_markers_come_from_comments_not_string_literals(tmp_path: Path) -> None:
    source = _source(tmp_path)
    assert source.marker(2) == Marker("nosec", ("B602",), "reviewed: fixed command")
    assert [source.marker(n) for n in (1, 3, 4, 5, 6, 7, 99)] == [None] * 7


def test_lines_without_a_hash_never_tokenize(tmp_path: Path) -> None:
    source = _source(tmp_path)
    assert (source.code(1), source.marker(1)) == ("import subprocess", None)
    assert "comments" not in vars(source)
    source.marker(7)
    assert source.comments == {2: (34, "# nosec B602 reviewed: fixed command"),
                               7: (7, "# plain comment")}
