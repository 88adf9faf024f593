"""schemathesis (pinned in the dev lock) against the local stack with the committed OpenAPI document,
as served at `GET /openapi.json`: every check it has, every phase (the document's examples, coverage
of each parameter's edges, random fuzzing, and stateful sequences along the document's links:
create → get → expire, session → order → get), bounded in time. Its summary line is printed in
pytest's terminal summary; the run must end with no failure and at least `MIN_CASES` cases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.conftest import PYTHONPATH
from tests.stack import RunningStack
from tests.support import ROOT

CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_SECONDS = 200  # the run's own budget (`--max-time`); make test stays well under its CI budget
MIN_CASES = 2000


@dataclass
class Summary:
    line: str = ""


SUMMARY = Summary()


class SummaryPlugin:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if SUMMARY.line:
            terminalreporter.write_sep("-", "schemathesis")
            terminalreporter.write_line(SUMMARY.line)


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> None:
    request.config.pluginmanager.register(SummaryPlugin(), "schemathesis-summary")


def run_schemathesis(stack: RunningStack, key: str, report_dir: Path) -> tuple[dict[str, Any], str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{stack.base_url}/openapi.json",
        "--max-time",
        str(MAX_SECONDS),
        "--report",
        "json",
        "--report-dir",
        str(report_dir),
        "--no-color",
    ]
    finished = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PYTHONPATH, "FUZZ_BASE_URL": stack.base_url, "FUZZ_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS + 120,
    )
    (report_dir / "output.txt").write_text(finished.stdout + finished.stderr)
    reports = list(report_dir.glob("*.json"))
    assert reports, f"no report; schemathesis said:\n{finished.stdout[-6000:]}\n{finished.stderr[-3000:]}"
    report: dict[str, Any] = json.loads(reports[0].read_text())
    return report, finished.stdout


def summary_line(report: dict[str, Any]) -> str:
    cases = report["test_cases"]
    operations = report["operations"]
    phases = ", ".join(name for name, phase in report["phases"].items() if phase["status"] == "success")
    warnings = "; ".join(
        f"{kind} ({', '.join(labels)})" for kind, labels in report["warnings"].items() if labels
    )
    return (
        f"schemathesis {report['schemathesis_version']}: {cases['generated']} cases generated for"
        f" {operations['tested']} operations in {report['running_time']:.0f} s ({phases});"
        f" {sum(group['count'] for group in report['failures'])} failures,"
        f" {len(report['errors'])} errors; warnings: {warnings or 'none'}"
    )


def test_schemathesis_finds_nothing_in_at_least_two_thousand_cases(
    fuzz_stack: RunningStack, fuzz_key: str, tmp_path: Path
) -> None:
    report, output = run_schemathesis(fuzz_stack, fuzz_key, tmp_path)
    SUMMARY.line = summary_line(report)
    tail = output[-12000:]
    assert report["failures"] == [], tail
    assert report["errors"] == [], tail
    assert report["exit_code"] == 0, tail
    assert report["operations"]["tested"] == report["operations"]["total"], tail
    assert report["test_cases"]["generated"] >= MIN_CASES, tail
