"""Peak memory of the server while a student uploads one 200 MB file into an S3 bucket.

bench/upload_memory.py's measurement with evidence in S3: starts moto's S3 server on 127.0.0.1
(evidence/tests/s3.py), makes a bucket, runs the development server with AWS_STORAGE_BUCKET_NAME
and AWS_S3_ENDPOINT_URL pointing at it, posts a 200 MB video to the upload URL and reads the
server's peak resident memory (VmHWM). Exits 1 when the growth passes the limit or the object in
the bucket is not, byte for byte, the file sent.
"""

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from upload_memory import SETUP, SIZE, memory_kb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence.tests.s3 import CREDENTIALS, create_bucket, free_port, moto_server  # noqa: E402

LIMIT_MB = 30


def main():
    os.environ.update(CREDENTIALS)
    with tempfile.TemporaryDirectory() as scratch, moto_server() as endpoint_url:
        bucket = create_bucket(endpoint_url)
        port = free_port()
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": endpoint_url,
            "AWS_S3_REGION_NAME": "ap-southeast-2",
            "EVIDENCE_MAX_UPLOAD_BYTES": str(300 * 1024 * 1024),
            "DEBUG": "1",
        }
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
            # Warm up: the first request imports what every request needs and loads boto3's models.
            small = {"files": ("warm-up.txt", b"warm up\n", "text/plain")}
            headers = {"X-CSRFToken": "b" * 32, "Accept": "application/json", "Referer": base}
            requests.post(url, files=small, cookies=cookies, headers=headers, timeout=30).raise_for_status()
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
            elapsed = time.perf_counter() - started
            peak = memory_kb(server.pid, "VmHWM")
            result = response.json()["results"][0]
            stored = [key for key in bucket.object_names() if key.endswith(".mp4")]
            sent = hashlib.sha256(video.read_bytes()).hexdigest()
            kept = hashlib.sha256(bucket.read(stored[0])).hexdigest() if stored else ""
        finally:
            server.terminate()
            server.wait(timeout=10)
    growth_mb = (peak - before) / 1024
    print("Upload of one 200 MB file into S3 (moto's server; POST …/files/ on the development server):")
    print(f"  server: {result['message']}  in {elapsed:.1f} s")
    print(
        f"  resident memory before {before / 1024:.1f} MB, peak {peak / 1024:.1f} MB, growth {growth_mb:.1f} MB"
    )
    print(
        f"  object in the bucket: {stored[0] if stored else 'none'}, SHA-256 {'matches' if kept == sent else 'DIFFERS'}"
    )
    if not result["ok"] or growth_mb >= LIMIT_MB or kept != sent:
        print(f"FAILED: the upload must land intact and grow memory by less than {LIMIT_MB} MB")
        sys.exit(1)


if __name__ == "__main__":
    main()
