"""Identity of an input that is too big to hash on every run (an offline vulnerability database).

A file is identified by its size and modification time (to the nanosecond);
a directory by every file's relative path, size and modification time. Cheap
(stat calls only), and any replacement, edit, addition or removal of a file
changes it, so a result keyed by it is never served for another database.
"""

from __future__ import annotations

import os
from pathlib import Path

from gate.cache.keys import digest_of

__all__ = ["path_identity"]


def path_identity(path: Path) -> str:
    """A digest that changes whenever the file or directory tree at ``path`` changes; ``OSError``."""
    resolved = path.resolve()
    st = resolved.stat()
    if not resolved.is_dir():
        return digest_of(["file", str(resolved), st.st_size, st.st_mtime_ns])
    entries = []
    for dirpath, dirnames, filenames in os.walk(resolved):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath) / name
            try:
                fst = full.stat()
            except OSError:
                continue
            entries.append((full.relative_to(resolved).as_posix(), fst.st_size, fst.st_mtime_ns))
    return digest_of(["dir", str(resolved), entries])
