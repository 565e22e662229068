"""``python -m gate``.

``python -m`` puts the working directory first on ``sys.path``, and the working
directory is usually the checkout being scanned: a committed ``yaml/`` or
``pydantic/`` package there would be imported instead of the real one, running
the pull request's code inside the gate. It is taken off the path before
anything else is imported, unless the ``gate`` package itself lives there (a
development checkout of the gate). Prefer the ``gate`` command, which never had
it; and a checkout that ships its own ``gate/`` package must not be scanned with
``python -m gate`` from inside it (use ``gate``, or ``python -P``/``-I``).
"""

import signal
import sys
from pathlib import Path
from types import FrameType


def _interrupted_while_loading(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C before the CLI runs: its one line and exit code, and no traceback.

    ``SystemExit`` rather than ``KeyboardInterrupt``: CPython turns an
    interrupted start-up into a death by signal at exit otherwise.
    """
    print("gate: interrupted by SIGINT: no verdict, no report", file=sys.stderr)
    raise SystemExit(130)


signal.signal(signal.SIGINT, _interrupted_while_loading)


def _drop_working_directory() -> None:
    home = Path(__file__).resolve().parent.parent
    cwd = Path.cwd().resolve()

    def unsafe(entry: str) -> bool:
        where = Path(entry or ".").resolve()
        return where == cwd and where != home

    sys.path[:] = [entry for entry in sys.path if not unsafe(entry)]


_drop_working_directory()

from gate.cli.main import console  # noqa: E402  (after the path is safe)

console()
