"""The production stack as DEPLOYING.md starts it (scripts/serve: gunicorn, a letters worker, a default
worker and beat, DEBUG off, collected static files, PostgreSQL, Redis and an S3-compatible bucket), scaled
out to two web processes and two letters workers on the same database, broker and bucket, and driven over
HTTP only: log in, import a case and upload a record through one web process, assign it, accept and sign
it off as the reviewer, read the case and download the record and the letter through the other, find
their bytes in the bucket (and none under MEDIA_ROOT), back the files up, check /readyz, and shut
everything down cleanly.

The bucket is moto's S3 server (moto[server], a separate process speaking the S3 HTTP API), so the real
django-storages and boto3 code paths run; no code of ours is mocked."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import boto3
import pytest
import requests
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import pdf_bytes

# One production stack for the module's tests, in order: under pytest-xdist they stay on one worker.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("production-stack")]

ROOT = Path(__file__).resolve().parents[2]
SEED = json.loads((ROOT / "cases" / "examples" / "seed-case.json").read_text())
CASE_NUMBER = "CM16-0900001"
STARTUP_SECONDS = 600  # release steps (deploy check, migrations, static files, knowledge base) on busy cores
LETTER_SECONDS = 180
SERVER = "postgres://postgres@127.0.0.1:5432"
# Named after the suite's own database, so two suites on one server (CI beside a developer) never share it.
STACK_DB = os.environ.get("DATABASE_URL", "/imr").rsplit("/", 1)[-1] + "_stack_test"
# The stack's own Redis database (flushed at start), on the suite's Redis server (CELERY_BROKER_URL's host
# and port) unless STACK_TEST_BROKER_URL names another: not the suite's, where a test worker may be listening.
STACK_BROKER = os.environ.get("STACK_TEST_BROKER_URL") or (
    os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/9"
)
BUCKET = "imr-stack-test"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "stack-test", "AWS_SECRET_ACCESS_KEY": "stack-test-secret"}
S3_REGION = "us-east-1"


class Browser:
    def __init__(self, base: str, session: requests.Session | None = None) -> None:
        self.base = base
        self.secure_origin = base.replace("http://", "https://", 1)
        self.session = session or requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https"})

    def on(self, base: str) -> Browser:
        """The same logged-in user talking to another web process (the session lives in shared state)."""
        return Browser(base, self.session)

    def _headers(self, extra: dict | None = None) -> dict:
        """The stack marks its cookies Secure (it sits behind a TLS proxy, simulated here by
        X-Forwarded-Proto), so a client talking plain HTTP to loopback sends them by hand."""
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        return {"Cookie": cookies, **(extra or {})}

    def _follow(self, response: requests.Response) -> requests.Response:
        # Redirects are followed here: requests would drop the hand-made Cookie header on the way.
        while response.is_redirect:
            location = response.headers["Location"].removeprefix(self.secure_origin)
            response = self.session.get(
                self.base + location, headers=self._headers(), allow_redirects=False, timeout=60
            )
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.session.get(
            self.base + path, headers=self._headers(), allow_redirects=False, timeout=60, **kwargs
        )
        return self._follow(response)

    def post(self, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        data = {**(data or {}), "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        # Django checks the Referer of a secure request against the host.
        headers = self._headers({"Referer": self.secure_origin + path, **kwargs.pop("headers", {})})
        response = self.session.post(
            self.base + path, data=data, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        return self._follow(response)

    def log_in(self, username: str, password: str) -> None:
        login = reverse("login")
        self.get(login)
        response = self.post(login, {"username": username, "password": password})
        assert response.status_code == 200
        if "Set up two-factor" in response.text:
            # Production loads no demo device: the administrator enrols an app as a real one would, from
            # the key the page shows, and proves it with the app's first code.
            key = _one(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', response.text).replace(" ", "")
            response = self.post(reverse("two_factor_setup"), {"token": _totp(key)})
            assert response.status_code == 200
        assert "Log out" in response.text or "logout" in response.text, f"{username} could not log in"


def _totp(base32_key: str) -> str:
    """What an authenticator app shows now for this key (RFC 6238, 30 s, 6 digits)."""
    import base64

    from django_otp.oath import totp

    return f"{totp(base64.b32decode(base32_key)):06d}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{SERVER}/postgres", "-qc", sql], check=True, capture_output=True)


def _wait_until_ready(base: str, process: subprocess.Popen, log, what: str) -> None:
    """Poll /readyz until the processes answer."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"{what} exited with {process.returncode}:\n{log.read()[-4000:]}")
        try:
            ready = requests.get(base + "/readyz", headers={"X-Forwarded-Proto": "https"}, timeout=15).ok
        except requests.RequestException:
            ready = False  # not listening yet, or still starting its workers
        if ready:
            return
        if time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"{what} was not ready in {STARTUP_SECONDS} s:\n{log.read()[-4000:]}")
        time.sleep(1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def bucket(tmp_path_factory):
    """A private bucket on moto's S3 server, run as its own process on a free port."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("s3-log") / "moto.log").open("w+")
    moto = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=BUCKET, ACL="private")
                break
            except Exception:
                if moto.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    pytest.fail(f"the S3 server did not start:\n{log.read()[-4000:]}")
                time.sleep(0.5)
        client.put_public_access_block(
            Bucket=BUCKET,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        yield {"endpoint": endpoint, "client": client}
    finally:
        _stop(moto)
        log.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, bucket):
    """scripts/serve against a fresh database, a Redis database of its own and a private bucket, then a
    second web process and a second letters worker (`SKIP_RELEASE=1 scripts/serve web worker_letters`,
    as on a second host) against the same three. MEDIA_ROOT points at an empty folder that must stay so."""
    ports = [_free_port(), _free_port()]
    media = tmp_path_factory.mktemp("stack-media")
    _psql(f"DROP DATABASE IF EXISTS {STACK_DB} WITH (FORCE)")
    _psql(f"CREATE DATABASE {STACK_DB}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "IMR_", "PYTEST", "AWS_"))},
        "IMR_ENV": "production",
        "DJANGO_SECRET_KEY": "stack-test-" + "s" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{SERVER}/{STACK_DB}",
        "CELERY_BROKER_URL": STACK_BROKER,
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": bucket["endpoint"],
        "AWS_S3_REGION_NAME": S3_REGION,
        **S3_CREDENTIALS,
        "MEDIA_ROOT": str(media),
        "IMR_ORG_NAME": "Golden State Review Partners",
        "IMR_ORG_SHORT_NAME": "GSRP",
        "IMR_ORG_ADDRESS": "Independent Medical Review,1 Capitol Mall,Sacramento CA 95814",
        "IMR_ORG_PHONE": "(916) 555-0100",
        # No mail server on this machine: notices go to the process log.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PORT": str(ports[0]),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": "2",
        "DEFAULT_WORKER_CONCURRENCY": "1",
        "SKIP_INSTALL": "1",
    }
    subprocess.run(["redis-cli", "-u", STACK_BROKER, "flushdb"], check=True, capture_output=True)
    python = str(ROOT / ".venv" / "bin" / "python")
    # The accounts an organisation would create in the admin site: the demo's, for the test.
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    logs = [(tmp_path_factory.mktemp("stack-log") / f"serve-{i}.log").open("w+") for i in (1, 2)]
    processes: list[subprocess.Popen] = []
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        processes.append(
            subprocess.Popen(
                ["scripts/serve"],
                cwd=ROOT,
                env=env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        _wait_until_ready(bases[0], processes[0], logs[0], "scripts/serve")
        # The release steps ran once; the second "host" starts processes only.
        processes.append(
            subprocess.Popen(
                ["scripts/serve", "web", "worker_letters"],
                cwd=ROOT,
                env={**env, "PORT": str(ports[1]), "SKIP_RELEASE": "1"},
                stdout=logs[1],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        _wait_until_ready(bases[1], processes[1], logs[1], "the second scripts/serve")
        yield {
            "bases": bases,
            "processes": processes,
            "logs": logs,
            "env": env,
            "media": media,
            "s3": bucket["client"],
        }
    finally:
        for process in processes:
            _stop(process)
        for log in logs:
            log.close()
        _psql(f"DROP DATABASE IF EXISTS {STACK_DB} WITH (FORCE)")


def _one(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.S)
    assert match, f"not found on the page: {pattern}"
    return match.group(1)


def test_a_case_from_intake_to_the_letter_over_http(stack):
    web_1, web_2 = stack["bases"]
    admin = Browser(web_1)
    admin.log_in("admin", "imr-demo-admin")

    # Production serves collected, hashed static files, with DEBUG off.
    page = admin.get(reverse("cases:list"))
    stylesheet = _one(r'href="(/static/css/imr\.[0-9a-f]{12}\.css)"', page.text)
    assert admin.get(stylesheet).status_code == 200
    assert "Traceback" not in admin.get("/no-such-page/").text

    # 1-2. Import a case (the seed case under a new number) through the browser's import page.
    case = {**SEED, "case_number": CASE_NUMBER}
    intake = ("case.json", json.dumps(case).encode(), "application/json")
    response = admin.post(reverse("cases:import"), files={"intake_file": intake})
    assert "Imported 1 case" in response.text, response.text[-2000:]

    # A record PDF that arrived after intake, uploaded through web 1 as well.
    record_pdf = pdf_bytes(pages=2)
    response = admin.post(
        reverse("cases:add_record", args=[CASE_NUMBER]),
        {"title": "Lumbar MRI report", "kind": "imaging_report"},
        files={"file": ("mri.pdf", record_pdf, "application/pdf")},
    )
    assert "Record added" in response.text, response.text[-2000:]

    # 3. Eligibility, then assignment to a conflict-free reviewer.
    for action in ("start_eligibility_review", "mark_eligible"):
        response = admin.post(reverse("cases:transition", args=[CASE_NUMBER]), {"action": action})
        assert response.status_code == 200
    panel = admin.get(reverse("reviews:assignment:panel", args=[CASE_NUMBER])).text
    reviewer_id = _one(
        r'name="reviewer" value="(\d+)"[^>]*>\s*<label[^>]*>\s*<strong>[^<]*Rivera</strong>', panel
    )
    response = admin.post(reverse("reviews:assignment:assign", args=[CASE_NUMBER]), {"reviewer": reviewer_id})
    assert response.status_code == 200
    assert "Rivera" in admin.get(reverse("cases:detail", args=[CASE_NUMBER])).text

    # 4. The reviewer accepts (attesting no conflict), writes the determination and signs it off.
    reviewer = Browser(web_1)
    reviewer.log_in("dr.rivera", "imr-demo-reviewer")
    assert CASE_NUMBER in reviewer.get(reverse("reviews:dashboard")).text
    before_accepting = reviewer.get(reverse("reviews:workspace", args=[CASE_NUMBER])).text
    assignment_id = _one(r"/reviews/assignment/(\d+)/accept/", before_accepting)
    response = reviewer.post(
        reverse("reviews:assignment:accept", args=[assignment_id]), {"attest_no_conflict": "on"}
    )
    assert response.status_code == 200
    workspace = reviewer.get(reverse("reviews:workspace", args=[CASE_NUMBER])).text
    item_ids = sorted(set(re.findall(r'name="item-(\d+)-decision"', workspace)), key=int)
    assert len(item_ids) == len(SEED["disputed_items"])
    revision = _one(r'name="base_revision" value="(\d+)"', workspace)
    fields = {
        "base_revision": revision,
        "clinical_summary": "The applicant is a 55-year-old with chronic low back pain and sciatica.",
    }
    decisions = [
        ("Upheld", "MTUS Chronic Pain Medical Treatment 2009, Section(s): Physical Medicine",
         "The records show at least 12 prior sessions without documented functional improvement. "
         "Therefore, the request is not medically necessary."),
        ("Overturned", "MTUS Low Back Complaints 2004, Section(s): Special Studies",
         "Surgery is being planned and the prior imaging is over one year old. "
         "Therefore, the request is medically necessary."),
    ]  # fmt: skip
    for item_id, (decision, citation, rationale) in zip(item_ids, decisions, strict=True):
        fields.update({
            f"item-{item_id}-decision": decision,
            f"item-{item_id}-guideline_citations": citation,
            f"item-{item_id}-non_mtus_reason": "",
            f"item-{item_id}-rationale": rationale,
        })  # fmt: skip
    saved = reviewer.post(
        reverse("reviews:save_draft", args=[CASE_NUMBER]), fields, headers={"Accept": "application/json"}
    )
    assert saved.json()["status"] == "saved", saved.text
    sign_off = reviewer.get(reverse("reviews:sign_off", args=[CASE_NUMBER])).text
    revision = _one(r'name="base_revision" value="(\d+)"', sign_off)
    response = reviewer.post(
        reverse("reviews:sign_off", args=[CASE_NUMBER]), {"base_revision": revision, "confirm": "on"}
    )
    assert response.status_code == 200, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))[-3000:]
    assert "Signed" in response.text

    # 5. Through web 2 (same session, same database and bucket): the case page, the record's PDF, and the
    # letter that one of the two letters workers rendered.
    admin_2 = admin.on(web_2)
    case_page = admin_2.get(reverse("cases:detail", args=[CASE_NUMBER]))
    assert case_page.status_code == 200 and "Lumbar MRI report" in case_page.text
    record_url = _one(r'href="(/cases/[^"]+/records/\d+/file/)"', case_page.text)
    record = admin_2.get(record_url)
    assert record.status_code == 200 and record.headers["Content-Type"] == "application/pdf"
    assert record.content == record_pdf

    letter_page = reverse("reviews:letter_case", args=[CASE_NUMBER])
    deadline = time.monotonic() + LETTER_SECONDS
    download = ""
    while not download and time.monotonic() < deadline:
        match = re.search(r'href="([^"]*/v1/download/)"', admin_2.get(letter_page).text)
        download = match.group(1) if match else ""
        time.sleep(1)
    assert download, "the worker did not render the letter"
    pdf = admin_2.get(download)
    assert pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert CASE_NUMBER in text
    assert "Golden State Review Partners sent the complete case file to an expert reviewer." in text
    assert "Rivera" not in text  # the reviewer's identity never appears in a letter

    # 6. The bytes of the record and of the letter are objects in the private bucket, under keys that name
    # neither the case nor the patient, and nothing was written under MEDIA_ROOT.
    s3 = stack["s3"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    stored = {key: s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}
    record_key = next((k for k, body in stored.items() if body == record_pdf), None)
    letter_key = next((k for k, body in stored.items() if body == pdf.content), None)
    assert record_key and letter_key, f"the record or the letter is not in the bucket: {sorted(stored)}"
    assert all(CASE_NUMBER not in key for key in keys)
    for key in (record_key, letter_key):
        grantees = [g["Grantee"].get("URI", "") for g in s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]]
        assert not any(uri.endswith(("/AllUsers", "/AuthenticatedUsers")) for uri in grantees), grantees
    assert [p for p in stack["media"].rglob("*") if p.is_file()] == []

    # 7. A backup reads every file back out of the bucket, each under the name the database points at.
    backup = stack["media"].parent / "stack-backup"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "backup_files", str(backup)],
        cwd=ROOT,
        env=stack["env"],
        check=True,
        capture_output=True,
    )
    manifest = dict(
        reversed(line.split("  ", 1)) for line in (backup / "files.sha256").read_text().splitlines()
    )
    for key in (record_key, letter_key):
        assert manifest[key] == hashlib.sha256(stored[key]).hexdigest()
        assert (backup / "files" / key).read_bytes() == stored[key]

    # 8. Both web processes ready, with nothing left in the queues.
    for base in (web_1, web_2):
        ready = requests.get(base + "/readyz", headers={"X-Forwarded-Proto": "https"}, timeout=10).json()
        assert ready["status"] == "ready" and ready["checks"]["storage"]["ok"]
        assert ready["letters"]["queued"] == 0
        assert ready["letters"]["failed"] == 0


def test_the_stack_shuts_down_cleanly(stack):
    for process in stack["processes"]:
        os.killpg(process.pid, signal.SIGTERM)
    for process in stack["processes"]:
        assert process.wait(timeout=90) is not None
        left = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert left == [], f"processes left running after SIGTERM: {left}"
