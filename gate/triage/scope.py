"""Which files a check must look at when there is a base: the basis of the incremental scan.

A *file-local* check is one whose findings in a file depend only on that file
(its content and its path): bandit and detect-secrets are. For those, a file
the change did not touch has the same findings on both sides, so

* the base needs scanning only for the files the change touched, and
* in ``mode: new`` the head needs scanning only for those files too: a
  finding in an untouched file cannot be new, so it cannot fail the gate.

Checks that read across files (a ``-r`` include, a Terraform module) are not
file-local and are rescanned whole on the base whenever the change touches a
file in their scope. Plugins opt in with a ``file_local = True`` class attribute.

A check whose ``reads()`` is false for every path the change touches (on
either side) has the same findings on both sides: in ``mode: new`` none of
them can be new, so it is given no file at all (and so gets no worker:
:mod:`gate.checks.idle`), and the base takes the head's findings as they
are (:mod:`gate.triage.base`). The exception is a check whose findings change
while its files do not (``reports_unchanged``: the dependencies check, as
advisories are published): it runs, and lists those findings as old.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from gate.checks.interface import Check
from gate.checks.registry import check_class
from gate.git.interface import ChangeSet
from gate.inventory import select
from gate.policy.model import Policy
from gate.runner import CheckJob

__all__ = ["FILE_LOCAL_TARGETS", "concerns", "in_scope", "is_file_local", "narrow_to_changes",
           "reader", "touches_what_it_reads"]

FILE_LOCAL_TARGETS = frozenset({"gate.checks.sast:SastCheck", "gate.checks.secrets:SecretsCheck"})


def reader(target: str) -> Callable[[str, Mapping[str, object]], bool]:
    """The check's ``reads`` (every file when the check cannot be imported here)."""
    cls = check_class(target)
    reads: Callable[[str, Mapping[str, object]], bool] | None = getattr(cls, "reads", None)
    return reads if reads is not None else lambda _path, _options: True


def concerns(job: CheckJob, paths: Iterable[str]) -> bool:
    """Whether a change to ``paths`` can change the job's check's result (its ``reads_any``
    over the job's files; ``True`` when the check cannot be imported here)."""
    cls = check_class(job.target)
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        return True
    return cls.reads_any(paths, job.scan.files, job.scan.options)


def touches_what_it_reads(job: CheckJob, changes: ChangeSet) -> bool:
    """Whether the change touches a path (either side) the job's check could read, or the
    check's findings can change without one (``reports_unchanged``)."""
    if getattr(check_class(job.target), "reports_unchanged", True) is not False:
        return True
    return concerns(job, changes.all_paths)


def is_file_local(target: str) -> bool:
    """Whether the check at ``target`` (``module:Class``) judges each file on its own."""
    if target in FILE_LOCAL_TARGETS:
        return True
    return getattr(check_class(target), "file_local", False) is True


def in_scope(path: str, name: str, policy: Policy) -> bool:
    """Whether the policy lets check ``name`` see ``path`` (global, then per-check globs)."""
    block = policy.check(name)
    return bool(select((path,), policy.include, policy.exclude)
                and select((path,), block.include, block.exclude))


def narrow_to_changes(jobs: Sequence[CheckJob], changes: ChangeSet
                      ) -> tuple[list[CheckJob], tuple[str, ...]]:
    """``mode: new``: file-local checks scan only the changed files, and a check that reads no
    changed file scans nothing; return the jobs and the names of the checks narrowed.

    This is what makes a pull request's run cost a fraction of a full scan.
    """
    touched = changes.head_paths
    out: list[CheckJob] = []
    narrowed: list[str] = []
    for job in jobs:
        if is_file_local(job.target):
            files = tuple(f for f in job.scan.files if f in touched)
            aside = tuple(n for n in job.scan.set_aside if n.path in touched)
            job = replace(job, scan=replace(job.scan, files=files, set_aside=aside))
            narrowed.append(job.name)
        elif not touches_what_it_reads(job, changes):
            job = replace(job, scan=replace(job.scan, files=(), set_aside=()))
            narrowed.append(job.name)
        out.append(job)
    return out, tuple(narrowed)
