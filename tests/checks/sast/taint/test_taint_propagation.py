"""How taint moves inside a function, and what stops it."""

from __future__ import annotations

import textwrap

import pytest

from gate.checks.sast.taint.analyse import analyse_source

HEAD = "import os\nfrom flask import request\n\ndef view():\n    p = request.args.get('p')\n"


def _flagged(body: str) -> bool:
    """Whether ``body`` (inside ``view()``, with ``p`` tainted) makes ``os.system(x)`` a finding."""
    code = HEAD + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ") + "\n    os.system(x)\n"
    result = analyse_source("app.py", code)
    assert result.error is None
    return any(f.rule_id == "GATE-PY-CMDI" for f in result.findings)


@pytest.mark.parametrize("body", [
    "x = p",
    "x = 'echo ' + p",
    "x = 'echo %s' % p",
    "x = 'echo {}'.format(p)",
    "x = f'echo {p}'",
    "x = ' '.join(['echo', p])",
    "x = p[1:-1]",
    "x = p.strip().lower().split(',')[0]",
    "import base64\nx = base64.b64decode(p).decode()",
    "import urllib.parse\nx = urllib.parse.unquote_plus(p)",
    "x = p if os.name == 'nt' else 'ls'",
    "d = {}\nd['a'] = 'safe'\nd['b'] = p\nx = d['b']",
    "l = ['safe']\nl.append(p)\nx = l[1]",
    "l = ['safe', p, 'more']\nl.pop(0)\nx = l[0]",
    "x = ''\nfor part in p.split('/'):\n    x += part",
    "import io\nbuf = io.StringIO()\nbuf.write(p)\nx = buf.getvalue()",
    "x = 'ls'\nif os.name == 'posix':\n    x = p",
    "def helper(v):\n    return 'echo ' + v\nx = helper(p)",
])
def test_taint_propagates(body: str) -> None:
    assert _flagged(body) is True


@pytest.mark.parametrize("body", [
    "x = p\nx = 'ls'",
    "x = 'ls' if 7 * 18 + 106 > 200 else p",
    "num = 86\nif 7 * 42 - num > 200:\n    x = 'ls'\nelse:\n    x = p",
    "x = 'safe'\nif 'never' in x:\n    x = p",
    "d = {}\nd['a'] = 'safe'\nd['b'] = p\nx = d['a']",
    "l = ['safe', p, 'more']\nl.pop(0)\nx = l[1]",
    "x = 'ls ' + str(int(p))",
    "import shlex\nx = 'ls ' + shlex.quote(p)",
    "x = 'ls' if p in ('a', 'b') else 'ls'",
    "if p not in ('a', 'b'):\n    return 'no'\nx = 'ls ' + p",
    "if not p.isdigit():\n    raise ValueError(p)\nx = 'ls ' + p",
    "x = str(len(p))",
    "def helper(v):\n    return 'ls'\nx = helper(p)",
    "match 'B':\n    case 'A':\n        x = p\n    case 'B':\n        x = 'ls'\n    case _:\n        x = p",
    "import configparser\nc = configparser.ConfigParser()\nc.set('s', 'a', 'ls')\n"
    "c.set('s', 'b', p)\nx = c.get('s', 'a')",
    "x = 'ls'\nif p.startswith('-'):\n    x = 'ls'",
])
def test_taint_is_stopped(body: str) -> None:
    assert _flagged(body) is False


def test_sanitiser_only_clears_its_own_family() -> None:
    code = textwrap.dedent('''
        import html
        from flask import request, redirect

        def view():
            target = html.escape(request.args["next"])
            return redirect(target)
    ''').lstrip("\n")
    result = analyse_source("app.py", code)
    assert [f.rule_id for f in result.findings] == ["GATE-PY-REDIRECT"]


def test_guard_that_leaves_the_function_sanitises_the_rest() -> None:
    code = textwrap.dedent('''
        from flask import request

        def view():
            name = request.args["f"]
            if ".." in name or name.startswith("/"):
                return "no"
            return open("/srv/" + name).read()
    ''').lstrip("\n")
    result = analyse_source("app.py", code)
    assert [f.rule_id for f in result.findings if f.kind == "path"] == []


def test_parse_error_names_nothing_from_the_source() -> None:
    result = analyse_source("bad.py", "def f(:\n    os.system('hunter2')\n")
    assert result.findings == ()
    assert result.error is not None and "hunter2" not in result.error
    assert result.error_line == 1
