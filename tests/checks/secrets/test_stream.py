"""Files detect-secrets would not read (binary, non-UTF-8, large, skipped by name) are streamed.

Every fake value is assembled at run time so that this file itself holds no
detectable secret (the gate scans its own repository too).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from gate.checks.secrets import SecretsCheck
from gate.checks.secrets.stream import CHUNK, OVERLAP, Mode, segments, stream_mode

if TYPE_CHECKING:  # the fixture's class, from tests/checks/conftest.py
    from conftest import SourceTree

AWS_KEY = "AKIA" + "Z7Q4M2X6K3W7P5R2"
GITHUB_TOKEN = "ghp_" + "wWPw5k4aXcaT" + "4fNP0UcnZwJU" + "VFk6LO0pINUx"
HIGH_ENTROPY = "q8Fz3LmP0x" + "R7vT2kW9yB" + "4nC6hJ1sD5" + "gAeUoI"
PASSWORD_LINE = "db_pass" + "word = 'Tr0ub4dor&3xyzzy'"


def found(tree: SourceTree, *files: str) -> set[tuple[str, str, int | None]]:
    result = SecretsCheck().run(tree.target(*files))
    assert result.not_scanned == ()
    return {(f.rule_id, f.path, f.start_line) for f in result.findings}


def junk(size: int, seed: int = 7) -> bytes:
    """Reproducible random bytes, as compressed or compiled content looks."""
    return random.Random(seed).randbytes(size)


def test_one_nul_byte_does_not_hide_a_key(source_tree: SourceTree) -> None:
    source_tree.write("deploy/creds.env",
                      f"AWS_ACCESS_KEY_ID={AWS_KEY}\n{PASSWORD_LINE}\n\0\n".encode())

    # the password is detect-secrets' Secret Keyword, named by the .env rule (an alias)
    assert found(source_tree) == {("GATE-SECRET-AWS-ACCESS-KEY-ID", "deploy/creds.env", 1),
                                  ("GATE-SECRET-DOTENV-CREDENTIAL", "deploy/creds.env", 2)}


def test_a_key_at_the_end_of_a_3mb_file_is_found_at_its_line(source_tree: SourceTree) -> None:
    body = "".join(f"SETTING_{i} = 'generated value number {i}'\n" for i in range(80_000))
    source_tree.write("settings_generated.py", body + f"AWS = '{AWS_KEY}'\n")
    assert (source_tree.root / "settings_generated.py").stat().st_size > 3_000_000

    assert found(source_tree) == {("GATE-SECRET-AWS-ACCESS-KEY-ID", "settings_generated.py", 80_001)}


def test_a_token_across_a_chunk_boundary_of_a_long_line_is_found_once(
        source_tree: SourceTree) -> None:
    filler = "a" * (CHUNK - 10)
    source_tree.write("min.js", f"var x='{filler}';var t='{GITHUB_TOKEN}';\n")

    assert found(source_tree) == {("GitHub Token", "min.js", 1)}


def test_latin1_text_is_read_byte_for_byte(source_tree: SourceTree) -> None:
    source_tree.write("latin1.cfg", f"name = caf\xe9\n{PASSWORD_LINE}\nkey={AWS_KEY}\n"
                      .encode("latin-1"))

    assert found(source_tree) == {("Secret Keyword", "latin1.cfg", 2),
                                  ("GATE-SECRET-AWS-ACCESS-KEY-ID", "latin1.cfg", 3)}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_decoded(source_tree: SourceTree, encoding: str) -> None:
    source_tree.write("setup.ps1", f"$x = 1\r\n$key = '{AWS_KEY}'\r\n".encode(encoding))

    assert found(source_tree) == {("GATE-SECRET-AWS-ACCESS-KEY-ID", "setup.ps1", 2)}


def test_a_key_inside_binary_content_is_found(source_tree: SourceTree) -> None:
    blob = junk(50_000) + f"\x00{AWS_KEY}\x00".encode() + junk(50_000, seed=8)
    source_tree.write("bin/tool.so", blob)

    [(rule, path, line)] = found(source_tree)
    assert (rule, path) == ("GATE-SECRET-AWS-ACCESS-KEY-ID", "bin/tool.so")
    assert line == blob[:50_000].count(b"\n") + 1


def test_binary_content_gets_no_entropy_or_keyword_noise(source_tree: SourceTree) -> None:
    blob = junk(20_000) + f"\x00{HIGH_ENTROPY}\x00{PASSWORD_LINE}\x00".encode() + junk(20_000)
    source_tree.write("model.bin", blob)

    assert found(source_tree) == set()


@pytest.mark.parametrize("name", ["logo.png", "yarn.lock", "static/site.css", "icon.svg"])
def test_a_file_detect_secrets_skips_by_name_is_read_for_provider_formats(
        source_tree: SourceTree, name: str) -> None:
    source_tree.write(name, f"x {HIGH_ENTROPY}\n{PASSWORD_LINE}\nk {AWS_KEY}\n")

    assert found(source_tree) == {("GATE-SECRET-AWS-ACCESS-KEY-ID", name, 3)}


def test_a_png_with_a_key_after_its_header_fails_as_before_it_passed(
        source_tree: SourceTree) -> None:
    source_tree.write("logo.png", b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + AWS_KEY.encode())

    assert found(source_tree) == {("GATE-SECRET-AWS-ACCESS-KEY-ID", "logo.png", 3)}


def test_streamed_and_read_findings_share_a_fingerprint(source_tree: SourceTree) -> None:
    source_tree.write("a/creds.env", f"KEY={AWS_KEY}\n")
    plain = SecretsCheck().run(source_tree.target("a/creds.env")).findings
    source_tree.write("a/creds.env", f"KEY={AWS_KEY}\n\0\n".encode())
    streamed = SecretsCheck().run(source_tree.target("a/creds.env")).findings

    assert [f.fingerprint for f in plain] == [f.fingerprint for f in streamed]
    assert len(plain) == 1


def test_raw_values_never_leave_a_streamed_scan(source_tree: SourceTree) -> None:
    source_tree.write("deploy/creds.env", f"k={AWS_KEY} # gate:ignore[AWS Access Key] "
                      f"rotated {AWS_KEY}\n\0".encode())

    result = SecretsCheck().run(source_tree.target())

    [finding] = result.findings
    assert finding.suppression is not None and finding.suppression.reason == "rotated [REDACTED]"
    assert AWS_KEY not in repr(result)


def test_a_file_that_vanished_is_not_scanned(source_tree: SourceTree) -> None:
    result = SecretsCheck().run(source_tree.target("gone.bin"))

    [skipped] = result.not_scanned
    assert skipped.path == "gone.bin" and skipped.reason.startswith("could not read the file")


def test_modes(tmp_path: Path) -> None:
    cases = {"a.py": (b"x = 1\n", False, None), "b.env": (b"KEY=value\n" * 5 + b"\0\n", False, Mode.TEXT),
             "c.bin": (junk(4096), False, Mode.SPECIFIC), "d.css": (b"a{}\n", True, Mode.SPECIFIC),
             "e.txt": (b"x\n" * 1_100_000, False, Mode.TEXT)}
    for name, (data, by_name, mode) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert stream_mode(tmp_path / name, by_name) is mode, name


def test_segments_keep_line_numbers_and_overlap_long_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    long_line = b"0123456789abcdef" * (3 * CHUNK // 16)
    path.write_bytes(b"one\ntwo\n" + long_line + b"\nlast")

    batches = list(segments(path, Mode.TEXT))

    assert batches[0] == (1, ["one", "two"])
    assert [number for number, _ in batches[1:]] == [3, 3, 3, 4]
    pieces = [lines[0] for _, lines in batches[1:4]]
    assert pieces[1][:OVERLAP] == pieces[0][-OVERLAP:]
    assert pieces[2][:OVERLAP] == pieces[1][-OVERLAP:]
    assert "".join([pieces[0], *(p[OVERLAP:] for p in pieces[1:])]) == long_line.decode()
    assert batches[-1] == (4, ["last"])
