"""Fixtures for the IaC tests (helpers live in ``iac_support``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from iac_support import FIXTURES


@pytest.fixture
def fixtures() -> Path:
    """The fixture root."""
    return FIXTURES
