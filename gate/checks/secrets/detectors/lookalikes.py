"""Values that look like credentials and are not: placeholders, documented examples, digests.

Used two ways: on a value one of our detectors matched (a ``ghp_xxxx...``
placeholder never fails), and on a value detect-secrets reports alone (a
``password = "changeme"`` keyword hit is a ``low`` placeholder). Only the
value and its own line are looked at.

A marker never hides a random body. Template syntax (``<...>``, ``${...}``,
``{{ }}``, ``...``) cannot occur inside a token's alphabet, so it counts
anywhere; a placeholder *word* (``todo``, ``fake``, ``sample``, ``qwerty``, a
run of one character...) counts only when the value is made of such words:
once every marker is taken out, nothing random-looking may be left
(:func:`random_remainder`). ``ghp_`` + 30 random characters with ``Todo``
inside still has 26 random characters: it is not a placeholder. The callers
never ask about a value whose structure is proven (a checksum that holds, a
key that parses): such a value is never a look-alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gate.checks.secrets.detectors.aws import EXAMPLES as AWS_EXAMPLES
from gate.checks.secrets.detectors.checksums import b64decode_loose, shannon_entropy
from gate.checks.secrets.detectors.interface import Classification
from gate.checks.secrets.detectors.lazyre import lazy

__all__ = ["DOCUMENTED_EXAMPLES", "LookAlike", "digest_reason", "hash_field", "looks_random",
           "placeholder_reason", "random_remainder"]

DOCUMENTED_EXAMPLES = frozenset(AWS_EXAMPLES)
"""Exact values providers publish as examples (more are recognised by the markers below)."""


@dataclass(frozen=True)
class LookAlike:
    """Why a value is a stand-in: its classification and the marker that decided it."""

    classification: Classification
    reason: str
    """Names the kind of marker (never the value, nor text taken from it)."""


_TEMPLATES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, lazy(pattern)) for name, pattern in (
        ("template syntax <...>", r"<[^<>]{1,80}>"),
        ("template syntax ${...}", r"\$\{[^}]{0,80}\}"),
        ("template syntax $(...)", r"\$\([^)]{0,80}\)"),
        ("template syntax {{ }}", r"\{\{.{0,80}?\}\}"),
        ("template syntax %(name)s", r"%\([^)]{0,40}\)s"),
        ("template syntax %NAME%", r"%[A-Z_]{3,}%"),
        ("a shell command substitution", r"^`[^`]{1,80}`?$"),
        ("an ellipsis", r"\.\.\.|…"),
        ("masking characters", r"\*{3,}|#{4,}"),
    ))
"""Human template syntax: never part of a generated token's alphabet, so it counts anywhere."""

_WORDS = lazy(
    r"(?i)(?:x{5,}|example|sample|dummy|placeholder|redacted|fake|notreal|not[_-]?a[_-]?real"
    r"|replace[_-]?(?:me|this|with)|change[_-]?(?:me|it|this)|your[_-]?|[_-]?here\b|insert[_-]?"
    r"|put[_-]?your|todo|fixme|test[_-]?(?:token|key|secret|password)|secret[_-]?here"
    r"|0?123456789|abcdefgh|qwerty|(.)\1{7,})")
"""Placeholder words and patterns: they decide only when nothing random is left without them."""
_WORD_NAMES = ("x{5,}", "example", "sample", "dummy", "placeholder", "redacted", "fake", "notreal",
               "not-a-real", "replace-me", "change-me", "your-", "-here", "insert-", "put-your",
               "todo", "fixme", "test-token", "secret-here", "123456789", "abcdefgh", "qwerty")
