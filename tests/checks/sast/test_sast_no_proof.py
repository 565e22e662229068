"""Downgrade only on proof: where the analysis is incomplete, no bandit finding is lowered.

Each case below is a file whose flagged call or SQL string the dataflow cannot
resolve (a parameter of a function nobody is seen calling, an unknown call,
an attribute of an unknown object, a name from a module it did not load...).
The check runs for real (bandit and the dataflow) over all of them at once, and
every bandit finding must keep bandit's own severity.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from gate.checks.sast import SastCheck
from gate.findings import Severity

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree

CASES: dict[str, tuple[str, str]] = {
    # name: (bandit rule expected, source)
    "param_never_called": ("B605", """
        import os

        def run(cmd):
            os.system(cmd)
    """),
    "unknown_call": ("B605", """
        import os
        from vendor.tools import get_cmd

        def run():
            os.system("x " + get_cmd())
    """),
    "attribute_of_unknown_object": ("B605", """
        import os
        import config

        def run():
            os.system(config.command)
    """),
    "name_from_unloaded_module": ("B605", """
        import os
        from settings import CMD

        def run():
            os.system(CMD)
    """),
    "repo_helper_not_loaded": ("B605", """
        import os
        from helpers import build

        def run():
            os.system(build("x"))
    """),
    "keyword_only_parameter": ("B602", """
        import subprocess

        def run(*, cmd):
            subprocess.run(cmd, shell=True)
    """),
    "starred_parameter": ("B605", """
        import os

        def run(*parts):
            os.system(" ".join(parts))
    """),
    "double_starred_parameter": ("B605", """
        import os

        def run(**options):
            os.system(options["cmd"])
    """),
    "exception_text": ("B605", """
        import os

        def run():
            try:
                pass
            except Exception as exc:
                os.system("echo %s" % exc)
    """),
    "lambda_parameter": ("B605", """
        import os

        handler = lambda cmd: os.system(cmd)
    """),
    "sql_from_unknown_call": ("B608", """
        def query(cur):
            cur.execute("SELECT * FROM t WHERE a = '%s'" % lookup_name())
    """),
    "sql_from_self_attribute": ("B608", """
        class Repo:
            def rows(self, cur):
                cur.execute("SELECT * FROM %s" % self.table)
    """),
    "sql_fstring_with_imported_name": ("B608", """
        from django.conf import settings

        def rows(cur):
            cur.execute(f"SELECT * FROM {settings.TABLE} WHERE x = 1")
    """),
    "eval_of_file_content": ("B307", """
        def load():
            return eval(open("expr.txt").read())
    """),
    "pickle_from_socket": ("B301", """
        import pickle

        def receive(sock):
            return pickle.loads(sock.recv(1024))
    """),
    "yaml_with_unknown_data": ("B506", """
        import yaml

        def load(stream):
            return yaml.load(stream)
    """),
    "mark_safe_of_object_attribute": ("B308", """
        from django.utils.safestring import mark_safe

        def render(obj):
            return mark_safe(obj.html)
    """),
    "markup_of_unknown_call": ("B704", """
        from markupsafe import Markup

        def render():
            return Markup(fetch_banner())
    """),
    "xml_from_response": ("B314", """
        import xml.etree.ElementTree as ET

        def parse(resp):
            return ET.fromstring(resp.text)
    """),
    "urlopen_unknown_url": ("B310", """
        import urllib.request

        def fetch(client):
            return urllib.request.urlopen(client.endpoint)
    """),
    "branch_with_unknown_side": ("B605", """
        import os

        def run(flag):
            cmd = "ls" if flag else other_command()
            os.system(cmd)
    """),
    "recursive_helper": ("B605", """
        import os

        def build(n):
            if n:
                return build(n - 1)
            return os.environ.copy()["X"]

        def run():
            os.system(build(3))
    """),
    "yielded_value": ("B605", """
        import os

        def worker():
            while True:
                cmd = yield
                os.system(cmd)
    """),
    "dict_read_with_unknown_key": ("B605", """
        import os

        COMMANDS = {"a": "ls", "b": "pwd"}

        def run(key):
            os.system(COMMANDS[key] + key)
    """),
    "loop_over_unknown_iterable": ("B605", """
        import os

        def run(jobs):
            for job in jobs.pending():
                os.system(job)
    """),
    "many_sanitised_parts_and_one_unknown": ("B704", """
        from html import escape
        from markupsafe import Markup

        def render(a, b, c, d, e, f, g, h):
            text = escape(a) + escape(b) + escape(c) + escape(d) + escape(e) + escape(f)
            return Markup(text + escape(g) + h)
    """),
    "lambda_in_executor_unknown": ("B602", """
        import asyncio
        import subprocess

        async def run(loop, job):
            await loop.run_in_executor(None, lambda: subprocess.run(job.cmd, shell=True))
    """),
    "sql_format_with_global_from_call": ("B608", """
        TABLE = compute_table()

        def rows(cur):
            cur.execute("SELECT * FROM {} WHERE x = 1".format(TABLE))
    """),
    "request_path_is_not_a_proof": ("B605", """
        import os
        from flask import request

        def run():
            os.system("echo " + request.path)
    """),
}


def test_no_bandit_finding_is_lowered_where_the_analysis_is_incomplete(
        source_tree: SourceTree) -> None:
    for name, (_, text) in CASES.items():
        source_tree.write(f"cases/{name}.py", textwrap.dedent(text).lstrip("\n"))
    result = SastCheck().run(source_tree.target())

    flagged = {(f.path.removeprefix("cases/").removesuffix(".py"), f.rule_id)
               for f in result.findings}
    missing = sorted((name, rule) for name, (rule, _) in CASES.items()
                     if (name, rule) not in flagged)
    assert missing == []  # every case gives bandit's finding (the test checks something)
    lowered = sorted((f.path, f.rule_id, f.start_line) for f in result.findings
                     if "bandit_severity" in dict(f.extra)
                     and not f.rule_id.startswith(("B4", "GATE-")))
    assert lowered == []
    assert len(CASES) >= 20


def test_each_case_keeps_bandits_severity(source_tree: SourceTree) -> None:
    """The expected rule of every case is reported at bandit's severity, not ``info``."""
    for name, (_, text) in CASES.items():
        source_tree.write(f"cases/{name}.py", textwrap.dedent(text).lstrip("\n"))
    result = SastCheck().run(source_tree.target())
    severities = {(f.path.removeprefix("cases/").removesuffix(".py"), f.rule_id): f.severity
                  for f in result.findings}
    info = sorted(name for name, (rule, _) in CASES.items()
                  if severities.get((name, rule)) == Severity.INFO)
    assert info == []
