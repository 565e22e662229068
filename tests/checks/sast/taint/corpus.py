'''A realistic web-application corpus: vulnerable and safe handlers across frameworks.

Every handler's ``def`` line carries ``# VULN`` or ``# SAFE``. Flows cross
modules (helpers, dependency providers, decorators), classes (methods,
``self.request``, objects built from input), containers (dicts with constant
keys, lists built in loops) and async code. ``test_taint_corpus.py`` writes
it to a repository, runs the sast check and scores it: a handler counts as
flagged when a finding at ``medium`` or above lies inside it.
'''

from __future__ import annotations

FILES: dict[str, str] = {}

# -- FastAPI -------------------------------------------------------------------------------

FILES["api/__init__.py"] = ""
FILES["api/shell.py"] = '''
import shlex
import subprocess


def run_tool(arg):
    return subprocess.run("tool --name " + arg, shell=True, capture_output=True)


def run_tool_quoted(arg):
    return subprocess.run("tool --name " + shlex.quote(arg), shell=True, capture_output=True)
'''
FILES["api/deps.py"] = '''
from fastapi import HTTPException

ALLOWED_SORTS = ("name", "created", "price")


def filters(sort: str = "name", q: str = ""):
    return {"sort": sort, "q": q}


def checked_sort(sort: str = "name"):
    if sort not in ALLOWED_SORTS:
        raise HTTPException(status_code=400)
    return sort
'''
FILES["api/main.py"] = '''
import os

from fastapi import Depends, FastAPI, Request

from api.db import cursor
from api.deps import checked_sort, filters
from api.shell import run_tool, run_tool_quoted

app = FastAPI()


@app.get("/items")
async def items(q: str):  # VULN
    cursor().execute(f"SELECT * FROM items WHERE name = '{q}'")


@app.get("/list")
def listing(f: dict = Depends(filters)):  # VULN
    cursor().execute("SELECT * FROM items ORDER BY " + f["sort"])


@app.post("/tools/{name}")
def tool(name: str):  # VULN
    return run_tool(name)


@app.post("/hook")
async def hook(request: Request):  # VULN
    body = await request.json()
    return eval(body["expr"])


@app.get("/items/{item_id}")
def item(item_id: int):  # SAFE
    cursor().execute(f"SELECT * FROM items WHERE id = {item_id}")


@app.get("/search")
def search(q: str):  # SAFE
    cursor().execute("SELECT * FROM items WHERE name = %s", (q,))


@app.get("/sorted")
def sorted_items(sort: str = Depends(checked_sort)):  # SAFE
    cursor().execute("SELECT * FROM items ORDER BY " + sort)


@app.post("/tools-quoted/{name}")
def tool_quoted(name: str):  # SAFE
    return run_tool_quoted(name)


@app.get("/disk/{volume}")
def disk(volume: int):  # SAFE
    os.system(f"df -h /dev/vd{volume}")
'''
FILES["api/db.py"] = '''
import sqlite3


def cursor():
    return sqlite3.connect("app.db").cursor()
'''

# -- Django class-based views and DRF ------------------------------------------------------

