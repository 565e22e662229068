"""Calls that must not receive user input, by family, with their rule id and CWE.

Qualified sinks (``os.system``) are matched on the name the call resolves to
through the module's imports; method sinks (``cursor.execute``) on the method
name whatever the receiver, since a cursor's type is rarely visible; a few
method sinks only count on a receiver of a known type (``ldap3.Connection``).
The checks that depend on more than the callee (``shell=True``, an XML
parser's settings, a YAML loader, cookie flags, the session, a view's return
value) live in :mod:`gate.checks.sast.taint.special`.
"""

from __future__ import annotations

from gate.checks.sast.taint.interface import SinkSpec

__all__ = ["KINDS", "METHOD_SINKS", "QUALIFIED_SINKS", "RECEIVER_SINKS", "spec_for"]

SQL = SinkSpec("sql", "GATE-PY-SQLI", "CWE-89", "SQL injection")
SHELL = SinkSpec("shell", "GATE-PY-CMDI", "CWE-78", "OS command injection")
CODE = SinkSpec("code", "GATE-PY-CODEI", "CWE-94", "code injection")
TEMPLATE = SinkSpec("code", "GATE-PY-SSTI", "CWE-1336", "server-side template injection")
PATH = SinkSpec("path", "GATE-PY-PATH", "CWE-22", "path traversal", severity="medium")
REDIRECT = SinkSpec("redirect", "GATE-PY-REDIRECT", "CWE-601", "open redirect", severity="medium")
XSS = SinkSpec("xss", "GATE-PY-XSS", "CWE-79", "cross-site scripting", severity="medium")
DESERIAL = SinkSpec("deserial", "GATE-PY-DESERIAL", "CWE-502", "deserialisation of untrusted data")
XXE = SinkSpec("xxe", "GATE-PY-XXE", "CWE-611", "XML external entities")
XPATH = SinkSpec("xpath", "GATE-PY-XPATHI", "CWE-643", "XPath injection", severity="medium")
LDAP = SinkSpec("ldap", "GATE-PY-LDAPI", "CWE-90", "LDAP injection", severity="medium")
SSRF = SinkSpec("ssrf", "GATE-PY-SSRF", "CWE-918", "server-side request forgery", severity="medium")
TRUST = SinkSpec("trust", "GATE-PY-TRUST", "CWE-501", "trust boundary violation", severity="low")
COOKIE_SECURE = SinkSpec("cookie", "GATE-PY-COOKIE-SECURE", "CWE-614",
                         "cookie without the Secure flag", severity="low")
COOKIE_HTTPONLY = SinkSpec("cookie", "GATE-PY-COOKIE-HTTPONLY", "CWE-1004",
                           "cookie without the HttpOnly flag", severity="low")

KINDS = ("sql", "shell", "code", "path", "redirect", "xss", "deserial", "xxe", "xpath", "ldap",
         "ssrf", "trust")


def _with(spec: SinkSpec, args: tuple[int, ...] = (0,), keywords: tuple[str, ...] = ()) -> SinkSpec:
    return SinkSpec(spec.kind, spec.rule_id, spec.cwe, spec.title, args, keywords, spec.severity)


