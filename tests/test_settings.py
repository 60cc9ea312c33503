"""Production configuration refuses to start insecurely; the deploy checklist is clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IMR_"))}
    environment.update(env)
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120)


LETTERHEAD = {
    "IMR_ORG_NAME": "Golden State Review Partners",
    "IMR_ORG_SHORT_NAME": "GSRP",
    "IMR_ORG_ADDRESS": "1 Capitol Mall,Sacramento CA 95814",
    "IMR_ORG_PHONE": "(916) 555-0100",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", IMR_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_deploy_checklist_is_clean():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        IMR_ENV="production",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-for-the-deploy-check",
        DJANGO_ALLOWED_HOSTS="imr.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/imr",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        **LETTERHEAD,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_sqlite_and_in_process_tasks():
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    command = [sys.executable, "manage.py", "check"]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={
            **environment,
            "IMR_ENV": "production",
            "DJANGO_SECRET_KEY": "y" * 60,
            "DJANGO_ALLOWED_HOSTS": "imr.example.org",
            **LETTERHEAD,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "IMR_ENV=production needs DATABASE_URL, CELERY_BROKER_URL" in result.stderr


def test_production_refuses_to_print_the_demo_letterhead():
    result = manage(
        "check",
        IMR_ENV="production",
        DJANGO_SECRET_KEY="z" * 60,
        DJANGO_ALLOWED_HOSTS="imr.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/imr",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode != 0
    assert "set IMR_ORG_NAME, IMR_ORG_SHORT_NAME, IMR_ORG_ADDRESS, IMR_ORG_PHONE" in result.stderr


def test_the_default_letterhead_is_a_fictional_demo_organisation():
    from django.conf import settings

    organisation = settings.IMR_ORGANISATION
    assert organisation["name"] == "Demo IMR Organization"
    assert organisation["phone"].startswith("(555) 01")  # 555-01xx: reserved for fiction
    assert "MAXIMUS" not in str(organisation).upper()
