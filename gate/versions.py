"""The installed version of a scanner, read from its metadata without importing it.

A check's :meth:`~gate.checks.interface.Check.tool_version` labels its results and keys
its cache entries; the parent process asks it even for a check that has nothing to read,
so it must not import the scanner (bandit, detect-secrets, pip-audit cost 50-400 ms each).
``importlib.metadata.version`` parses the whole metadata file with the ``email`` package
(about 35 ms on first use); the ``Version:`` header is all that is needed, and the
core-metadata specification puts it among the first lines.
"""

from __future__ import annotations

from gate.distributions import metadata_text

__all__ = ["PackageNotFoundError", "installed_version"]


class PackageNotFoundError(ModuleNotFoundError):
    """The distribution is not installed (importlib.metadata's own, or ours where the gate
    looked itself: :mod:`gate.distributions`)."""


def installed_version(name: str) -> str:
    """The version of the installed distribution ``name``.

    Raises :class:`PackageNotFoundError` when it is not installed.
    """
    text = metadata_text(name)
    if text == "":
        raise PackageNotFoundError(name)
    if text is not None:
        found = _version_header(text)
        if found is not None:
            return found
    return _from_importlib(name)


def _version_header(text: str) -> str | None:
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line; the description follows
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "version":
            return value.strip()
    return None


def _from_importlib(name: str) -> str:
    """What importlib.metadata says, where :mod:`gate.distributions` could not."""
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError as exc:
        raise PackageNotFoundError(name) from exc
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    return _version_header(text) or str(dist.version)
