"""True and safe look-alike handlers for every sink family (written for these tests).

Each pair: a vulnerable Flask handler and a safe one that looks the same.
``source``/``sink`` are the lines the finding's path starts and ends on.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    family: str
    rule: str
    cwe: str
    vulnerable: str
    safe: str
    source: int
    sink: int


HEAD = "from flask import Flask, request, redirect, session, make_response\napp = Flask(__name__)\n"
# Line 3 onwards is the handler; every snippet keeps its source on line 5.

PAIRS = [
    Pair("sql", "GATE-PY-SQLI", "CWE-89", '''
@app.route("/user")
def user():
    name = request.args.get("name")
    query = "SELECT * FROM users WHERE name = '%s'" % name
    cursor.execute(query)
''', '''
@app.route("/user")
def user():
    name = request.args.get("name")
    query = "SELECT * FROM users WHERE name = %s"
    cursor.execute(query, (name,))
''', 5, 7),
    Pair("shell", "GATE-PY-CMDI", "CWE-78", '''
@app.route("/ping")
def ping():
    host = request.form["host"]
    import subprocess
    subprocess.run("ping -c1 " + host, shell=True)
''', '''
@app.route("/ping")
def ping():
    host = request.form["host"]
    import subprocess, shlex
    subprocess.run("ping -c1 " + shlex.quote(host), shell=True)
''', 5, 7),
    Pair("code", "GATE-PY-CODEI", "CWE-94", '''
@app.route("/calc")
def calc():
    expr = request.args.get("e", "")
    result = eval(expr)
    return str(result)
''', '''
@app.route("/calc")
def calc():
    expr = request.args.get("e", "")
    import ast
    result = ast.literal_eval(expr)
    return "computed" if result else "empty"
''', 5, 6),
    Pair("template", "GATE-PY-SSTI", "CWE-1336", '''
@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    from flask import render_template_string
    return render_template_string("<p>Hello " + name + "</p>")
''', '''
@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    from flask import render_template_string
    return render_template_string("<p>Hello {{ name }}</p>", name=name)
''', 5, 7),
    Pair("path", "GATE-PY-PATH", "CWE-22", '''
@app.route("/file")
def file():
    name = request.args["f"]
    path = "/srv/files/" + name
    return open(path).read()
''', '''
@app.route("/file")
def file():
    name = request.args["f"]
    from werkzeug.utils import secure_filename
    return open("/srv/files/" + secure_filename(name)).read()
''', 5, 7),
    Pair("redirect", "GATE-PY-REDIRECT", "CWE-601", '''
@app.route("/go")
def go():
    target = request.args.get("next")
    url = target
    return redirect(url)
''', '''
@app.route("/go")
def go():
    target = request.args.get("next")
    url = target if target in ALLOWED else "/"
    return redirect("/" if url not in ALLOWED else url)
''', 5, 7),
    Pair("xss", "GATE-PY-XSS", "CWE-79", '''
@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    body = f"<h1>Hello {name}</h1>"
    return make_response(body)
''', '''
@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    from markupsafe import escape
    return make_response(f"<h1>Hello {escape(name)}</h1>")
''', 5, 7),
    Pair("deserialisation", "GATE-PY-DESERIAL", "CWE-502", '''
@app.route("/load", methods=["POST"])
def load():
    blob = request.get_data()
    import pickle
    return str(pickle.loads(blob))
''', '''
@app.route("/load", methods=["POST"])
def load():
    blob = request.get_data()
    import json
    data = json.loads(blob)
    return "loaded" if data else "empty"
''', 5, 7),
    Pair("xxe", "GATE-PY-XXE", "CWE-611", '''
@app.route("/xml", methods=["POST"])
def xml():
    doc = request.get_data()
    import xml.sax, xml.dom.minidom, xml.sax.handler
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    return xml.dom.minidom.parseString(doc, parser).toxml()
''', '''
@app.route("/xml", methods=["POST"])
def xml():
    doc = request.get_data()
    import xml.sax, xml.dom.minidom, xml.sax.handler
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    return xml.dom.minidom.parseString(doc, parser).toxml()
''', 5, 9),
    Pair("xpath", "GATE-PY-XPATHI", "CWE-643", '''
@app.route("/emp")
def emp():
    emp_id = request.args.get("id", "")
    import lxml.etree
    root = lxml.etree.parse("employees.xml")
    return str(root.xpath("/Employees/Employee[@id='" + emp_id + "']"))
''', '''
@app.route("/emp")
def emp():
    emp_id = request.args.get("id", "")
    import lxml.etree
    root = lxml.etree.parse("employees.xml")
    return str(root.xpath("/Employees/Employee[@id=$id]", id=emp_id))
''', 5, 8),
    Pair("ldap", "GATE-PY-LDAPI", "CWE-90", '''
@app.route("/who")
def who():
    uid = request.args.get("uid", "")
    import ldap3
    conn = ldap3.Connection(ldap3.Server("ldap://directory"))
    conn.search("ou=people,dc=example", "(uid=" + uid + ")")
''', '''
@app.route("/who")
def who():
    uid = request.args.get("uid", "")
    import ldap3
    from ldap3.utils.conv import escape_filter_chars
    conn = ldap3.Connection(ldap3.Server("ldap://directory"))
    conn.search("ou=people,dc=example", "(uid=" + escape_filter_chars(uid) + ")")
''', 5, 8),
    Pair("ssrf", "GATE-PY-SSRF", "CWE-918", '''
@app.route("/fetch")
def fetch():
    url = request.args.get("url", "")
    import requests
    return requests.get(url, timeout=5).text
''', '''
@app.route("/fetch")
def fetch():
    url = request.args.get("url", "")
    import requests
    return requests.get("https://api.example.com/items", params={"q": url}, timeout=5).text
''', 5, 7),
    Pair("trust", "GATE-PY-TRUST", "CWE-501", '''
@app.route("/remember")
def remember():
    role = request.args.get("role", "")
    session["role"] = role
    return "ok"
''', '''
@app.route("/remember")
def remember():
    role = request.args.get("role", "")
    session["role"] = "user" if role != "admin" else "user"
    return "ok"
''', 5, 6),
    Pair("cookie", "GATE-PY-COOKIE-SECURE", "CWE-614", '''
@app.route("/login")
def login():
    token = request.args.get("t", "")
    response = make_response("ok")
    response.set_cookie("token", "value", secure=False, httponly=True)
    return response
''', '''
@app.route("/login")
def login():
    token = request.args.get("t", "")
    response = make_response("ok")
    response.set_cookie("token", "value", secure=True, httponly=True)
    return response
''', 7, 7),
]
