"""schemathesis (pinned in the dev lock) against the local stack with the committed OpenAPI document,
as served at `GET /openapi.json`: every check it has, every phase (the document's examples, coverage
of each parameter's edges, random fuzzing, and stateful sequences along the document's links:
create → get → expire, session → order → get), bounded in time; then a stateful-only pass over the
sessions and orders (`CHAIN_RUN`). Their summary lines are printed in pytest's terminal summary;
both must end with no failure, and together make at least `MIN_CASES` cases."""

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
MAX_SECONDS = 160  # the main run's budget (`--max-time`), the chain's after it: 200 s, well under CI's
CHAIN_SECONDS = 40
MIN_CASES = 2000
# schemathesis starts a stateful scenario only from the operations it judges sure entry points when
# there are any: the webhook creates. The session and order creates are only fallbacks (its
# dependency analysis takes `client_reference_id`, `recipientAddress` and the like for references to
# resources nothing creates), so with the webhooks in the run no scenario ever starts a session ->
# order chain: 9 of the 25 links followed, none of a session's or an order's. Without the webhook
# operations, the session and order creates are the entry points and all 16 of theirs are followed.
CHAIN_RUN = ("--phases", "stateful", "--exclude-path-regex", "^/api/v1/webhooks")


@dataclass
class Summary:
    lines: tuple[str, ...] = ()


SUMMARY = Summary()


class SummaryPlugin:
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if SUMMARY.lines:
            terminalreporter.write_sep("-", "schemathesis")
            for line in SUMMARY.lines:
                terminalreporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def _summary(request: pytest.FixtureRequest) -> None:
    request.config.pluginmanager.register(SummaryPlugin(), "schemathesis-summary")


def run_schemathesis(
    stack: RunningStack, key: str, report_dir: Path, seconds: int, *extra: str
) -> tuple[dict[str, Any], str]:
    report_dir.mkdir()
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{stack.base_url}/openapi.json",
        "--max-time",
        str(seconds),
        "--report",
        "json",
        "--report-dir",
        str(report_dir),
        "--no-color",
        *extra,
    ]
    finished = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": PYTHONPATH, "FUZZ_BASE_URL": stack.base_url, "FUZZ_API_KEY": key},
        capture_output=True,
        text=True,
        timeout=seconds + 120,
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
    report, output = run_schemathesis(fuzz_stack, fuzz_key, tmp_path / "all", MAX_SECONDS)
    chain, chain_output = run_schemathesis(
        fuzz_stack, fuzz_key, tmp_path / "chain", CHAIN_SECONDS, *CHAIN_RUN
    )
    SUMMARY.lines = (summary_line(report), f"sessions -> orders, stateful only: {summary_line(chain)}")
    for each, said in ((report, output), (chain, chain_output)):
        tail = said[-12000:]
        assert each["failures"] == [], tail
        assert each["errors"] == [], tail
        assert each["exit_code"] == 0, tail
    assert report["operations"]["tested"] == report["operations"]["total"], output[-12000:]
    assert chain["phases"]["stateful"]["status"] == "success", chain_output[-12000:]
    # The chain reached orders: GET /orders/{id} and POST /order-events answered more than 404s.
    assert not chain["warnings"].get("missing_test_data"), chain_output[-12000:]
    generated = report["test_cases"]["generated"] + chain["test_cases"]["generated"]
    assert generated >= MIN_CASES, output[-12000:]
