"""The model the rules judge: jobs with their reach and privileges, and where values flow.

For each job: the triggers that reach it (a reusable workflow's and a local action's are
their local callers', or "a caller outside the repository"), its token permissions, the
secrets it names, its environment and runners. :meth:`Repo.taints` says which
attacker- or writer-controlled values an expression string can yield there, following
``env.*`` to its definition and ``inputs.*`` to the caller's ``with:``, and how severe
running them is under each trigger (:func:`~gate.checks.pipeline.triggers.reach_severity`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from gate.checks.pipeline.contexts import Controller, Source, classify
from gate.checks.pipeline.expressions import expressions, value_refs
from gate.checks.pipeline.interface import AttrPath, Hop, Kind, PipelineFile
from gate.checks.pipeline.permissions import Permissions, effective_permissions
from gate.checks.pipeline.triggers import CALLER, Trigger, reach_severity, reach_text, triggers
from gate.findings import Severity

if TYPE_CHECKING:
    from gate.checks.dependencies.vulndb.actions import ActionDatabase

__all__ = ["Job", "Repo", "Step", "Taint", "iter_strings", "offset_in_block"]

_SECRET = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
_EVENT_IS = re.compile(r"github\.event_name\s*==\s*'([a-z_]+)'")
_SAME_REPO = re.compile(
    r"head\.repo\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*"
    r"github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|"
    r"!\s*github\.event\.pull_request\.head\.repo\.fork|"
    r"head_repository\.full_name\s*==\s*github\.repository|"
    r"github\.event\.pull_request\.user\.login\s*==\s*'[^']*\[bot\]'")
"""Conditions that keep fork pull requests out: the head repository is this one, or the PR
was opened by a bot (Dependabot and Renovate PRs are branches of the base repository)."""
_SAFE_INPUT_TYPES = frozenset({"boolean", "number", "choice"})
_OUTPUT_WRITE = re.compile(r"echo\s+[\"']?([\w-]+)=(.{0,500}?)[\"']?\s*>>\s*[\"']?\$\{?GITHUB_OUTPUT")
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_FILE_LIST_ACTIONS = frozenset({"tj-actions/changed-files", "dorny/paths-filter",
                                "step-security/changed-files", "jitterbit/get-changed-files",
                                "trilom/file-changes-action"})
"""Actions whose outputs list the files a change touched: names the change's author chose."""
_FILE_LIST_EVENTS = frozenset({"pull_request", "pull_request_target", "push", "merge_group"})
_MAX_DEPTH = 4


def iter_strings(value: Any, path: AttrPath = ()) -> Iterator[tuple[AttrPath, str]]:
    """Every string in a YAML value, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from iter_strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from iter_strings(item, (*path, i))


def offset_in_block(file: PipelineFile, at: AttrPath, position: int, text: str) -> int:
    """Lines between the key at ``at`` and character ``position`` of its string value."""
    newlines = text.count("\n", 0, position)
    key_line = file.source_line(file.line_of(at)).rstrip()
    block = bool(re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", key_line))
    return newlines + (1 if block else 0)


@dataclass(frozen=True)
class Step:
    """One step of a job or of a composite action."""

    file: PipelineFile
    job: str
    index: int
    path: AttrPath
    value: Mapping[str, Any]

    @property
    def uses(self) -> str:
        """The ``uses:`` reference, or ``""``."""
        raw = self.value.get("uses")
        return raw.strip() if isinstance(raw, str) else ""

    @property
    def action(self) -> str:
        """``owner/repo[/path]`` of ``uses:``, lower case, without the ref."""
        return self.uses.split("@", 1)[0].lower()

    @property
    def ref(self) -> str:
        """The part after ``@`` of ``uses:``."""
        return self.uses.split("@", 1)[1] if "@" in self.uses else ""

    @property
    def run(self) -> str:
        """The ``run:`` script, or ``""``."""
        raw = self.value.get("run")
        return raw if isinstance(raw, str) else ""

    @property
    def with_(self) -> Mapping[str, Any]:
        """The ``with:`` inputs."""
        raw = self.value.get("with")
        return raw if isinstance(raw, Mapping) else {}

    @property
    def env(self) -> Mapping[str, Any]:
        """The step's ``env:``."""
        raw = self.value.get("env")
        return raw if isinstance(raw, Mapping) else {}

    @property
    def line(self) -> int:
        """The step's first line."""
        return self.file.line_of(self.path)

    def label(self) -> str:
        """How the step is named in messages."""
        name = self.value.get("name")
        if isinstance(name, str) and name.strip():
            return f'step "{name.strip()[:60]}"'
        if self.uses:
            return f"step {self.index + 1} ({self.uses[:80]})"
        return f"step {self.index + 1}"


