"""Every distinct source at a sink; dict keys and values tracked apart; unresolved values."""

from __future__ import annotations

import textwrap

from gate.checks.sast.taint.analyse import analyse_source
from gate.checks.sast.taint.interface import FileAnalysis


def _analyse(text: str) -> FileAnalysis:
    return analyse_source("app.py", textwrap.dedent(text).lstrip("\n"))


def test_the_most_dangerous_source_leads_and_the_others_are_listed() -> None:
    result = _analyse('''
        import os
        from flask import request

        def run():
            os.system(os.environ.get("TOOL", "x") + " " + request.args["h"])
    ''')
    assert [(f.rule_id, f.line, f.severity, f.confidence) for f in result.findings] == [
        ("GATE-PY-CMDI", 5, "high", "high")]
    finding = result.findings[0]
    assert finding.message == ("OS command injection: request.args (line 5) reaches os.system "
                               "(line 5); also from os.environ.get()")
    assert finding.path[-1].message == "also: user input: os.environ.get()"


def test_constant_keys_of_a_dict_with_input_values_are_not_input() -> None:
    result = _analyse('''
        from flask import request

        def search(cur):
            crit = {"name": request.args.get("name"), "city": request.args.get("city")}
            cur.execute("SELECT * FROM t WHERE " + " AND ".join(k + " = %s" for k in crit),
                        list(crit.values()))
            cur.execute("SELECT * FROM t WHERE " + " AND ".join(crit.values()))
    ''')
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-SQLI", 7)]
    assert sorted((m.kind, m.line, m.status) for m in result.marks) == [
        ("sql", 5, "safe"), ("sql", 7, "tainted"),
        ("sql-text", 5, "safe"), ("sql-text", 7, "tainted")]


def test_a_key_drawn_from_a_constant_list_reads_each_item() -> None:
    result = _analyse('''
        from flask import request

        def search(cur):
            crit = {"name": "x", "city": "y"}
            for k in ("name", "city"):
                crit[k] = request.args.get(k)
            for k in ("name", "city"):
                cur.execute("SELECT * FROM t WHERE c = '%s'" % crit[k])
    ''')
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-SQLI", 8)]


def test_an_unresolved_value_is_neither_input_nor_proof() -> None:
    result = _analyse('''
        import os
        from config import COMMAND

        def run():
            os.system(COMMAND)
            os.system("ls")
    ''')
    assert result.findings == ()
    assert sorted((m.line, m.status, m.proof) for m in result.marks) == [
        (5, "unproven", ""), (6, "safe", "constant")]


def test_a_parameter_annotated_request_is_the_request_whatever_its_name() -> None:
    result = _analyse('''
        import os
        from starlette.requests import Request

        async def run(req: Request):
            os.system("ping " + req.query_params["host"])
    ''')
    assert [(f.rule_id, f.line, f.confidence) for f in result.findings] == [
        ("GATE-PY-CMDI", 5, "high")]


def test_a_value_a_view_stores_on_self_in_setup_is_followed_into_get() -> None:
    result = _analyse('''
        from django.db import connection
        from django.views import View

        class SearchView(View):
            table = "products"

            def setup(self, request, *args, **kwargs):
                super().setup(request, *args, **kwargs)
                self.term = request.GET.get("q", "")
                self.limit = 10

            def get(self, request):
                with connection.cursor() as c:
                    c.execute("SELECT * FROM shop WHERE name = '%s'" % self.term)
                    c.execute("SELECT * FROM shop LIMIT %s" % self.limit)
    ''')
    assert [(f.rule_id, f.line) for f in result.findings] == [("GATE-PY-SQLI", 14)]
    assert sorted((m.kind, m.line, m.status) for m in result.marks if m.kind == "sql") == [
        ("sql", 14, "tainted"), ("sql", 15, "unproven")]
