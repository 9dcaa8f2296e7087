"""Peak memory of the server while a student uploads one 200 MB file into an S3 bucket.

bench/upload_memory.py's measurement with evidence in S3: starts moto's S3 server on 127.0.0.1
(evidence/tests/s3.py), makes a bucket, runs the development server with AWS_STORAGE_BUCKET_NAME
and AWS_S3_ENDPOINT_URL pointing at it, posts a 200 MB video to the upload URL and reads the
server's peak resident memory (VmHWM). Exits 1 when the growth passes the limit or the object in
the bucket is not, byte for byte, the file sent.
"""

import hashlib
import os
import sys
import tempfile
from pathlib import Path

from upload_memory import measure_upload, report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence.tests.s3 import CREDENTIALS, create_bucket, free_port, moto_server  # noqa: E402

LIMIT_MB = 30


def main():
    os.environ.update(CREDENTIALS)
    with tempfile.TemporaryDirectory() as scratch, moto_server() as endpoint_url:
        bucket = create_bucket(endpoint_url)
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": endpoint_url,
            "AWS_S3_REGION_NAME": "ap-southeast-2",
            "EVIDENCE_MAX_UPLOAD_BYTES": str(300 * 1024 * 1024),
            "DEBUG": "1",
        }
        upload = measure_upload(scratch, env, free_port())
        stored = [key for key in bucket.object_names() if key.endswith(".mp4")]
        sent = hashlib.sha256(upload.video.read_bytes()).hexdigest()
        kept = hashlib.sha256(bucket.read(stored[0])).hexdigest() if stored else ""
    report(upload, "into S3 (moto's server; POST …/files/ on the development server)")
    print(
        f"  object in the bucket: {stored[0] if stored else 'none'}, SHA-256 {'matches' if kept == sent else 'DIFFERS'}"
    )
    if not upload.result["ok"] or upload.growth_mb >= LIMIT_MB or kept != sent:
        print(f"FAILED: the upload must land intact and grow memory by less than {LIMIT_MB} MB")
        sys.exit(1)


if __name__ == "__main__":
    main()