@dataclass(frozen=True)
class Job:
    """A job (or a composite action's steps, as a job named after the action)."""

    file: PipelineFile
    id: str
    path: AttrPath
    value: Mapping[str, Any]
    steps: tuple[Step, ...]
    permissions: Permissions
    triggers: tuple[Trigger, ...]
    secrets: tuple[str, ...]
    same_repo_only: bool = False
    """Its ``if:`` keeps fork pull requests out (head repository == this repository)."""

    @property
    def if_(self) -> str:
        """The job's ``if:`` condition."""
        raw = self.value.get("if")
        return raw if isinstance(raw, str) else ""

    @property
    def env(self) -> Mapping[str, Any]:
        """The job's ``env:``."""
        raw = self.value.get("env")
        return raw if isinstance(raw, Mapping) else {}

    @property
    def environment(self) -> str:
        """The deployment environment's name (its secrets and protection rules)."""
        raw = self.value.get("environment")
        if isinstance(raw, Mapping):
            raw = raw.get("name")
        return raw if isinstance(raw, str) else ""

    @property
    def runs_on(self) -> tuple[str, ...]:
        """The runner labels (a ``group``/``labels`` mapping flattened)."""
        raw = self.value.get("runs-on")
        if isinstance(raw, Mapping):
            raw = raw.get("labels", raw.get("group"))
        if isinstance(raw, str):
            return (raw,)
        if isinstance(raw, list):
            return tuple(str(r) for r in raw)
        return ()

    @property
    def line(self) -> int:
        """The job's first line."""
        return self.file.line_of(self.path)

    @property
    def privileged(self) -> bool:
        """Whether code running in it can do harm beyond the job: write token, secrets, OIDC."""
        return self.permissions.may_write or bool(self.secrets) or self.permissions.id_token \
            or bool(self.environment)

    def privileges(self) -> str:
        """The job's power, for the finding's flow."""
        parts = [self.permissions.describe()]
        if self.secrets:
            shown = ", ".join(self.secrets[:4]) + ("..." if len(self.secrets) > 4 else "")
            parts.append(f"secrets: {shown}")
        if self.permissions.id_token:
            parts.append("OIDC id-token")
        if self.environment:
            parts.append(f"environment {self.environment}")
        return "; ".join(parts)

    def hop(self) -> Hop:
        """This job as a flow step."""
        kind = "action" if self.file.kind is Kind.ACTION else "job"
        return Hop(self.file.path, self.line, f"{kind} {self.id}: {self.privileges()}")


@dataclass(frozen=True)
class Taint:
    """A controlled value an expression yields, how bad running it is, and how it got there."""

    source: Source
    severity: Severity
    trigger: Trigger | None
    hops: tuple[Hop, ...]
    """From the trigger to the expression (env definitions, callers' ``with:``)."""


