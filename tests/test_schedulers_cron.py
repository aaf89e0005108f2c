"""The crontab line: quoted for /bin/sh, % escaped, found again by its marker. (A real crontab
installed, shown and removed through the CLI: tests/test_schedule.py.)"""

from __future__ import annotations

from optout.schedulers import cron
from optout.schedulers.cron import MARKER
from tests.test_schedule import PLANS, PYTHON, command


def test_cron_line_escapes_percent_and_quotes_for_sh():
    line = cron.render(PLANS["6h"], command(PLANS["6h"]), {})
    assert line == (f"15 3,9,15,21 * * * {PYTHON} -m optout scheduled --home '/tmp/optout test/100\\% home$x' "
                    f"--jitter 600 {MARKER}")
    assert cron.render(PLANS["weekly"], ["/bin/true"], {}).startswith("30 18 * * 1 /bin/true")
