"""A stand-in for ``helm template`` built on Helm's own Go engine (helm-python-sdk).

Used by the tests where the helm binary is not installed: it renders with the
real Helm SDK (``libhelm_c``, offline, no cluster) and prints what ``helm
template`` prints: each manifest after a ``# Source: <chart>/templates/<file>``
line. Only ``template NAME CHART [--values FILE]...`` is understood.
"""

from __future__ import annotations

import sys
from pathlib import Path

import helm_python as helm
import yaml


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] != "template":
        print("usage: helm template NAME CHART [--values FILE]...", file=sys.stderr)
        return 2
    name, chart = argv[1], argv[2]
    values: dict[str, object] = {}
    rest = argv[3:]
    for flag, path in zip(rest[::2], rest[1::2], strict=False):
        if flag in ("--values", "-f"):
            loaded = yaml.safe_load(Path(path).read_text()) or {}
            values.update(loaded)
    try:
        with helm.Chart.load(chart) as loaded_chart:
            rendered = loaded_chart.render(values or None, name=name, namespace="default")
    except helm.HelmError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    for source in sorted(rendered):
        text = rendered[source]
        if text.strip() and not source.endswith("NOTES.txt"):
            print(f"---\n# Source: {source}\n{text.rstrip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
