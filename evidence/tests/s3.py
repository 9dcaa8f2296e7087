"""A real S3 server for the storage tests: moto's standalone server, in a process of its own.

`s3_server` (once per session) starts `python -m moto.server` on 127.0.0.1 and a free port; it
keeps its objects in its own memory, so the tests' process measures only the portal's. `s3` gives
a test a fresh empty bucket and makes it the default storage, built by the same function as
settings.py builds it from AWS_STORAGE_BUCKET_NAME (assessor_portal/s3.py). bench/s3_upload.py
starts the server the same way.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import boto3
import pytest
from botocore.config import Config

from assessor_portal.s3 import s3_download_origin, s3_storage

REGION = "ap-southeast-2"
# moto accepts any credentials; these are its documented placeholders, never real keys.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class Bucket:
    name: str
    endpoint_url: str

    def client(self):
        """A boto3 client of our own, to look in the bucket the way an operator would."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=Config(s3={"addressing_style": "path"}),
        )

    def object_names(self):
        listing = self.client().list_objects_v2(Bucket=self.name)
        return sorted(entry["Key"] for entry in listing.get("Contents", []))

    def read(self, key):
        return self.client().get_object(Bucket=self.name, Key=key)["Body"].read()

    @property
    def settings(self):
        """What settings.py would hold for this bucket: the storage and its download origin."""
        where = {"bucket": self.name, "endpoint_url": self.endpoint_url, "region": REGION}
        return s3_storage(**where), s3_download_origin(**where)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def moto_server():
    """Start moto's S3 server on 127.0.0.1 and yield its address; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto's S3 server did not start on {endpoint_url}")
            time.sleep(0.1)
        yield endpoint_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def create_bucket(endpoint_url):
    bucket = Bucket(name=f"evidence-{uuid.uuid4().hex[:12]}", endpoint_url=endpoint_url)
    bucket.client().create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return bucket


@pytest.fixture(scope="session")
def s3_server():
    saved = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    try:
        with moto_server() as endpoint_url:
            yield endpoint_url
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def s3(s3_server, settings):
    """A fresh private bucket on the real S3 server, as the default storage (evidence, copies, exports)."""
    bucket = create_bucket(s3_server)
    storage, origin = bucket.settings
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    settings.SECURE_CSP = {**settings.SECURE_CSP, "img-src": [*settings.SECURE_CSP["img-src"], origin]}
    yield bucket
    # The server lives for the whole session: give back what the test stored (200 MB, for one).
    client = bucket.client()
    for name in bucket.object_names():
        client.delete_object(Bucket=bucket.name, Key=name)
    client.delete_bucket(Bucket=bucket.name)
