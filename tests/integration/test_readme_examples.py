"""The README's "walk the whole flow" commands work as written against the running stack."""

from __future__ import annotations

import re
import subprocess

from tests.integration.conftest import RunningStack, stack_environment
from tests.support import ROOT


def readme_flow() -> str:
    readme = (ROOT / "README.md").read_text()
    found = re.search(r"### Walk the whole flow by hand.*?```bash\n(.*?)```", readme, re.S)
    assert found, "the README lost its flow example"
    return found.group(1)


def test_the_readme_flow_completes_a_session(stack: RunningStack) -> None:
    script = readme_flow().replace("http://127.0.0.1:3000", stack.base_url)
    script += (
        '\nsleep 2\necho; echo "FINAL $(curl -s "' + stack.base_url + '/checkout-sessions/$SESSION_ID")"\n'
    )
    env = stack_environment(stack.port, stack.dynamodb_port)  # PORT makes `make pay` target this stack

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert '"message":"Checkout session created"' in result.stdout
    assert '"code":"session_has_order"' in result.stdout  # the second order is a 409
    assert "executed                   -> 200 Order event recorded" in result.stdout
    assert '"message":"Checkout session expired"' in result.stdout
    final = result.stdout.rsplit("FINAL ", 1)[1]
    assert '"status":"complete"' in final
