"""Issue 21 item 1: a placeholder word inside a random body never hides a live secret.

Property test: for every checksum- or layout-validated provider format,
tokens generated here (valid CRC32 / bech32, the provider's fixed layout)
whose random body contains ``AAAAAAAA``, ``todo``, ``fake``, ``sample``,
``qwerty`` or ``EXAMPLE`` stay at ``high`` or above (the default policy fails
on them). Stand-ins made of markers only stay ``low`` and say which marker
decided. Nothing here is a real credential; values exist only at run time.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.checks.secrets import scan_files
from gate.checks.secrets.detectors.checksums import base62_crc32, bech32_checksum
from gate.checks.secrets.detectors.lookalikes import placeholder_reason, random_remainder
from gate.findings import Finding, Severity

MARKERS = ("AAAAAAAA", "todo", "Todo", "TODO", "fake", "Fake", "sample", "Sample", "qwerty",
           "EXAMPLE", "xxxxx", "abcdefgh", "0123456789", "dummy", "changeme")
ALNUM = string.ascii_letters + string.digits
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _body(rng: random.Random, length: int, marker: str, alphabet: str = ALNUM) -> str:
    """``length`` random characters with ``marker`` at a random place inside."""
    rest = "".join(rng.choice(alphabet) for _ in range(length - len(marker)))
    at = rng.randrange(len(rest) + 1)
    return rest[:at] + marker + rest[at:]


def _crc(prefix: str) -> Callable[[random.Random, str], str]:
    def build(rng: random.Random, marker: str) -> str:
        body = _body(rng, 30, marker)
        return prefix + body + base62_crc32(body)
    return build


def _age(rng: random.Random, marker: str) -> str:
    """An age key whose bech32 data part holds ``marker`` (only markers in its alphabet)."""
    data = _body(rng, 52, marker.lower(), _BECH32)
    words = [_BECH32.index(c) for c in data]
    words += bech32_checksum("age-secret-key-", words)
    return "AGE-SECRET-KEY-1" + "".join(_BECH32[w] for w in words).upper()


FORMATS: dict[str, tuple[str, Callable[[random.Random, str], str]]] = {
    **{f"GATE-SECRET-{rule}": ('token = "{}"', _crc(prefix)) for rule, prefix in (
        ("GITHUB-PAT", "ghp_"), ("GITHUB-OAUTH", "gho_"), ("GITHUB-USER-TO-SERVER", "ghu_"),
        ("GITHUB-APP-INSTALLATION", "ghs_"), ("GITHUB-REFRESH", "ghr_"), ("NPM-TOKEN", "npm_"))},
    "GATE-SECRET-STRIPE-SECRET-KEY": ('key = "{}"', lambda r, m: "sk_live_" + _body(r, 99, m)),
    "GATE-SECRET-SLACK-TOKEN": ('token = "{}"', lambda r, m: (
        f"xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{_body(r, 24, m)}")),
    "GATE-SECRET-ANTHROPIC-API-KEY": ('key = "{}"',
                                      lambda r, m: "sk-ant-api03-" + _body(r, 93, m) + "AA"),
    "GATE-SECRET-GITLAB-PAT": ('token = "{}"', lambda r, m: "glpat-" + _body(r, 20, m)),
    "GATE-SECRET-OPENAI-API-KEY": ('key = "{}"', lambda r, m: (
        "sk-proj-" + _body(r, 74, m) + "T3BlbkFJ" + _body(r, 74, ""))),
    "GATE-SECRET-AGE-SECRET-KEY": ("{}", _age),
}
"""Rule id -> (line template, builder of a valid token with a marker in its random body)."""


def _fits(rule: str, marker: str) -> bool:
    if rule == "GATE-SECRET-AGE-SECRET-KEY":  # bech32: no b, i, o, 1
        return all(c in _BECH32 for c in marker.lower())
    if rule == "GATE-SECRET-GITLAB-PAT":  # a 20-character body: room for a short marker only
        return len(marker) <= 6
    return True


CASES = [(rule, marker) for rule in FORMATS for marker in MARKERS if _fits(rule, marker)]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Finding]]:
    """Every (format, marker) case, five seeds each, one file per case, one scan."""
    root = tmp_path_factory.mktemp("markers")
    files: list[str] = []
    for number, (rule, marker) in enumerate(CASES):
        template, build = FORMATS[rule]
        rng = random.Random(number)
        lines = [template.replace("{}", build(rng, marker)) for _ in range(5)]
        name = f"src/case{number}.py"
        (root / "src").mkdir(exist_ok=True)
        (root / name).write_text("\n".join(lines) + "\n")
        files.append(name)
    result = scan_files(root, files)
    assert result.not_scanned == ()
    found: dict[str, list[Finding]] = {name: [] for name in files}
    for finding in result.findings:
        found[finding.path].append(finding)
    return found


@pytest.mark.parametrize(("rule", "marker"), CASES)
def test_marker_inside_a_valid_token_does_not_hide_it(
        rule: str, marker: str, scanned: dict[str, list[Finding]]) -> None:
    findings = scanned[f"src/case{CASES.index((rule, marker))}.py"]
    ours = [(f.start_line, f.severity, dict(f.extra)["classification"])
            for f in findings if f.rule_id == rule]
    assert [line for line, _, _ in ours] == [1, 2, 3, 4, 5]
    assert [(sev >= Severity.HIGH, kind in ("checksum-valid", "live-format"))
            for _, sev, kind in ours] == [(True, True)] * 5


@pytest.mark.parametrize(("value", "reason"), [
    ("xxxxxxxxxxxxxxxxxxxx", "a run of x"),
    ("changeme", "placeholder word 'change-me'"),
    ("your-api-key-here", "placeholder word 'your-'"),
    ("AAAAAAAAAAAAAAAAAAAAAAAA", "one character repeated 8 times or more"),
    ("<your token>", "template syntax <...>"),
    ("${GITHUB_TOKEN}", "template syntax ${...}"),
    ("ghp_" + "x" * 36, "a run of x"),
    ("sk_live_" + "0123456789" * 3, "placeholder word '123456789'"),
])
def test_whole_value_markers_still_decide_and_say_which(value: str, reason: str) -> None:
    found = placeholder_reason(value)

    assert found is not None and found.reason.startswith(reason)


def test_aws_documents_its_example_suffix_others_do_not() -> None:
    key_id = "AKIA" + "Q7W3ZP5K2N" + "EXAMPLE"[:6]

    assert placeholder_reason(key_id + "E", documented_example_suffix=True) is not None
    assert placeholder_reason("sk_live_" + "Zq8Rm2Vt9Lk4Wx7Pn3Bc" + "EXAMPLE") is None


@pytest.mark.parametrize("seed", range(200))
def test_random_bodies_always_keep_a_random_remainder(seed: int) -> None:
    rng = random.Random(seed)
    marker = MARKERS[seed % len(MARKERS)]

    assert random_remainder(_body(rng, 30, marker))


def test_run_gate_fails_on_a_marked_token_in_source(tmp_path: Path) -> None:
    """The whole pipeline, default policy: a CRC-valid token with ``Todo`` inside fails."""
    from gate.pipeline import RunOptions, run

    token = _crc("ghp_")(random.Random(7), "Todo")
    (tmp_path / "app.py").write_text(f'TOKEN = "{token}"\n')
    result = run(RunOptions(path=tmp_path, checks=("secrets",), env={}, jobs=1, post=False))

    assert result.verdict == "fail"
    assert [result.findings[i].rule_id for i in sorted(result.failing)] == ["GATE-SECRET-GITHUB-PAT"]
