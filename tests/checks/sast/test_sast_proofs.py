"""Downgrades on proof: sanitisers per sink family, safe types, filters, non-HTML templates."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from gate.checks.sast import SastCheck
from gate.findings import Finding, Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree


def _run(source_tree: SourceTree, files: dict[str, str]) -> list[Finding]:
    for rel, text in files.items():
        source_tree.write(rel, textwrap.dedent(text).lstrip("\n"))
    return list(SastCheck().run(source_tree.target()).findings)


def _summary(findings: list[Finding]) -> list[tuple[str, int, str, str]]:
    return sorted((f.rule_id, f.start_line or 0, f.severity.label, dict(f.extra).get("proof", ""))
                  for f in findings)


def test_escaping_before_mark_safe_and_markup_is_a_proof(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"views.py": """
        from django.utils.html import escape
        from django.utils.safestring import mark_safe
        from markupsafe import Markup

        def banner(request):
            name = request.GET.get("name", "")
            a = mark_safe("<b>%s</b>" % escape(name))
            b = Markup("<i>" + escape(name) + "</i>")
            c = mark_safe("<b>%s</b>" % name)
            return a + b + c
    """})
    assert _summary(findings) == [
        ("B308", 7, "info", "escape()"), ("B308", 9, "medium", ""),
        ("B703", 7, "info", "escape()"), ("B703", 9, "medium", ""),
        ("B704", 8, "info", "escape()"),
        ("GATE-PY-XSS", 9, "medium", ""),
    ]


def test_casts_in_a_lambda_for_run_in_executor_are_a_proof(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"app.py": """
        import subprocess
        import uuid
        from aiohttp import web

        async def handler(request):
            vm = uuid.UUID(request.match_info["vm"])
            size = int(request.query["size"])
            loop = request.app.loop
            await loop.run_in_executor(
                None, lambda: subprocess.run(f"resize {vm} {size}", shell=True))
            name = request.query["name"]
            await loop.run_in_executor(None, lambda: subprocess.run(f"ping {name}", shell=True))
            return web.Response(text="ok")
    """})
    assert _summary(findings) == [
        ("B404", 1, "low", ""),
        ("B602", 10, "info", "UUID(), int()"),
        ("B602", 12, "high", ""),
        ("GATE-PY-CMDI", 12, "high", ""),
    ]


def test_tarfile_filter_is_a_proof(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"unpack.py": """
        import tarfile

        def pip_filter(member, path):
            return tarfile.data_filter(member, path)

        def unpack(archive, dest):
            with tarfile.open(archive) as tar:
                tar.extractall(dest, filter=pip_filter)

        def unpack_trusting(archive, dest, keep):
            with tarfile.open(archive) as tar:
                tar.extractall(dest, filter=keep)

        def unpack_plain(archive, dest):
            with tarfile.open(archive) as tar:
                tar.extractall(dest)
    """})
    rules = [(r, line, sev, proof) for r, line, sev, proof in _summary(findings) if r == "B202"]
    assert rules == [
        ("B202", 8, "info", "filter=pip_filter (applies tarfile's data filter)"),
        ("B202", 12, "high", ""),
        ("B202", 16, "high", ""),
    ]


def test_autoescaping_environment_and_non_html_templates(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"render.py": """
        import json
        from jinja2 import Environment, FileSystemLoader, select_autoescape
        from starlette.responses import HTMLResponse

        html_env = Environment(loader=FileSystemLoader("t"), autoescape=select_autoescape())
        schema_env = Environment(loader=FileSystemLoader("schemas"))
        page_env = Environment(loader=FileSystemLoader("pages"))

        async def page(request):
            name = request.query_params["name"]
            return HTMLResponse(html_env.get_template("page.html").render(name=name))

        def schema(fields):
            return json.loads(schema_env.get_template("schema.json").render(fields=fields))

        def schema_v2(fields):
            return json.loads(schema_env.get_template("v2/schema.json.j2").render(fields=fields))

        async def raw(request):
            name = request.query_params["name"]
            return HTMLResponse(page_env.get_template("page.html").render(name=name))
    """})
    assert _summary(findings) == [
        ("B701", 6, "info", "renders the non-HTML template 'schema.json', renders the non-HTML "
                            "template 'v2/schema.json.j2'"),
        ("B701", 7, "high", ""),
        ("GATE-PY-XSS", 21, "medium", ""),
    ]


def test_import_warning_without_a_use_takes_the_documented_severity(
        source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"rpc.py": """
        import xmlrpc.client

        def client(url):
            return xmlrpc.client.ServerProxy(url)
    """})
    b411 = [f for f in findings if f.rule_id == "B411"]
    assert [(f.start_line, f.severity) for f in b411] == [(1, Severity.INFO)]
    extra = dict(b411[0].extra)
    assert extra["bandit_severity"] == "high"
    assert extra["downgraded_by"].startswith("import only:")


def test_the_invoking_users_own_environment_lowers_to_low_not_info(
        source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"cli/config.py": """
        import os
        import subprocess

        CONFIG = "/home/me/.config/tool.toml"

        def edit():
            editor = os.environ.get("EDITOR", "vi")
            subprocess.call(f"{editor} {CONFIG}", shell=True)

        def edit_other(path):
            editor = os.environ.get("EDITOR", "vi")
            subprocess.call(f"{editor} {path}", shell=True)
    """})
    assert _summary(findings) == [
        ("B404", 2, "low", ""),
        ("B602", 8, "low", "only the invoking user's os.environ.get()"),
        ("B602", 12, "high", ""),
        ("GATE-PY-CMDI", 8, "low", ""),
        ("GATE-PY-CMDI", 12, "low", ""),
    ]
    b602 = next(f for f in findings if f.rule_id == "B602" and f.start_line == 8)
    assert dict(b602.extra)["bandit_severity"] == "high"
    assert dict(b602.extra)["downgraded_by"].startswith(
        "dataflow: only the invoking user's own environment or arguments")


def test_click_arguments_are_the_invoking_users_and_zipfile_strips_paths(
        source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"app/cli.py": """
        import os
        import tarfile
        import zipfile

        import click


        @click.command()
        @click.argument("lang")
        def init(lang):
            os.system("pybabel init -d app/translations -l " + lang)


        def unpack(archive, dest):
            zipfile.ZipFile(archive).extractall(dest)
            tarfile.open(archive).extractall(dest)
    """})
    assert _summary(findings) == [
        ("B202", 15, "info", "zipfile drops absolute paths and '..' from member names"),
        ("B202", 16, "high", ""),
        ("B605", 11, "low", "only the invoking user's command-line argument 'lang'"),
        ("GATE-PY-CMDI", 11, "low", ""),
    ]


def test_a_value_escaped_in_a_constructor_stays_escaped(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"web/widgets.py": """
        from flask import Flask, request
        from markupsafe import Markup, escape

        app = Flask(__name__)


        class Badge:
            def __init__(self, text, raw):
                self.text = escape(text)
                self.raw = raw

            def safe(self):
                return Markup("<b>%s</b>" % self.text)

            def unsafe(self):
                return Markup("<b>%s</b>" % self.raw)


        @app.route("/badge")
        def badge():
            item = Badge(request.args["t"], request.args["r"])
            return item.safe() + item.unsafe()
    """})
    xss = [(f.rule_id, f.start_line, f.severity.label) for f in findings
           if f.rule_id == "GATE-PY-XSS"]
    assert xss == [("GATE-PY-XSS", 22, "medium")]
    flow = next(f for f in findings if f.rule_id == "GATE-PY-XSS").flow
    assert flow[-1].message == "reaches Markup"
    assert flow[-1].location.start_line == 16


def test_console_input_is_not_the_invoking_users_own(source_tree: SourceTree) -> None:
    findings = _run(source_tree, {"calc.py": "print(eval(input()))\n"})
    assert _summary(findings) == [("B307", 1, "medium", ""), ("GATE-PY-CODEI", 1, "low", "")]