_ENV_REFERENCE = lazy(r"^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$")
_AWS_EXAMPLE_SUFFIX = lazy(r"EXAMPLE(?:KEY)?$")
_RUNS = lazy(r"[A-Za-z0-9]{12,}")
_CLASSES = (lazy(r"[a-z]"), lazy(r"[A-Z]"), lazy(r"[0-9]"))
_UUID = lazy(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PREFIXED_DIGEST = lazy(r"(?i)(?:sha(?:1|224|256|384|512)|md5)[:-][A-Za-z0-9+/=_-]{22,}")
_HEX_DIGEST = lazy(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128}")
_DIGEST_CONTEXT = lazy(
    r"(?i)(?:sha(?:1|224|256|384|512)?|md5|integrity|checksum|digest|commit|rev(?:ision)?|hash"
    r"|etag|fingerprint)")


def looks_random(text: str, minimum: int = 12) -> bool:
    """At least ``minimum`` characters, two character classes and 3 bits of entropy per char."""
    if len(text) < minimum:
        return False
    classes = sum(1 for c in _CLASSES if c.search(text))
    return classes >= 2 and shannon_entropy(text) >= 3.0


def random_remainder(value: str) -> bool:
    """Whether something random-looking is left once every placeholder word is taken out.

    The words are removed (not replaced by a separator), so a marker inside a
    random body leaves that body whole: ``AbC...Todo...xYz`` keeps its
    random characters on both sides, joined. The masking character ``x``
    (when it runs five times) is taken out everywhere: ``ab+xxxx/x+xxxxx`` is
    a masked value, not a random one. Twelve random characters from two
    classes (about 70 bits) are more than anyone types as a stand-in.
    """
    rest = value
    if re.search(r"[xX]{5}", value):
        rest = re.sub(r"[xX]", "", rest)  # the masking character, wherever it is
    rest = _WORDS.sub("", rest)
    return any(looks_random(run) for run in _RUNS.findall(rest))


def _word_name(value: str) -> str:
    match = _WORDS.search(value)
    if match is None:  # pragma: no cover - only called after a match
        return "placeholder word"
    text = match.group(0).lower()
    if match.group(1):
        return "one character repeated 8 times or more"
    if text.startswith("xxxxx"):
        return "a run of x"
    for name in _WORD_NAMES:
        if name.replace("-", "") in re.sub(r"[_-]", "", text):
            return f"placeholder word '{name}'"
    return "placeholder word"


def placeholder_reason(value: str, documented_example_suffix: bool = False) -> LookAlike | None:
    """How ``value`` is a documentation or template stand-in, or ``None``.

    ``documented_example_suffix``: the provider documents its examples with an
    ``EXAMPLE`` suffix (AWS), so a value ending in it is an example. Never
    called on a value whose checksum or structure holds.
    """
    if value in DOCUMENTED_EXAMPLES:
        return LookAlike(Classification.EXAMPLE, "documented example value")
    if documented_example_suffix and _AWS_EXAMPLE_SUFFIX.search(value):
        return LookAlike(Classification.EXAMPLE, "ends in EXAMPLE, as the provider's examples do")
    if _ENV_REFERENCE.match(value):
        return LookAlike(Classification.PLACEHOLDER, "an environment variable reference")
    for name, pattern in _TEMPLATES:
        if pattern.search(value):
            return LookAlike(Classification.PLACEHOLDER, name)
    if _WORDS.search(value) and not random_remainder(value):
        kind = (Classification.EXAMPLE if re.search(r"(?i)example", value)
                else Classification.PLACEHOLDER)
        return LookAlike(kind, f"{_word_name(value)}, nothing random left without it")
    return None


def digest_reason(value: str, line: str) -> Classification | None:
    """``DIGEST`` for a UUID, an integrity/image digest, or a hex digest named as one on its line."""
    if _UUID.fullmatch(value) or _PREFIXED_DIGEST.fullmatch(value):
        return Classification.DIGEST
    if re.search(r"(?i)(?:sha(?:1|224|256|384|512)[:-]|md5[:-])" + re.escape(value), line):
        return Classification.DIGEST
    if _HEX_DIGEST.fullmatch(value) and _DIGEST_CONTEXT.search(line):
        return Classification.DIGEST
    return None


_PASSWORD_HASH = lazy(
    r"^(?:pbkdf2_sha(?:1|256|512)\$\d+\$|bcrypt(?:_sha256)?\$|argon2\$|scrypt\$"
    r"|\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$|\$argon2(?:id|i|d)\$|\$[156y]\$|\$scrypt\$|\$pbkdf2"
    r"|\{(?:SSHA|SSHA256|SSHA512|SHA|SMD5|CRYPT|PBKDF2[-_A-Z0-9]*)\})")
_HASH_FIELD = lazy(
    r"(?i)(?:(?:sha(?:1|224|256|384|512)|md5|blake2b?|h1)[:-]\s*|--hash[= ]\s*\w+:"
    r"|(?<![\w.-])[\"']?(?:integrity|checksum|hash|hashes|sha(?:1|256|384|512)?|shasum|digest)"
    r"[\"']?\s*[:=]\s*[\[{]?\s*[\"']?(?:(?:sha\d+|md5|blake2b)[:-])?)$")
"""What precedes a digest on its line in a lock file or hash pin: ``integrity: sha512-``,
``--hash=sha256:``, ``"sha256": "``, ``checksum = "``, go.sum's ``h1:``."""


_REVISION = lazy(r"^\s*(?:down_)?revision\s*(?::\s*[\w\[\], |]+)?=\s*\(?\s*[\"'][0-9a-f]{12}[\"']")
"""Alembic's ``revision = '1a2b3c4d5e6f'`` (12 hex digits of a UUID): an id, not a secret."""
_DIGEST_BYTES = frozenset({16, 20, 28, 32, 48, 64})
"""MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512 digest sizes."""


def _digest_shaped(value: str) -> bool:
    """Hex or base64 of exactly a digest's size."""
    if re.fullmatch(r"[0-9a-fA-F]+", value):
        return len(value) // 2 in _DIGEST_BYTES and len(value) % 2 == 0
    raw = b64decode_loose(value)
    return raw is not None and len(raw) in _DIGEST_BYTES


_LOCK_FILES = lazy(
    r"(?:^|/)(?:package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|bun\.lock"
    r"|poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock|pylock(?:\.[\w.-]+)?\.toml|go\.sum"
    r"|Cargo\.lock|composer\.lock|Gemfile\.lock|Package\.resolved|packages\.lock\.json"
    r"|[\w.-]*requirements[\w.-]*\.(?:txt|in))$")
"""Lock files and hash-pinned requirement files: their hashes are integrity data by format."""


def hash_field(value: str, line: str, path: str = "") -> str | None:
    """Why ``value`` is a hash and not a credential (a password hash, a lock file's digest).

    ``None`` unless certain: the value is a password-hash encoding
    (``pbkdf2_sha256$``, ``$2b$``, ``$argon2id$``, ``{SSHA}``), an Alembic
    revision id, or, in a lock file or on a ``--hash=`` pin (``path``, the
    file's path), exactly a digest's size (hex or base64) with its
    algorithm prefix or named as an integrity/hash field right before it.
    """
    if _PASSWORD_HASH.match(value):
        return "a password hash, not a password"
    if _REVISION.match(line) and re.fullmatch(r"[0-9a-f]{12}", value):
        return "an Alembic revision id"
    if not _LOCK_FILES.search(path) and "--hash" not in line:
        return None  # elsewhere (an HTML ``integrity=``) a digest stays reported, at ``low``
    algorithm = re.fullmatch(r"(?i)(?:sha(?:1|224|256|384|512)|md5)[:-]([A-Za-z0-9+/=_-]+)", value)
    if algorithm is not None and _digest_shaped(algorithm.group(1)):
        return "an integrity value (algorithm-prefixed digest)"
    if not _digest_shaped(value):
        return None
    for start in (m.start() for m in re.finditer(re.escape(value), line)):
        if _HASH_FIELD.search(line[max(0, start - 80):start]):
            return "an integrity or hash field"
    return None
