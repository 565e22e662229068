"""``mode: new`` narrowing: file-local checks get only the changed files, set-aside ones too."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.checks.interface import NotScanned, ScanTarget
from gate.git.interface import ChangeSet
from gate.runner import CheckJob
from gate.triage.scope import narrow_to_changes


def test_file_local_checks_keep_only_changed_files_and_set_aside_files(tmp_path: Path) -> None:
    aside = (NotScanned("old_big.py", "over max_file_size"),
             NotScanned("new_big.py", "over max_file_size"))
    scan = ScanTarget(root=tmp_path, files=("a.py", "b.py"), set_aside=aside)
    jobs = [CheckJob(name="sast", target="gate.checks.sast:SastCheck", scan=scan, timeout=60),
            CheckJob(name="iac", target="gate.checks.iac:IacCheck", scan=scan, timeout=60)]

    narrowed, names = narrow_to_changes(jobs, ChangeSet(modified=frozenset({"b.py"}),
                                                        added=frozenset({"new_big.py"})))

    assert names == ("sast", "iac")
    assert narrowed[0].scan.files == ("b.py",)
    assert narrowed[0].scan.set_aside == (NotScanned("new_big.py", "over max_file_size"),)
    assert (narrowed[1].scan.files, narrowed[1].scan.set_aside) == ((), ())  # reads no change


def test_a_whole_tree_check_is_not_narrowed_when_the_change_touches_a_file_it_reads(
        tmp_path: Path) -> None:
    scan = ScanTarget(root=tmp_path, files=("a.py", "main.tf", "requirements.txt"))
    jobs = [CheckJob(name="iac", target="gate.checks.iac:IacCheck", scan=scan, timeout=60),
            CheckJob(name="dependencies", target="gate.checks.dependencies:DependenciesCheck",
                     scan=scan, timeout=60)]
    deleted = ChangeSet(modified=frozenset({"a.py"}), deleted=frozenset({"old.tf"}))
    narrowed, names = narrow_to_changes(jobs, deleted)
    assert names == ()
    assert [job.scan for job in narrowed] == [scan, scan]


def test_dependencies_runs_whatever_the_change_as_advisories_appear(tmp_path: Path) -> None:
    scan = ScanTarget(root=tmp_path, files=("a.py", "requirements.txt"))
    job = CheckJob(name="dependencies", target="gate.checks.dependencies:DependenciesCheck",
                   scan=scan, timeout=60)
    narrowed, names = narrow_to_changes([job], ChangeSet(modified=frozenset({"a.py"})))
    assert (names, narrowed[0].scan) == ((), scan)


@pytest.mark.parametrize(("changed", "narrowed"), [
    ("charts/app/files/config.ini", False),  # .Files.Get reads any file of the chart
    ("deploy/overlay/app.properties", False),  # a configMapGenerator names any file
    ("docs/guide.md", True),
    ("charts/application.md", True),  # beside the chart, not in it
])
def test_a_change_inside_a_chart_or_an_overlay_concerns_iac_whatever_its_name(
        tmp_path: Path, changed: str, narrowed: bool) -> None:
    tree = ("charts/app/Chart.yaml", "charts/app/templates/pod.yaml", "charts/app/files/config.ini",
            "deploy/overlay/kustomization.yaml", "deploy/overlay/app.properties",
            "docs/guide.md", "charts/application.md")
    scan = ScanTarget(root=tmp_path, files=tree)
    job = CheckJob(name="iac", target="gate.checks.iac:IacCheck", scan=scan, timeout=60)
    out, names = narrow_to_changes([job], ChangeSet(modified=frozenset({changed})))
    assert (names == ("iac",)) is narrowed
    assert out[0].scan.files == (() if narrowed else tree)


def test_a_chart_at_the_root_concerns_iac_with_every_change(tmp_path: Path) -> None:
    scan = ScanTarget(root=tmp_path, files=("Chart.yaml", "templates/pod.yaml", "README.md"))
    job = CheckJob(name="iac", target="gate.checks.iac:IacCheck", scan=scan, timeout=60)
    _, names = narrow_to_changes([job], ChangeSet(modified=frozenset({"README.md"})))
    assert names == ()
