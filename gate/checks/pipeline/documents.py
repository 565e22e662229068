"""Which files are CI definitions, and reading them into :class:`PipelineFile` objects.

GitHub only runs workflows directly under ``.github/workflows``; actions are any
``action.yml``/``action.yaml`` (the repository's own published action, or local ones
under ``.github/actions/``) whose ``runs`` says what they are. GitLab pipelines are
``.gitlab-ci.yml``, files under ``.gitlab/ci/`` (local includes by convention) and
CI/CD components (``templates/*.yml`` with a ``spec:`` header document).

YAML is read by the IaC engine's node walker: no constructor runs, aliases are bounded,
every key keeps its line. Anything that stops a file from being judged raises
:class:`PipelineError` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePosixPath

from gate.checks.iac.interface import ParseError
from gate.checks.iac.parsers.yamlnodes import load_documents
from gate.checks.pipeline.interface import Kind, PipelineError, PipelineFile, Platform, Suppress
from gate.checks.pipeline.names import DEFAULT_MAX_BYTES, candidate

__all__ = ["DEFAULT_MAX_BYTES", "candidate", "parse"]

_IGNORE = re.compile(r"#\s*(?:gate:ignore|zizmor:\s*ignore)\[([A-Za-z0-9_,\- ]+)\][ \t]*(.*)$")
"""``# gate:ignore[ID] reason``, and zizmor's ``# zizmor: ignore[audit]`` for projects that
already annotate their workflows (the audit names are the rules' zizmor aliases)."""


def _ignores(lines: tuple[str, ...]) -> tuple[Suppress, ...]:
    found = []
    for number, line in enumerate(lines, start=1):
        if "ignore[" in line:
            match = _IGNORE.search(line)
            if match:
                ids = tuple(i.strip().upper() for i in match.group(1).split(",") if i.strip())
                found.append(Suppress(ids, match.group(2).strip() or None, number))
    return tuple(found)


def parse(path: str, text: str, kind: Kind) -> PipelineFile | None:
    """The file as a :class:`PipelineFile`; ``None`` when it turns out not to be CI
    (a ``templates/x.yml`` that is no component, an ``action.yml`` without ``runs``)."""
    try:
        docs = list(load_documents(text, lenient_tags=frozenset({"reference"})))
    except ParseError as exc:
        raise PipelineError(exc.reason, exc.line) from None
    lines = tuple(text.splitlines())
    if not docs or docs[0].value is None:
        return None
    first = docs[0]
    component_dir = kind is Kind.GITLAB and "templates" in PurePosixPath(path).parts[:-1] \
        and not path.lower().endswith("gitlab-ci.yml") and ".gitlab/ci/" not in f"/{path}"
    if component_dir and not (isinstance(first.value, Mapping) and "spec" in first.value):
        return None
    if not isinstance(first.value, Mapping):
        raise PipelineError(f"not a {kind.value} file (top level is not a mapping)",
                            first.start_line)
    value: dict[str, object] = dict(first.value)
    line_map = dict(first.lines)
    if kind is Kind.GITLAB and "spec" in value and len(docs) > 1 \
            and isinstance(docs[1].value, Mapping):
        # A component: the spec header, then the jobs in a second document.
        value = {**dict(docs[1].value), "spec": value["spec"]}
        line_map.update(docs[1].lines)
    if kind is Kind.ACTION and not isinstance(value.get("runs"), Mapping):
        return None
    if kind is Kind.WORKFLOW and "on" not in value and "jobs" not in value:
        return None
    platform = Platform.GITLAB if kind is Kind.GITLAB else Platform.GITHUB
    return PipelineFile(path=path, platform=platform, kind=kind, value=value, lines=line_map,
                        text_lines=lines, ignores=_ignores(lines))