QUALIFIED_SINKS: dict[str, SinkSpec] = {
    # shell
    "os.system": SHELL, "os.popen": SHELL, "os.popen2": SHELL, "os.popen3": SHELL,
    "os.popen4": SHELL, "commands.getoutput": SHELL, "commands.getstatusoutput": SHELL,
    "subprocess.getoutput": SHELL, "subprocess.getstatusoutput": SHELL,
    "asyncio.create_subprocess_shell": SHELL, "os.execl": SHELL, "os.execlp": SHELL,
    "os.execv": SHELL, "os.execvp": SHELL, "os.spawnl": _with(SHELL, (1,)),
    "os.spawnv": _with(SHELL, (1,)), "os.spawnlp": _with(SHELL, (1,)),
    "os.spawnvp": _with(SHELL, (1,)),
    # code
    "builtins.eval": CODE, "builtins.exec": CODE, "builtins.compile": CODE,
    "flask.render_template_string": TEMPLATE, "jinja2.Template": TEMPLATE,
    "jinja2.Environment.from_string": TEMPLATE, "mako.template.Template": TEMPLATE,
    "django.template.Template": TEMPLATE,
    # path
    "builtins.open": PATH, "codecs.open": PATH, "io.open": PATH, "os.open": PATH,
    "flask.send_file": PATH, "flask.send_from_directory": PATH,
    "os.remove": PATH, "os.unlink": PATH, "os.rmdir": PATH, "os.mkdir": PATH,
    "os.makedirs": PATH, "os.rename": _with(PATH, (0, 1)), "os.replace": _with(PATH, (0, 1)),
    "os.listdir": PATH, "os.scandir": PATH, "os.path.exists": PATH, "os.path.isfile": PATH,
    "os.path.isdir": PATH, "os.chmod": PATH, "os.chown": PATH, "os.truncate": PATH,
    "shutil.copy": _with(PATH, (0, 1)), "shutil.copyfile": _with(PATH, (0, 1)),
    "shutil.copy2": _with(PATH, (0, 1)), "shutil.copytree": _with(PATH, (0, 1)),
    "shutil.move": _with(PATH, (0, 1)), "shutil.rmtree": PATH,
    "django.http.FileResponse": PATH, "starlette.responses.FileResponse": PATH,
    "fastapi.responses.FileResponse": PATH,
    # redirect
    "flask.redirect": REDIRECT, "werkzeug.utils.redirect": REDIRECT,
    "django.shortcuts.redirect": REDIRECT, "django.http.HttpResponseRedirect": REDIRECT,
    "django.http.HttpResponsePermanentRedirect": REDIRECT,
    "starlette.responses.RedirectResponse": REDIRECT,
    "fastapi.responses.RedirectResponse": REDIRECT,
    # XSS
    "markupsafe.Markup": XSS, "flask.Markup": XSS, "jinja2.Markup": XSS,
    "django.utils.safestring.mark_safe": XSS, "django.utils.html.format_html": XSS,
    "django.http.HttpResponse": XSS, "starlette.responses.HTMLResponse": XSS,
    "fastapi.responses.HTMLResponse": XSS,
    # deserialisation
    "pickle.loads": DESERIAL, "pickle.load": DESERIAL, "_pickle.loads": DESERIAL,
    "cPickle.loads": DESERIAL, "dill.loads": DESERIAL, "marshal.loads": DESERIAL,
    "marshal.load": DESERIAL, "shelve.open": DESERIAL, "yaml.unsafe_load": DESERIAL,
    "yaml.full_load": DESERIAL, "jsonpickle.decode": DESERIAL, "pandas.read_pickle": DESERIAL,
    "pickle.Unpickler": DESERIAL,
    # XPath
    "lxml.etree.XPath": XPATH, "lxml.etree.ETXPath": XPATH,
    "elementpath.select": _with(XPATH, (1,)), "elementpath.iter_select": _with(XPATH, (1,)),
    "elementpath.Selector": XPATH,
    # LDAP
    "ldap.filter.filter_format": _with(LDAP, ()),
    # SSRF
    "requests.get": SSRF, "requests.post": SSRF, "requests.put": SSRF,
    "requests.delete": SSRF, "requests.head": SSRF, "requests.patch": SSRF,
    "requests.options": SSRF, "requests.request": _with(SSRF, (1,), ("url",)),
    "httpx.get": SSRF, "httpx.post": SSRF, "httpx.put": SSRF, "httpx.delete": SSRF,
    "httpx.head": SSRF, "httpx.patch": SSRF, "httpx.stream": _with(SSRF, (1,), ("url",)),
    "httpx.request": _with(SSRF, (1,), ("url",)), "urllib.request.urlopen": SSRF,
    "urllib.request.Request": SSRF, "urllib.urlopen": SSRF, "urllib2.urlopen": SSRF,
    "urllib3.request": _with(SSRF, (1,)),
    # SQL
    "sqlalchemy.text": SQL, "sqlalchemy.sql.text": SQL,
    "django.db.models.expressions.RawSQL": SQL, "django.db.models.RawSQL": SQL,
}
"""Callees by the qualified name they resolve to."""

METHOD_SINKS: dict[str, SinkSpec] = {
    "execute": SQL, "executemany": SQL, "executescript": SQL, "raw": SQL,
    "extra": _with(SQL, (), ("where", "select", "tables", "order_by")),
    "xpath": XPATH, "from_string": TEMPLATE,
}
"""Methods that are sinks on any receiver (the receiver's type is rarely known)."""

RECEIVER_SINKS: dict[tuple[str, str], SinkSpec] = {
    ("ldap3.Connection()", "search"): _with(LDAP, (0, 1), ("search_base", "search_filter")),
    ("ldap.initialize()", "search_s"): _with(LDAP, (0, 2), ("base", "filterstr")),
    ("ldap.initialize()", "search"): _with(LDAP, (0, 2), ("base", "filterstr")),
    ("ldap.initialize()", "search_ext_s"): _with(LDAP, (0, 2), ("base", "filterstr")),
    ("requests.Session()", "get"): SSRF, ("requests.Session()", "post"): SSRF,
    ("requests.Session()", "request"): _with(SSRF, (1,), ("url",)),
    ("httpx.Client()", "get"): SSRF, ("httpx.Client()", "post"): SSRF,
    ("httpx.AsyncClient()", "get"): SSRF, ("httpx.AsyncClient()", "post"): SSRF,
    ("aiohttp.ClientSession()", "get"): SSRF, ("aiohttp.ClientSession()", "post"): SSRF,
    ("jinja2.Environment()", "from_string"): TEMPLATE,
}
"""Methods that are sinks on a receiver of a known type (``ldap3.Connection(...)``)."""


def spec_for(rule_id: str) -> SinkSpec | None:
    """The sink family a rule id belongs to (for documentation and tests)."""
    every = [*QUALIFIED_SINKS.values(), *METHOD_SINKS.values(), *RECEIVER_SINKS.values(),
             COOKIE_SECURE, COOKIE_HTTPONLY, TRUST, XXE]
    return next((s for s in every if s.rule_id == rule_id), None)