FILES["shop/__init__.py"] = ""
FILES["shop/forms.py"] = '''
def search_term(request):
    return request.GET.get("q", "")
'''
FILES["shop/views.py"] = '''
import os

from django.db import connection
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from shop.forms import search_term
from shop.models import Product

ORDERINGS = {"new": "created DESC", "old": "created ASC", "cheap": "price ASC"}


class SearchView(View):
    def get(self, request):  # VULN
        q = request.GET["q"]
        with connection.cursor() as c:
            c.execute("SELECT * FROM shop_product WHERE name LIKE '%%%s%%'" % q)
        return HttpResponse("ok")


class ReportView(TemplateView):
    def get_context_data(self, **kwargs):  # VULN
        name = self.kwargs["name"]
        with connection.cursor() as c:
            c.execute("SELECT * FROM reports WHERE slug = '" + name + "'")
        return {}


class GrepView(View):
    def get_term(self):
        return self.request.GET.get("term")

    def get(self, request):  # VULN
        os.system("grep -r " + self.get_term() + " /srv/logs")
        return HttpResponse("done")


class TermSearchView(View):
    def get(self, request):  # VULN
        term = search_term(request)
        rows = Product.objects.raw("SELECT * FROM shop_product WHERE name = '%s'" % term)
        return HttpResponse(len(list(rows)))


class ProductView(View):
    def get(self, request, pk):  # SAFE
        with connection.cursor() as c:
            c.execute("SELECT * FROM shop_product WHERE id = %d" % int(self.kwargs["pk"]))
        return HttpResponse("ok")


class OrderedView(View):
    def get(self, request):  # SAFE
        order = ORDERINGS.get(request.GET.get("o"), "created DESC")
        with connection.cursor() as c:
            c.execute("SELECT * FROM shop_product ORDER BY %s" % order)
        return HttpResponse("ok")


class GreetingView(View):
    def get(self, request):  # SAFE
        name = request.GET.get("name", "")
        return HttpResponse(mark_safe("<p>Hello %s</p>" % escape(name)))


class FilterView(View):
    def get(self, request):  # SAFE
        products = Product.objects.filter(name__icontains=request.GET.get("q", ""))
        return HttpResponse(len(products))
'''
FILES["shop/models.py"] = '''
from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=100)
'''
FILES["shop/api.py"] = '''
import subprocess

from django.db import connection
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.models import Product


class UserViewSet(viewsets.ViewSet):
    def list(self, request):  # VULN
        name = request.query_params.get("name")
        users = Product.objects.raw("SELECT * FROM auth_user WHERE username = '%s'" % name)
        return Response([u.pk for u in users])


class ConvertView(APIView):
    def post(self, request):  # VULN
        data = request.data
        subprocess.call(["sh", "-c", "convert " + data["file"] + " out.png"])
        return Response({})


class TagFilterView(APIView):
    def get(self, request):  # VULN
        clauses = []
        for tag in request.query_params.getlist("tag"):
            clauses.append("tag = '%s'" % tag)
        with connection.cursor() as c:
            c.execute("SELECT * FROM tags WHERE " + " OR ".join(clauses))
        return Response({})


class ColumnFilterView(APIView):
    def get(self, request):  # SAFE
        wanted = {"name": request.query_params.get("name"),
                  "city": request.query_params.get("city")}
        clauses, params = [], []
        for column in wanted:
            clauses.append(column + " = %s")
            params.append(wanted[column])
        with connection.cursor() as c:
            c.execute("SELECT * FROM people WHERE " + " AND ".join(clauses), params)
        return Response({})


class SerializedView(APIView):
    def post(self, request):  # SAFE
        name = request.data.get("name")
        with connection.cursor() as c:
            c.execute("INSERT INTO names (name) VALUES (%s)", [name])
        return Response({})
'''

# -- Flask blueprints and MethodView ------------------------------------------------------

FILES["web/__init__.py"] = ""
FILES["web/util.py"] = '''
import functools

from flask import request


def host_of(req):
    return req.args.get("host")


def with_payload(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view(request.get_json(), *args, **kwargs)
    return wrapper


def with_settings(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        return view({"mode": "fast"}, *args, **kwargs)
    return wrapper
'''
FILES["web/blueprint.py"] = '''
import os
import subprocess

from flask import Blueprint, redirect, render_template_string, request, send_from_directory
from flask import url_for
from flask.views import MethodView
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename

from web.util import host_of, with_payload, with_settings

bp = Blueprint("tools", __name__)
UPLOADS = "/srv/uploads"


@bp.route("/ping")
def ping():  # VULN
    os.system("ping -c 1 " + host_of(request))
    return "ok"


@bp.route("/run", methods=["POST"])
@with_payload
def run(payload):  # VULN
    subprocess.run(payload["cmd"], shell=True)
    return "started"


@bp.route("/hello")
def hello():  # VULN
    return render_template_string("<h1>Hello " + request.args.get("name", "") + "</h1>")


class FileAPI(MethodView):
    def get(self):  # VULN
        name = request.args["name"]
        with open(os.path.join(UPLOADS, name)) as handle:
            return handle.read()


class BannerAPI(MethodView):
    def get(self):  # SAFE
        return Markup("<b>%s</b>") % escape(request.args.get("text", ""))


@bp.route("/download")
def download():  # SAFE
    return send_from_directory(UPLOADS, secure_filename(request.args["f"]))


@bp.route("/home")
def home():  # SAFE
    return redirect(url_for("tools.ping"))


@bp.route("/fast", methods=["POST"])
@with_settings
def fast(settings):  # SAFE
    subprocess.run("worker --mode " + settings["mode"], shell=True)
    return "ok"
'''

