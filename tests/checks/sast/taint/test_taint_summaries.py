"""Function summaries across the repository's imports."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.checks.sast.taint.analyse import analyse_file


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))


def test_source_returned_by_a_helper_in_another_module(tmp_path: Path) -> None:
    _write(tmp_path, {
        "web/__init__.py": "",
        "web/params.py": '''
            from flask import request

            def get_param(name):
                value = request.args.get(name)
                return value or ""

            class Wrapper:
                def __init__(self, req):
                    self.request = req

                def form(self, name):
                    return self.request.form.get(name)

                def constant(self, name):
                    return "fixed"
        ''',
        "web/views.py": '''
            import os
            from .params import get_param, Wrapper

            def one():
                os.system("echo " + get_param("a"))

            def two(req):
                w = Wrapper(req)
                os.system("echo " + w.form("b"))
                os.system("echo " + w.constant("c"))
        ''',
    })
    result = analyse_file(tmp_path, "web/views.py")
    assert result.error is None
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-CMDI", 5),
                                                              ("GATE-PY-CMDI", 9)]
    first = result.findings[0]
    assert first.path[0].path == "web/params.py"
    assert first.path[0].line == 4
    assert first.path[-1] == first.path[-1].__class__("web/views.py", 5, "reaches os.system")


def test_parameter_reaching_a_sink_inside_a_helper_is_reported_at_the_call(tmp_path: Path) -> None:
    _write(tmp_path, {
        "db.py": '''
            def find(cursor, name):
                sql = "SELECT * FROM t WHERE name = '" + name + "'"
                cursor.execute(sql)

            def find_safely(cursor, name):
                cursor.execute("SELECT * FROM t WHERE name = ?", (name,))
        ''',
        "app.py": '''
            from flask import request
            import db

            def view(cursor):
                db.find(cursor, request.args["n"])
                db.find_safely(cursor, request.args["n"])
        ''',
    })
    result = analyse_file(tmp_path, "app.py")
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-SQLI", 5)]
    steps = [(s.path, s.line) for s in result.findings[0].path]
    assert steps[0] == ("app.py", 5)
    assert steps[-1] == ("db.py", 3)


def test_hand_written_html_escaper_is_a_sanitiser_for_xss_only(tmp_path: Path) -> None:
    _write(tmp_path, {
        "util.py": '''
            def escape_for_html(s):
                out = ""
                for c in s:
                    out += c if c.isalnum() else "&#%d;" % ord(c)
                return out
        ''',
        "app.py": '''
            from flask import Flask, request, redirect
            from util import escape_for_html
            app = Flask(__name__)

            @app.route("/a")
            def a():
                return "<p>" + escape_for_html(request.args["q"]) + "</p>"

            @app.route("/b")
            def b():
                return redirect(escape_for_html(request.args["q"]))
        ''',
    })
    result = analyse_file(tmp_path, "app.py")
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-REDIRECT", 11)]


def test_imports_outside_the_repository_propagate_conservatively(tmp_path: Path) -> None:
    _write(tmp_path, {"app.py": '''
        import os
        import thirdparty
        from flask import request

        def view():
            os.system(thirdparty.wrap(request.args["c"]))
    '''})
    result = analyse_file(tmp_path, "app.py")
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-CMDI", 6)]


def test_results_do_not_depend_on_the_order_files_are_analysed(tmp_path: Path) -> None:
    _write(tmp_path, {
        "lib/__init__.py": "",
        "lib/conn.py": '''
            import ldap3

            def connect():
                return ldap3.Connection(ldap3.Server("ldap://directory"))
        ''',
        "lib/params.py": '''
            from flask import request

            def uid():
                return request.args.get("uid", "")
        ''',
        "a.py": '''
            from lib.conn import connect
            from lib.params import uid

            def view():
                connect().search("ou=people", "(uid=" + uid() + ")")
        ''',
        "b.py": '''
            import lib.conn

            def other(name):
                return lib.conn.connect()
        ''',
    })
    from gate.checks.sast.taint import analyse as module

    results = []
    for order in (["a.py", "b.py"], ["b.py", "a.py"], ["lib/conn.py", "b.py", "a.py"]):
        module._PROJECTS.clear()
        by_file = {rel: analyse_file(tmp_path, rel) for rel in order}
        results.append(by_file["a.py"])
    assert [(f.rule_id, f.line) for f in results[0].findings] == [("GATE-PY-LDAPI", 5)]
    assert results[1] == results[0]
    assert results[2] == results[0]


def test_two_import_hops_are_followed_and_recorded_as_dependencies(tmp_path: Path) -> None:
    _write(tmp_path, {
        "web/__init__.py": "",
        "web/inputs.py": '''
            from flask import request

            def raw_host():
                return request.args.get("host")
        ''',
        "web/params.py": '''
            from web.inputs import raw_host

            def host():
                return raw_host().strip()
        ''',
        "web/views.py": '''
            import os
            from web.params import host

            def ping():
                os.system("ping " + host())
        ''',
    })
    result = analyse_file(tmp_path, "web/views.py")
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-CMDI", 5)]
    assert result.findings[0].path[0].path == "web/inputs.py"
    found = sorted((k.dotted, k.found) for k in result.lookups if k.found)
    assert found == [("web.inputs", "web/inputs.py"), ("web.params", "web/params.py")]
