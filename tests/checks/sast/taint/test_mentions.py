"""The dataflow pass's word filters give the answers of the regular expressions they replaced."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import gate
from gate.checks.sast.taint.analyse import _RELEVANT
from gate.checks.sast.taint.mentions import Mentions
from gate.checks.sast.taint.project import SOURCE_TEXT
from gate.checks.sast.taint.resolve import WEB_TEXT

# The expressions as they were before Mentions, verbatim: the reference.
OLD_RELEVANT = re.compile(
    rb"request|argv|environ|getenv|\binput\(|\.route\(|set_cookie|session|"
    rb"\.(?:get|post|put|delete|patch|api_route|websocket)\(\s*[\"']/|"
    rb"\.execute|subprocess|os\.system|popen|\beval\(|\bexec\(|compile\(|pickle|marshal|shelve|"
    rb"yaml|xml|mark_safe|Markup|HttpResponse|make_response|urlopen|\bopen\(|redirect|send_file|"
    rb"send_from_directory|Environment\(|get_template|extractall|requests|httpx|urllib|ldap|xpath|elementpath|render_template_string|"
    rb"Template\(|from_string|shutil|os\.(?:remove|unlink|rmdir|mkdir|makedirs|rename|replace|"
    rb"listdir|path\.exists)|\.raw\(|\.extra\(|RawSQL|text\(|Path\(|\.search")
OLD_SOURCE_TEXT = re.compile(rb"request|argv|environ|getenv|input\(|\.route\(|ldap|Session\(|"
                             rb"Client\(|make_parser|XMLParser|Path\(|Environment\(")
OLD_WEB_TEXT = re.compile(rb"flask|django|starlette|fastapi|quart|aiohttp|pyramid|bottle|sanic|"
                          rb"falcon|tornado|werkzeug|litestar|rest_framework")
PAIRS = [(_RELEVANT, OLD_RELEVANT), (SOURCE_TEXT, OLD_SOURCE_TEXT), (WEB_TEXT, OLD_WEB_TEXT)]

# Each alternative, and the near misses of the ones with a boundary or a path literal.
EDGES = [
    b"", b"x = 1\n", b"request", b"REQUEST", b"reques", b"x.get('/a')", b'x.get(\n   "/a")',
    b"x.get('a')", b"x.get( '/'", b"x.get(\t\"/", b"xget('/a')", b".get(", b"x.get ('/a')",
    b"x.api_route('/", b"x.websocket(\"/w\")", b"x.patch('/p')", b"x.post('/'",
    b"input(", b"myinput(", b"_input(", b"input (", b" input(", b"\ninput(", b"(input(",
    b"eval(", b"x.eval(", b"reeval(", b"exec(", b"execute(", b"open(", b"reopen(", b"os.open(",
    b"popen(", b"os.path.exists", b"os.path.exist", b"os.replace", b"osremove", b"os.listdir",
    b"Path(", b"path(", b"text(", b"context(", b"Template(", b"template(", b".raw(", b"raw(",
    b".search", b"search", b"Session(", b"session", b"HttpClient(", b"Client", b"XMLParser",
    b"xml", b"werkzeug", b"rest_framework", b"restframework", b"Flask", b"flask",
]


def _texts() -> list[bytes]:
    """The gate's sources and the sast tests: whole files, each line, and ten-line windows."""
    root = Path(gate.__file__).parent.parent
    texts = list(EDGES)
    paths = [*(root / "gate").rglob("*.py"), *(root / "tests" / "checks" / "sast").rglob("*.py")]
    for path in sorted(paths):
        data = path.read_bytes()
        lines = data.split(b"\n")
        texts.append(data)
        texts.extend(lines)
        texts.extend(b"\n".join(lines[i:i + 10]) for i in range(0, len(lines), 7))
    return texts


TEXTS = _texts()


@pytest.mark.parametrize(("mentions", "old"), PAIRS, ids=["relevant", "source", "web"])
def test_mentions_answers_as_the_old_expression(mentions: Mentions,
                                                old: re.Pattern[bytes]) -> None:
    differ = [t[:80] for t in TEXTS if mentions.search(t) != bool(old.search(t))]
    assert differ == []
    assert sum(1 for t in TEXTS if mentions.search(t)) > 100  # both answers were exercised
    assert sum(1 for t in TEXTS if not mentions.search(t)) > 100


@pytest.mark.parametrize(("mentions", "old"), PAIRS, ids=["relevant", "source", "web"])
def test_the_joined_pattern_is_the_old_expression(mentions: Mentions,
                                                  old: re.Pattern[bytes]) -> None:
    differ = [t[:80] for t in TEXTS if bool(mentions.pattern.search(t)) != bool(old.search(t))]
    assert differ == []


def test_each_edge_case_answer() -> None:
    relevant = [e for e in EDGES if _RELEVANT.search(e)]
    assert b'x.get(\n   "/a")' in relevant
    assert b"x.get('a')" not in relevant
    assert b"myinput(" not in relevant
    assert b"(input(" in relevant
    assert b"reopen(" not in relevant
    assert b"popen(" in relevant
    assert b"reeval(" not in relevant


def test_a_guarded_pattern_needs_its_needle() -> None:
    with pytest.raises(ValueError, match="empty needle"):
        Mentions((), ((b"", rb"\bx"),))
    words = Mentions((b"ab",), ((b"c(", rb"\bc\("),))
    assert words.search(b"xab") is True
    assert words.search(b"c(") is True
    assert words.search(b"bc(") is False
    assert words.search(b"") is False