# -- aiohttp -------------------------------------------------------------------------------

FILES["aio/__init__.py"] = ""
FILES["aio/handlers.py"] = '''
import asyncio
import base64
import pickle
import subprocess
import uuid

from aiohttp import web


async def search(request):  # VULN
    crit = {}
    for k in ("name", "city"):
        crit[k] = request.query.get(k)
    where = " AND ".join("%s = '%s'" % (k, v) for k, v in crit.items())
    async with request.app["db"].acquire() as conn:
        rows = await conn.fetch("SELECT * FROM people WHERE %s" % where)
        await conn.execute("SELECT * FROM people WHERE %s" % where)
    return web.json_response(rows)


async def thumbnail(request):  # VULN
    proc = await asyncio.create_subprocess_shell("convert " + request.match_info["name"])
    await proc.wait()
    return web.Response(text="ok")


async def restore(request):  # VULN
    data = await request.post()
    state = pickle.loads(base64.b64decode(data["blob"]))
    return web.json_response(state)


async def people(request):  # SAFE
    crit = {"name": request.query.get("name"), "city": request.query.get("city")}
    clauses, args = [], []
    for k in crit:
        clauses.append(k + " = %s")
        args.append(crit[k])
    async with request.app["db"].acquire() as conn:
        await conn.execute("SELECT * FROM people WHERE " + " AND ".join(clauses), *args)
    return web.Response(text="ok")


async def person(request):  # SAFE
    pid = int(request.match_info["id"])
    async with request.app["db"].acquire() as conn:
        await conn.execute(f"SELECT * FROM people WHERE id = {pid}")
    return web.Response(text="ok")


async def resize(request):  # SAFE
    vm = uuid.UUID(request.match_info["vm"])
    size = int(request.query["size"])
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: subprocess.run(f"resize {vm} {size}", shell=True))
    return web.Response(text="ok")
'''

# -- Starlette -----------------------------------------------------------------------------

FILES["star/__init__.py"] = ""
FILES["star/app.py"] = '''
import os

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.endpoints import HTTPEndpoint
from starlette.responses import FileResponse, HTMLResponse, JSONResponse

from star.database import database

env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())


async def homepage(request):  # VULN
    name = request.query_params["name"]
    return HTMLResponse(f"<h1>Hello {name}</h1>")


async def download(request):  # VULN
    path = request.path_params["file"]
    return FileResponse("/srv/files/" + path)


async def import_config(request):  # VULN
    form = await request.form()
    config = yaml.load(form["config"], Loader=yaml.Loader)
    return JSONResponse(config)


class Users(HTTPEndpoint):
    async def get(self, request):  # VULN
        uid = request.query_params["id"]
        await database.execute("SELECT * FROM users WHERE id = " + uid)
        return JSONResponse({})


async def page(request):  # SAFE
    name = request.query_params["name"]
    return HTMLResponse(env.get_template("page.html").render(name=name))


async def attachment(request):  # SAFE
    return FileResponse(os.path.join("/srv/files", os.path.basename(request.path_params["f"])))


async def settings(request):  # SAFE
    form = await request.form()
    return JSONResponse(yaml.safe_load(form["config"]))


class Accounts(HTTPEndpoint):
    async def get(self, request):  # SAFE
        await database.execute("SELECT * FROM accounts WHERE id = :id",
                               {"id": request.query_params["id"]})
        return JSONResponse({})
'''
FILES["star/database.py"] = '''
import databases

database = databases.Database("sqlite:///app.db")
'''
