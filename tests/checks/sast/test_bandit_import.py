"""Importing bandit the gate's way loads exactly the plugins bandit loads by itself.

Each case runs in a fresh interpreter (bandit's plugin manager is built once, when it is
first imported): one imports bandit plainly (stevedore reads the entry points), the other
through :func:`gate.checks.sast.bandit_run.import_bandit`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

DESCRIBE = """
import json, sys
from bandit.core import extension_loader as el
m = el.MANAGER
print(json.dumps({
    "plugins": [[p.name, p.entry_point.value, p.plugin._test_id] for p in m.plugins],
    "blacklist": {node: [[b["id"], b["name"], b["qualnames"] if "qualnames" in b else None]
                         for b in items] for node, items in sorted(m.blacklist.items())},
    "formatters": m.formatter_names,
    "rich_progress_loaded": type(sys.modules.get("rich.progress")).__name__,
}))
"""
GATE_WAY = "from gate.checks.sast.bandit_run import import_bandit\nimport_bandit()\n"


def _describe(prefix: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", prefix + DESCRIBE], check=True,
                         capture_output=True, text=True)
    described: dict[str, Any] = json.loads(out.stdout)
    return described


def test_the_same_plugins_and_blacklists_as_bandit_alone() -> None:
    plain = _describe("")
    gate = _describe(GATE_WAY)
    assert len(plain["plugins"]) >= 40 and len(plain["blacklist"]) == 3
    assert gate["plugins"] == plain["plugins"]
    assert gate["blacklist"] == plain["blacklist"]
    # bandit's report writers, which the gate never asks for, are not imported
    assert "json" in plain["formatters"] and gate["formatters"] == []


def test_rich_progress_is_loaded_only_when_used() -> None:
    assert _describe("")["rich_progress_loaded"] == "module"
    assert _describe(GATE_WAY)["rich_progress_loaded"] == "_LazyModule"
    used = subprocess.run(
        [sys.executable, "-c", GATE_WAY + "import rich.progress\n"
         "from rich.progress import track\nprint(type(rich.progress).__name__, track.__name__, "
         "rich.progress.Progress.__name__)"],
        check=True, capture_output=True, text=True)
    assert used.stdout.split() == ["module", "track", "Progress"]


def test_the_cache_key_lists_the_entry_points_bandit_loads() -> None:
    from gate.checks.sast.check import _rules

    plain = _describe("")
    rules = _rules()
    listed = sorted([p[0], p[1]] for p in plain["plugins"])
    assert sorted([name, value] for group, name, value, _ in rules
                  if group == "bandit.plugins") == listed
    assert {(group, name) for group, name, _, _ in rules if group == "bandit.blacklists"} == {
        ("bandit.blacklists", "calls"), ("bandit.blacklists", "imports")}
    from importlib.metadata import distribution

    bandit = distribution("bandit")
    assert {shipped for _, _, _, shipped in rules} == {f"{bandit.name} {bandit.version}"}


def test_a_standby_preload_imports_bandit_the_gate_way() -> None:
    """``SastCheck.preload`` (a standby worker's) loads bandit as ``import_bandit`` does."""
    standby = "from gate.checks.sast.check import SastCheck\nSastCheck.preload()\n"
    preloaded = _describe(standby)
    assert preloaded == _describe(GATE_WAY)
    assert preloaded["formatters"] == []
    assert preloaded["rich_progress_loaded"] == "_LazyModule"
