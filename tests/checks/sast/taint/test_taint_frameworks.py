"""Sources beyond Flask's request: Django views, FastAPI endpoints, the environment, argv."""

from __future__ import annotations

import textwrap

from gate.checks.sast.taint.analyse import analyse_source


def _rules(source: str, rel: str = "app/views.py") -> list[tuple[str, int, str]]:
    result = analyse_source(rel, textwrap.dedent(source).lstrip("\n"))
    assert result.error is None
    return [(f.rule_id, f.line, f.severity) for f in result.findings]


def test_django_request_get_reaches_raw_sql() -> None:
    assert _rules('''
        from django.db import connection

        def search(request):
            term = request.GET.get("q", "")
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM item WHERE name = '" + term + "'")
    ''') == [("GATE-PY-SQLI", 6, "high")]


def test_django_parameterised_query_is_not_flagged() -> None:
    assert _rules('''
        from django.db import connection

        def search(request):
            term = request.GET.get("q", "")
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM item WHERE name = %s", [term])
    ''') == []


def test_django_url_kwarg_in_a_views_module_is_a_source() -> None:
    assert _rules('''
        from django.http import HttpResponse

        def show(request, slug):
            return HttpResponse("<h1>" + slug + "</h1>")
    ''') == [("GATE-PY-XSS", 4, "medium")]


def test_django_url_kwarg_outside_views_is_not_a_source() -> None:
    assert _rules('''
        from django.http import HttpResponse

        def show(request, slug):
            return HttpResponse("<h1>" + slug + "</h1>")
    ''', rel="app/helpers.py") == []


def test_django_mark_safe_and_session() -> None:
    assert _rules('''
        from django.utils.safestring import mark_safe

        def note(request):
            text = request.POST["text"]
            request.session["note"] = text
            return mark_safe(text)
    ''') == [("GATE-PY-TRUST", 5, "low"), ("GATE-PY-XSS", 6, "medium")]


def test_fastapi_query_parameter_is_a_source_but_injected_ones_are_not() -> None:
    assert _rules('''
        import subprocess
        from fastapi import FastAPI, Depends, Request

        app = FastAPI()

        @app.get("/run")
        def run(cmd: str, request: Request, db=Depends(get_db)):
            subprocess.run(cmd, shell=True)
            subprocess.run(db.command, shell=True)
            return {"ok": True}
    ''', rel="api.py") == [("GATE-PY-CMDI", 8, "high")]


def test_starlette_request_query_params() -> None:
    assert _rules('''
        from starlette.responses import RedirectResponse

        async def go(request):
            target = request.query_params["next"]
            return RedirectResponse(target)
    ''', rel="api.py") == [("GATE-PY-REDIRECT", 5, "medium")]


def test_environment_and_argv_are_low_confidence_low_severity_sources() -> None:
    result = analyse_source("tool.py", textwrap.dedent('''
        import os, sys

        os.system("backup " + sys.argv[1])
        os.system(os.environ.get("EDITOR", "vi"))
    ''').lstrip("\n"))
    assert [(f.rule_id, f.line, f.severity, f.confidence) for f in result.findings] == [
        ("GATE-PY-CMDI", 3, "low", "low"), ("GATE-PY-CMDI", 4, "low", "low")]


def test_a_parameter_named_request_outside_web_code_is_just_a_name() -> None:
    source = '''
        def send(self, request, **kwargs):
            return open(request.url).read()
    '''
    assert _rules(source, rel="transport/adapters.py") == []
    assert _rules("import flask\n" + textwrap.dedent(source), rel="web/adapters.py") == [
        ("GATE-PY-PATH", 4, "medium")]
