"""The scan engine shared by the file-local checks (sast, secrets).

``pool.py`` spreads files in balanced chunks over a process pool (forked where safe:
``gate.processes``); its workers (``workers.py``) run under the gate's limits and are
replaced when a file exhausts one;
``tokens.py`` holds the CPU tokens every check's pool shares; ``cached_scan.py`` is the
result cache's front: it looks each file up, scans only the misses, and stores what it
scanned (a check whose results depend on other files too gives it a ``Dependencies``
hook); ``digests.py`` identifies the files' contents (git's ids where they can be trusted).
"""
