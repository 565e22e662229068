"""The secrets worker's set-up is lazy, and the laziness changes no finding.

- detect-secrets is imported without ``requests`` (:mod:`gate.checks.secrets.deferred`),
  which loads for real the moment anything reads it;
- the detectors' expressions compile at first use (:mod:`gate.checks.secrets.detectors.lazyre`):
  a credential file's rules compile only when such a file is scanned, and still fire then.

Each contract is checked in a fresh interpreter, where nothing was imported before.
"""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

from gate.checks.secrets.detectors import DETECTORS
from gate.checks.secrets.detectors.lazyre import LazyPattern, compile_all, lazy

_NPMRC = ("registry=https://npm.acme-corp.io/\n"
          "//npm.acme-corp.io/:_password=" + "VHE4dkwy" + "bVJ6OXhLdzQ=" + "\n")
"""A base64 password in an ``.npmrc`` (assembled, so this file holds no detectable value)."""

_APP = "import os\n\n\ndef main():\n    return os.environ.get('HOME')\n"


def _fresh(code: str, *args: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object on its last line."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_SCAN = """
import json, sys
from pathlib import Path
from gate.checks.secrets.check import scan_files
import gate.checks.secrets.detectors.credfiles as credfiles

def compiled(*patterns):
    return [name for name, p in patterns if "search" in vars(p)]

rules = (("npmrc", credfiles._NPMRC), ("netrc", credfiles._NETRC_TOKENS),
         ("kubeconfig", credfiles._KUBE_SECRET), ("tfvars", credfiles._TFVAR))
root = Path(sys.argv[1])
first = scan_files(root, ("app.py",))
after_app = compiled(*rules)
second = scan_files(root, (".npmrc",))
after_npmrc = compiled(*rules)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("requests", "urllib3", "idna",
                                                              "charset_normalizer", "certifi"))
