"""Peak memory of the server while a student uploads one 200 MB file.

Starts the real development server on a throwaway SQLite database, signs a student in, posts
a 200 MB video to the evidence upload URL and reads the server's peak resident memory
(VmHWM) before and after. Exits non-zero when the growth passes the limit.
"""

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SIZE = 200 * 1024 * 1024
LIMIT_MB = 30
PORT = 8765

SETUP = """
import datetime
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.core.management import call_command
from assessor_portal.models import User
from evidence.models import Enrolment
from units.models import AssessmentTool
call_command("load_demo", stdout=open("/dev/null", "w"))
student = User.objects.get(username="student")
tool = AssessmentTool.objects.get(unit__code="FNSPIM409")
enrolment, _ = Enrolment.objects.get_or_create(student=student, tool=tool, defaults={"enrolled_on": datetime.date.today()})
session = SessionStore()
session[SESSION_KEY] = str(student.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = student.get_session_auth_hash()
session.create()
print(session.session_key, enrolment.pk, tool.tasks.get(number=1).pk)
"""


def memory_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


@dataclass
class Upload:
    """What one measured upload gave: the server's answer for the file, its time and memory."""

    result: dict
    seconds: float
    before_kb: int
    peak_kb: int
    video: Path

    @property
    def growth_mb(self):
        return (self.peak_kb - self.before_kb) / 1024


def measure_upload(scratch, env, port):
    """Post a SIZE video as the demo student to a development server run with env; measure it."""
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    session_key, enrolment_pk, task_pk = subprocess.run(
        [python, "manage.py", "shell", "--no-imports", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-3:]
    video = Path(scratch) / "site-visit.mp4"
    with video.open("wb") as out:
        out.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        out.truncate(SIZE)
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        cookies = {"sessionid": session_key, "csrftoken": "b" * 32}
        for _ in range(100):
            try:
                requests.get(f"{base}/accounts/login/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        url = f"{base}/enrolments/{enrolment_pk}/tasks/{task_pk}/files/"
        # Warm up: the first request imports and caches what every request needs (boto3's models too).
        small = {"files": ("warm-up.txt", b"warm up\n", "text/plain")}
        headers = {"X-CSRFToken": "b" * 32, "Accept": "application/json", "Referer": base}
        requests.post(url, files=small, cookies=cookies, headers=headers, timeout=30).raise_for_status()
        # Reset the kernel's peak-memory mark, so the peak read below is this upload's alone.
        Path(f"/proc/{server.pid}/clear_refs").write_text("5")
        before = memory_kb(server.pid, "VmRSS")
        started = time.perf_counter()
        with video.open("rb") as handle:
            response = requests.post(
                url,
                files={"files": ("site-visit.mp4", handle, "video/mp4")},
                cookies=cookies,
                headers=headers,
                timeout=600,
            )
        seconds = time.perf_counter() - started
        peak = memory_kb(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return Upload(response.json()["results"][0], seconds, before, peak, video)


def report(upload, where):
    print(f"Upload of one 200 MB file {where}:")
    print(f"  server: {upload.result['message']}  in {upload.seconds:.1f} s")
    print(
        f"  resident memory before {upload.before_kb / 1024:.1f} MB, peak {upload.peak_kb / 1024:.1f} MB, "
        f"growth {upload.growth_mb:.1f} MB"
    )


def main():
    with tempfile.TemporaryDirectory() as scratch:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "MEDIA_ROOT": f"{scratch}/media",
            "EVIDENCE_MAX_UPLOAD_BYTES": str(300 * 1024 * 1024),
            "DEBUG": "1",
        }
        upload = measure_upload(scratch, env, PORT)
        report(upload, "(POST …/files/ on the development server)")
        if not upload.result["ok"] or upload.growth_mb >= LIMIT_MB:
            print(f"FAILED: the upload must succeed and grow memory by less than {LIMIT_MB} MB")
            sys.exit(1)


if __name__ == "__main__":
    main()
