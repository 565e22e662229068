"""``mode: new`` narrowing: file-local checks get only the changed files, set-aside ones too."""

from __future__ import annotations

from pathlib import Path

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

    assert names == ("sast",)
    assert narrowed[0].scan.files == ("b.py",)
    assert narrowed[0].scan.set_aside == (NotScanned("new_big.py", "over max_file_size"),)
    assert narrowed[1].scan == scan  # a whole-tree check is not narrowed
