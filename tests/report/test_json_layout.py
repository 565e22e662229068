"""The JSON report's layout: the same document, long lists one item per line."""

from __future__ import annotations

import json

from many_findings import many_findings_run

from gate.report.json import JsonReporter
from gate.serialize import to_dict


def test_the_report_is_the_serialised_run_with_one_finding_per_line() -> None:
    run = many_findings_run()
    text = JsonReporter().render(run)
    doc = to_dict(run)
    assert json.loads(text) == json.loads(json.dumps(doc))
    lines = text.splitlines()
    finding_lines = [line for line in lines if line.startswith('    {"check": ')]
    assert len(finding_lines) == len(doc["findings"]) > 10
    assert lines[0] == "{" and lines[1] == '  "schema_version": "1.0",'
    assert '  "warnings": [],' in lines  # an empty list keeps the plain layout
    assert len(doc["not_scanned"]) == 1 and len(doc["packages"]) == 5
    for key in ("not_scanned", "packages"):
        start = lines.index(f'  "{key}": [')
        assert [line.startswith("    {") for line in lines[start + 1:start + 1 + len(doc[key])]] \
            == [True] * len(doc[key])
    assert text.endswith("}\n")
