"""The hash-pinned lock of the gate's runtime dependencies, shipped inside the package.

``requirements/lock.txt`` in the source tree (``gate/lock.txt`` is a link to it
that the sdist and wheel carry as a plain file). Installers that only have the
gate's wheel (the GitLab component and template) install it first with
``--no-deps``, then its dependencies from this lock with ``--require-hashes``:

    python -m gate.pins    # prints the lock's path

Nothing but the standard library is imported, so this works before the
dependencies are installed.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

__all__ = ["lock_path"]


def lock_path() -> Path:
    """The installed lock file (``gate/lock.txt``)."""
    return Path(str(resources.files("gate").joinpath("lock.txt")))


if __name__ == "__main__":  # pragma: no cover - exercised through the CI templates' tests
    path = lock_path()
    if not path.is_file():
        sys.exit(f"gate: error: the dependency lock is missing from this installation: {path}")
    print(path)
