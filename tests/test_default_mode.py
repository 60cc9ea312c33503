"""The README's first command sets up SQLite and in-process tasks; CI's suite runs on PostgreSQL. This walks
the main pages of every role on that default set-up, in a process of its own (its own settings, no test
database), so a query only PostgreSQL accepts (a sliced UNION, say) cannot ship unseen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def test_every_main_page_answers_on_the_default_sqlite_set_up(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    _run(["manage.py", "load_demo"], env)
    statuses = json.loads(_run([str(ROOT / "tests" / "default_mode_pages.py")], env).strip().splitlines()[-1])
    assert len(statuses) >= 15  # every role's pages were asked, the portal's cases included
    assert {page: status for page, status in statuses.items() if status != 200} == {}
