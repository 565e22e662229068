"""What a YAML/JSON file is, from its text alone: CloudFormation, Kubernetes, or neither.

Cheap on purpose (two regular expressions each, no parser imported): the loader asks
it for every YAML/JSON file of the tree whose verdict it does not remember.
"""

from __future__ import annotations

import re

__all__ = ["looks_like_cloudformation", "looks_like_kubernetes"]

_CFN = re.compile(r"AWSTemplateFormatVersion|[\"']?Type[\"']?\s*:\s*[\"']?AWS::")
_API_VERSION = re.compile(r"^\s*[\"']?apiVersion[\"']?\s*:", re.MULTILINE)
_KIND = re.compile(r"^\s*[\"']?kind[\"']?\s*:", re.MULTILINE)


def looks_like_cloudformation(text: str) -> bool:
    """Cheap test on the text: a template version or an ``AWS::`` resource type."""
    return bool(_CFN.search(text)) and "Resources" in text


def looks_like_kubernetes(text: str) -> bool:
    """``apiVersion`` and ``kind`` keys (YAML, or JSON with quoted keys)."""
    return bool(_API_VERSION.search(text)) and bool(_KIND.search(text))