@dataclass
class Repo:
    """Every parsed CI file of the repository, with the cross-file lookups rules need."""

    files: dict[str, PipelineFile]
    allowed_hosts: frozenset[str] = frozenset()
    advisories: ActionDatabase | None = None
    warnings: list[str] = field(default_factory=list)
    """What could not be judged (a SHA pin without a version comment...), file:line first."""
    _jobs: dict[str, tuple[Job, ...]] = field(default_factory=dict)
    _callers: dict[str, list[tuple[PipelineFile, AttrPath]]] | None = None

    # ---- jobs ----------------------------------------------------------------------------

    def jobs(self, file: PipelineFile, depth: int = 0) -> tuple[Job, ...]:
        """The jobs of a workflow, or the one pseudo-job of a composite action."""
        cached = self._jobs.get(file.path)
        if cached is not None:
            return cached
        self._jobs[file.path] = ()  # a cycle of local calls ends here
        built = self._build_jobs(file, depth)
        self._jobs[file.path] = built
        return built

    def _build_jobs(self, file: PipelineFile, depth: int) -> tuple[Job, ...]:
        if file.kind is Kind.ACTION:
            runs = file.value.get("runs")
            raw_steps = runs.get("steps") if isinstance(runs, Mapping) else None
            name = str(PurePosixPath(file.path).parent) or "."
            steps = tuple(Step(file, name, i, ("runs", "steps", i), s)
                          for i, s in enumerate(raw_steps if isinstance(raw_steps, list) else [])
                          if isinstance(s, Mapping))
            callers = self._caller_jobs(file, depth)
            trig = tuple(t for job in callers for t in job.triggers) or (
                Trigger(CALLER, file.path, 1, {}),)
            perms = callers[0].permissions if len(callers) == 1 else Permissions(None, "default")
            secrets = tuple(sorted({s for job in callers for s in job.secrets}))
            return (Job(file, name, (), file.value, steps, perms, _dedupe(trig), secrets),)
        raw_jobs = file.value.get("jobs")
        if not isinstance(raw_jobs, Mapping):
            return ()
        own = triggers(file)
        trig = tuple(t for t in own if t.name != "workflow_call")
        if any(t.name == "workflow_call" for t in own):
            callers = self._caller_jobs(file, depth)
            trig += tuple(t for job in callers for t in job.triggers) or (
                Trigger(CALLER, file.path, file.line_of(("on",)), {}),)
        out = []
        for job_id, job in raw_jobs.items():
            if not isinstance(job, Mapping):
                continue
            path: AttrPath = ("jobs", job_id)
            raw_steps = job.get("steps")
            steps = tuple(Step(file, str(job_id), i, (*path, "steps", i), s)
                          for i, s in enumerate(raw_steps if isinstance(raw_steps, list) else [])
                          if isinstance(s, Mapping))
            named = sorted({m.group(1) for _, text in iter_strings(job)
                              for m in _SECRET.finditer(text) if m.group(1) != "GITHUB_TOKEN"})
            if job.get("secrets") == "inherit":
                named.insert(0, "(all, inherited)")
            condition = job.get("if") if isinstance(job.get("if"), str) else ""
            job_trig = _restrict(_dedupe(trig), str(condition))
            out.append(Job(file, str(job_id), path, job, steps,
                           effective_permissions(file.value, job), job_trig, tuple(named),
                           _keeps_forks_out(str(condition))))
        return tuple(out)

    # ---- local calls ---------------------------------------------------------------------

    def _index_callers(self) -> dict[str, list[tuple[PipelineFile, AttrPath]]]:
        found: dict[str, list[tuple[PipelineFile, AttrPath]]] = {}
        for file in self.files.values():
            if file.kind is Kind.GITLAB:
                continue
            raw_jobs = file.value.get("jobs") if file.kind is Kind.WORKFLOW else None
            runs = file.value.get("runs") if file.kind is Kind.ACTION else None
            refs: list[tuple[str, AttrPath]] = []
            if isinstance(raw_jobs, Mapping):
                for job_id, job in raw_jobs.items():
                    if isinstance(job, Mapping):
                        if isinstance(job.get("uses"), str):
                            refs.append((job["uses"], ("jobs", job_id)))
                        for i, step in enumerate(_as_list(job.get("steps"))):
                            if isinstance(step, Mapping) and isinstance(step.get("uses"), str):
                                refs.append((step["uses"], ("jobs", job_id, "steps", i)))
            elif isinstance(runs, Mapping):
                for i, step in enumerate(_as_list(runs.get("steps"))):
                    if isinstance(step, Mapping) and isinstance(step.get("uses"), str):
                        refs.append((step["uses"], ("runs", "steps", i)))
            for ref, at in refs:
                target = self.local_target(ref)
                if target is not None:
                    found.setdefault(target, []).append((file, at))
        return found

    def local_target(self, uses: str) -> str | None:
        """The path of the local action or reusable workflow ``uses: ./...`` names."""
        if not uses.startswith("./"):
            return None
        base = uses[2:].split("@", 1)[0].rstrip("/")
        if base.endswith((".yml", ".yaml")):
            return base if base in self.files else None
        for name in ("action.yml", "action.yaml"):
            candidate = f"{base}/{name}" if base else name
            if candidate in self.files:
                return candidate
        return None

    def callers(self, file: PipelineFile, depth: int = 0
                ) -> list[tuple[Job, Step | None, Mapping[str, Any], Hop]]:
        """Local callers of an action or reusable workflow: (job, step or None, with, hop)."""
        if self._callers is None:
            self._callers = self._index_callers()
        out: list[tuple[Job, Step | None, Mapping[str, Any], Hop]] = []
        for caller_file, at in self._callers.get(file.path, []):
            if depth > _MAX_DEPTH:
                break
            for job in self.jobs(caller_file, depth + 1):
                if file.kind is Kind.WORKFLOW and at == job.path:
                    hop = Hop(caller_file.path, caller_file.line_of((*at, "uses")),
                              f"job {job.id} calls {file.path}")
                    raw_with = job.value.get("with")
                    out.append((job, None, raw_with if isinstance(raw_with, Mapping) else {},
                                hop))
                for step in job.steps:
                    if step.path == at:
                        hop = Hop(caller_file.path, step.line,
                                  f"{step.label()} of {job.id} uses {file.path}")
                        out.append((job, step, step.with_, hop))
        return out

    def _caller_jobs(self, file: PipelineFile, depth: int) -> list[Job]:
        return [job for job, _step, _with, _hop in self.callers(file, depth)]

    # ---- taint ---------------------------------------------------------------------------

    def taints(self, text: str, job: Job, step: Step | None, depth: int = 0) -> list[Taint]:
        """Controlled values the ``${{ }}`` expressions of ``text`` yield in ``job``."""
        out: list[Taint] = []
        if depth > _MAX_DEPTH:
            return out
        for expr in expressions(text):
            for ref in value_refs(expr.text):
                out.extend(self._ref_taints(ref, job, step, depth))
        return out

    def _ref_taints(self, ref: str, job: Job, step: Step | None, depth: int) -> list[Taint]:
        if ref.startswith("env."):
            return self._env_taints(ref[4:], job, step, depth)
        if ref.startswith(("inputs.", "github.event.inputs.")):
            return self._input_taints(ref.rsplit(".", 1)[1], ref, job, depth)
        parts = ref.split(".")
        if len(parts) == 4 and parts[0] == "steps" and parts[2] == "outputs":
            return self._step_output_taints(parts[1], parts[3], job, depth)
        if len(parts) == 4 and parts[0] == "needs" and parts[2] == "outputs":
            return self._job_output_taints(parts[1], parts[3], job, depth)
        source = classify(ref)
        return [] if source is None else self._judge(source, job, ())

    def _judge(self, source: Source, job: Job, hops: tuple[Hop, ...]) -> list[Taint]:
        best: tuple[Severity, Trigger] | None = None
        for trig in job.triggers:
            if source.events is not None and trig.name not in source.events \
                    and trig.name != CALLER:
                continue
            controller = Controller.WRITER if job.same_repo_only else source.controller
            severity = reach_severity(trig.name, controller)
            if best is None or severity > best[0]:
                best = (severity, trig)
        if best is None:
            return []
        trig = best[1]
        start = Hop(trig.path, trig.line, reach_text(trig.name))
        return [Taint(source, best[0], trig, (start, *hops))]

    def _step_output_taints(self, step_id: str, name: str, job: Job, depth: int
                            ) -> list[Taint]:
        """An earlier step's output: the value its ``run:`` writes to ``$GITHUB_OUTPUT``, or an
        action whose outputs are file names the pull request chose."""
        producer = next((s for s in job.steps
                         if str(s.value.get("id", "")).lower() == step_id), None)
        if producer is None:
            return []
        if producer.action in _FILE_LIST_ACTIONS:
            if "file" not in name and name not in ("changed", "all"):
                return []
            source = Source(f"steps.{step_id}.outputs.{name}", Controller.ANYONE,
                            f"file names listed by {producer.action}", _FILE_LIST_EVENTS)
            hop = Hop(job.file.path, producer.line, f"{producer.label()} lists changed files")
            return self._judge(source, job, (hop,))
        out: list[Taint] = []
        for line in producer.run.splitlines():
            match = _OUTPUT_WRITE.search(line)
            if match is None or match.group(1).lower() != name:
                continue
            value = match.group(2)
            hop = Hop(job.file.path, producer.line,
                      f"{producer.label()} sets output {match.group(1)}")
            found = self.taints(value, job, producer, depth + 1)
            found += [t for var in _SHELL_VAR.findall(value)
                      for t in self._env_taints(var.lower(), job, producer, depth + 1)]
            out.extend(Taint(t.source, t.severity, t.trigger, (*t.hops, hop)) for t in found)
        return out

    def _job_output_taints(self, job_id: str, name: str, job: Job, depth: int) -> list[Taint]:
        """``needs.<job>.outputs.<name>``: the expression the other job's ``outputs:`` maps."""
        other = next((j for j in self.jobs(job.file) if j.id.lower() == job_id), None)
        outputs = other.value.get("outputs") if other is not None else None
        if other is None or not isinstance(outputs, Mapping):
            return []
        value = next((v for k, v in outputs.items() if str(k).lower() == name), None)
        if not isinstance(value, str):
            return []
        hop = Hop(job.file.path, job.file.line_of((*other.path, "outputs", name)),
                  f"job {other.id} output {name} = {value.strip()[:100]}")
        return [Taint(t.source, t.severity, t.trigger, (*t.hops, hop))
                for t in self.taints(value, other, None, depth + 1)]

    def _env_taints(self, name: str, job: Job, step: Step | None, depth: int) -> list[Taint]:
        scopes: list[tuple[Mapping[str, Any], AttrPath]] = []
        if step is not None:
            scopes.append((step.env, (*step.path, "env")))
        scopes.append((job.env, (*job.path, "env")))
        if job.file.kind is Kind.WORKFLOW:
            raw = job.file.value.get("env")
            scopes.append((raw if isinstance(raw, Mapping) else {}, ("env",)))
        for env, at in scopes:
            for key, value in env.items():
                if str(key).lower() == name and isinstance(value, str):
                    hop = Hop(job.file.path, job.file.line_of((*at, key)),
                              f"env {key} = {value.strip()[:120]}")
                    return [Taint(t.source, t.severity, t.trigger, (*t.hops, hop))
                            for t in self.taints(value, job, step, depth + 1)]
        return []

    def _input_taints(self, name: str, ref: str, job: Job, depth: int) -> list[Taint]:
        out: list[Taint] = []
        file = job.file
        if file.kind is Kind.WORKFLOW:
            dispatch = _mapping(_mapping(file.value.get("on")).get("workflow_dispatch"))
            spec = _mapping(_mapping(dispatch.get("inputs")).get(name))
            if "workflow_dispatch" in {t.name for t in job.triggers} and (
                    spec or ref.startswith("github.event.")) \
                    and str(spec.get("type", "string")) not in _SAFE_INPUT_TYPES:
                source = Source(ref, Controller.WRITER, "a workflow_dispatch input",
                                frozenset({"workflow_dispatch"}))
                out.extend(self._judge(source, job, ()))
            if ref.startswith("github.event."):
                return out
        for caller, step, with_, hop in self.callers(file, depth):
            value = next((v for k, v in with_.items() if str(k).lower() == name), None)
            if isinstance(value, str):
                out.extend(Taint(t.source, t.severity, t.trigger, (*t.hops, hop))
                           for t in self.taints(value, caller, step, depth + 1))
        return out

    # ---- walking -------------------------------------------------------------------------

    def all_steps(self, file: PipelineFile) -> Iterator[tuple[Job, Step]]:
        """Every (job, step) of a workflow or action."""
        for job in self.jobs(file):
            for step in job.steps:
                yield job, step


def _dedupe(trig: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    seen: dict[tuple[str, str], Trigger] = {}
    for t in trig:
        seen.setdefault((t.name, t.path), t)
    return tuple(seen.values())


def _restrict(trig: tuple[Trigger, ...], condition: str) -> tuple[Trigger, ...]:
    """Triggers a job's ``if:`` keeps, when it only compares ``github.event_name`` with ``==``."""
    named = set(_EVENT_IS.findall(condition))
    if not named or "!=" in condition or "&&" in condition:
        return trig
    kept = tuple(t for t in trig if t.name in named or t.name == CALLER)
    return kept or trig


def _keeps_forks_out(condition: str) -> bool:
    """A same-repository test that every run must pass: not one alternative of an ``||``."""
    return "||" not in condition and bool(_SAME_REPO.search(condition))


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
