"""Fixtures: a fake forge on 127.0.0.1 per test, with a PR and an MR already open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_forge import Forge
from publish_fixtures import GH_TOKEN, GL_TOKEN, HEAD, MERGE


@pytest.fixture
def github() -> Iterator[Forge]:
    forge = Forge(token=GH_TOKEN).start()
    forge.add_pull(7, HEAD, merge_sha=MERGE)
    yield forge
    forge.stop()


@pytest.fixture
def gitlab() -> Iterator[Forge]:
    forge = Forge(token=GL_TOKEN, owner_name="project_42_bot").start()
    forge.add_mr(5, HEAD, merge_sha=MERGE)
    yield forge
    forge.stop()