print(json.dumps({
    "app": [f.rule_id for f in first.findings], "not_scanned": len(first.not_scanned),
    "npmrc": [(f.rule_id, f.location.start_line, f.severity.name) for f in second.findings],
    "after_app": after_app, "after_npmrc": after_npmrc, "heavy": heavy,
    "requests_in_sys_modules": "requests" in sys.modules,
}))
"""


def test_a_scan_imports_no_http_stack_and_compiles_a_credential_rule_only_for_its_file(
        tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(_APP)
    (tmp_path / ".npmrc").write_text(_NPMRC)
    result = _fresh(_SCAN, str(tmp_path))
    assert result == {
        "app": [], "not_scanned": 0,
        "npmrc": [["GATE-SECRET-NPMRC-AUTH", 2, "HIGH"]],
        "after_app": [],  # a Python file: no credential file's rule compiled
        "after_npmrc": ["npmrc"],  # the .npmrc rule, compiled when needed, and it fired
        "heavy": [], "requests_in_sys_modules": False,
    }


def test_the_npmrc_finding_is_the_same_when_every_expression_was_compiled_first(
        tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text(_NPMRC)
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from gate.checks.secrets.check import scan_files\n"
            "from gate.checks.secrets.detectors.lazyre import compile_all\n"
            "compile_all()\n"
            "scan = scan_files(Path(sys.argv[1]), ('.npmrc',))\n"
            "print(json.dumps([[f.rule_id, f.location.start_line, f.severity.name, f.fingerprint]"
            " for f in scan.findings]))\n")
    eager = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                           text=True, timeout=120, check=True)
    lazily = subprocess.run([sys.executable, "-c", code.replace("compile_all()\n", ""),
                             str(tmp_path)], capture_output=True, text=True, timeout=120,
                            check=True)
    found = json.loads(eager.stdout.strip().splitlines()[-1])
    assert [row[:3] for row in found] == [["GATE-SECRET-NPMRC-AUTH", 2, "HIGH"]]
    assert lazily.stdout == eager.stdout


def test_a_held_configuration_finds_what_the_transient_one_finds(tmp_path: Path) -> None:
    """A standby holds detect-secrets' configuration for its job; the findings are the same
    as when each scan configures it and puts the settings back, and so is the cache key."""
    (tmp_path / ".npmrc").write_text(_NPMRC)
    aws = "AKIA" + "IOSFODNN7" + "EXAMPLE"
    (tmp_path / "app.py").write_text(_APP + f"KEY = '{aws}'\npassword = 'hunter2hunter2'\n")
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from gate.checks.secrets import check, plugins\n"
            "def scan():\n"
            "    found = check.scan_files(Path(sys.argv[1]), ('app.py', '.npmrc'))\n"
            "    return [[f.rule_id, f.location.path, f.location.start_line, f.severity.name,\n"
            "             f.fingerprint, f.suppression is None] for f in found.findings]\n"
            "from detect_secrets.settings import get_settings\n"
            "untouched = get_settings().json()\n"
            "transient, rules = scan(), check._rules()\n"
            "restored = get_settings().json() == untouched\n"
            "check.SecretsCheck.preload()\n"
            "held = [scan(), scan()]\n"
            "print(json.dumps({'transient': transient, 'held': held, 'restored': restored,\n"
            "                  'rules': rules == check._rules(), 'is_held': plugins.held()}))\n")
    result = _fresh(code, str(tmp_path))
    assert result["restored"] is True and result["rules"] is True and result["is_held"] is True
    assert result["held"] == [result["transient"], result["transient"]]
    assert {row[0] for row in result["transient"]} >= {"GATE-SECRET-NPMRC-AUTH",
                                                       "GATE-SECRET-AWS-ACCESS-KEY-ID"}


_TOUCH = """
import json, sys
from gate.checks.secrets.deferred import import_detect_secrets
import_detect_secrets()
import detect_secrets.plugins.base as base
import detect_secrets.plugins.ibm_cloud_iam as iam
before = "requests" in sys.modules
stand_in = type(base.requests).__name__
annotation = repr(iam.verify_cloud_iam_api_key.__annotations__["return"])
error = base.requests.exceptions.RequestException  # any read loads the real module
import requests
print(json.dumps({
    "before": before, "stand_in": stand_in, "annotation": annotation,
    "same_class": error is requests.exceptions.RequestException,
    "real": type(sys.modules["requests"]).__name__, "has_file": hasattr(requests, "__file__"),
    "get": base.requests.get is requests.get,
}))
"""


def test_reading_the_deferred_requests_loads_the_real_one() -> None:
    assert _fresh(_TOUCH) == {
        "before": False, "stand_in": "_Deferred",
        "annotation": "ForwardRef('requests.Response')",
        "same_class": True, "real": "module", "has_file": True, "get": True,
    }


def test_requests_imported_before_is_not_deferred() -> None:
    code = ("import json, sys, requests\n"
            "from gate.checks.secrets.deferred import import_detect_secrets\n"
            "import_detect_secrets()\n"
            "import detect_secrets.plugins.base as base\n"
            "print(json.dumps([base.requests is requests, type(base.requests).__name__]))\n")
    assert _fresh(code) == [True, "module"]


def test_every_lazy_expression_compiles_to_what_re_compile_gives() -> None:
    assert compile_all() >= len(DETECTORS)
    for detector in DETECTORS:
        pattern = detector.pattern
        assert isinstance(pattern, LazyPattern), detector.rule_id
        assert (pattern.flags, pattern.groupindex, pattern.groups) == (
            lambda c: (c.flags, c.groupindex, c.groups))(re.compile(pattern.pattern,
                                                                    pattern._flags)), \
            detector.rule_id


def test_a_lazy_pattern_behaves_as_the_compiled_one() -> None:
    source = r"(?P<secret>ab+)c"
    eager, late = re.compile(source, re.IGNORECASE), lazy(source, re.IGNORECASE)
    assert "search" not in vars(late)  # nothing compiled yet
    assert late.pattern == source
    text = "xABBC abc ac"
    assert [m.span() for m in late.finditer(text)] == [m.span() for m in eager.finditer(text)] \
        == [(1, 5), (6, 9)]
    assert late.sub("-", text) == eager.sub("-", text) == "x- - ac"
    assert late.fullmatch("abbbc") is not None and late.match("zabc") is None
    assert (late.flags, late.groupindex, late.groups) == (eager.flags, eager.groupindex, 1)
    assert "search" in vars(late)  # compiled once, then the compiled methods are used directly
    copy = pickle.loads(pickle.dumps(late))
    assert copy == late and hash(copy) == hash(late) and "search" not in vars(copy)
    assert lazy(source) != late  # other flags


def _fake(seed: int, alphabet: str, length: int) -> str:
    import random

    rng = random.Random(seed)
    return "".join(rng.choice(alphabet) for _ in range(length))


def test_findings_do_not_depend_on_the_order_files_are_scanned_in(tmp_path: Path) -> None:
    """What is compiled when (a credential file's rules, the whole-text search past 2,000
    lines) follows the order of the files; the findings must not."""
    from gate.checks.secrets.check import scan_files

    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    big = [f"value_{i} = compute({i})" for i in range(1_500)]
    big[1_200] = f"token = '{'ghp_' + _fake(1, alnum, 36)}'"
    mid = [f"other_{i} = compute({i})" for i in range(1_000)]
    mid[400] = f'password = "{_fake(2, alnum, 16)}"'
    (tmp_path / "big.py").write_text("\n".join(big) + "\n")
    (tmp_path / "mid.py").write_text("\n".join(mid) + "\n")
    aws = "AKIA" + _fake(3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    (tmp_path / "small.py").write_text(f"key = '{aws}'\n")
    (tmp_path / ".npmrc").write_text(_NPMRC)
    # the whole-text search starts inside whichever of big.py and mid.py comes second
    orders = [("big.py", "mid.py", "small.py", ".npmrc"), (".npmrc", "small.py", "mid.py", "big.py"),
              ("small.py", "big.py", ".npmrc", "mid.py")]
    seen = []
    for order in orders:
        scan = scan_files(tmp_path, order)
        assert scan.not_scanned == ()
        seen.append(sorted((f.location.path, f.location.start_line, f.rule_id, f.severity.name,
                            f.fingerprint) for f in scan.findings))
    assert seen[0] == seen[1] == seen[2]
    assert [row[:4] for row in seen[0]] == [
        (".npmrc", 2, "GATE-SECRET-NPMRC-AUTH", "HIGH"),
        ("big.py", 1201, "GATE-SECRET-GITHUB-PAT", "LOW"),
        ("mid.py", 401, "Secret Keyword", "MEDIUM"),
        ("small.py", 1, "GATE-SECRET-AWS-ACCESS-KEY-ID", "CRITICAL"),
    ]


def test_a_standby_worker_preloads_detect_secrets_without_requests() -> None:
    code = ("import json, sys\n"
            "from gate.checks.secrets.check import SecretsCheck\n"
            "SecretsCheck.preload()\n"
            "from gate.checks.secrets.detectors import lazyre\n"
            "loaded = [m for m in SecretsCheck.preload_modules if m not in sys.modules]\n"
            "from gate.checks.secrets.detectors import engine\n"
            "from gate.checks.secrets import plugins\n"
            "print(json.dumps({'missing': loaded, 'requests': 'requests' in sys.modules,\n"
            "                  'urllib3': 'urllib3' in sys.modules,\n"
            "                  'plugins': 'detect_secrets.plugins.aws' in sys.modules,\n"
            "                  'compiled': [p.pattern == engine._PREFILTER.pattern\n"
            "                               for p in lazyre._created if 'search' in vars(p)],\n"
            "                  'held': plugins.held()}))\n")
    # only the anchors' expression (every scanned file's first search) is compiled ahead
    assert _fresh(code) == {"missing": [], "requests": False, "urllib3": False,
                            "plugins": True, "compiled": [True], "held": True}
