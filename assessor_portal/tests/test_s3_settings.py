"""AWS_STORAGE_BUCKET_NAME switches evidence to a private S3 bucket; production still passes check --deploy."""

import json

from assessor_portal.tests.test_settings import PRODUCTION, run_manage

BUCKET = {
    "AWS_STORAGE_BUCKET_NAME": "rto-evidence",
    "AWS_S3_REGION_NAME": "ap-southeast-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}
SHOW = """
import json
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "storage": type(default_storage).__name__,
    "acl": default_storage.default_acl,
    "seconds": default_storage.querystring_expire,
    "overwrite": default_storage.file_overwrite,
    "style": default_storage.addressing_style,
    "link": default_storage.url("evidence/1/a.pdf"),
    "img_src": settings.SECURE_CSP["img-src"],
}))
"""


def settings_with(env):
    result = run_manage("shell", "--no-imports", "-c", SHOW, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_with_an_s3_bucket_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION | BUCKET)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_bucket_on_aws_is_private_with_one_minute_links_and_its_images_allowed_by_the_csp():
    shown = settings_with(PRODUCTION | BUCKET)
    assert shown["storage"] == "PrivateS3Storage"
    assert (shown["acl"], shown["seconds"], shown["overwrite"]) == ("private", 60, False)
    assert shown["link"].startswith("https://rto-evidence.s3.ap-southeast-2.amazonaws.com/evidence/1/a.pdf?")
    assert "X-Amz-Expires=60" in shown["link"]
    assert shown["img_src"] == ["'self'", "data:", "https://rto-evidence.s3.ap-southeast-2.amazonaws.com"]


def test_an_s3_compatible_store_is_addressed_by_path_at_its_endpoint():
    shown = settings_with(PRODUCTION | BUCKET | {"AWS_S3_ENDPOINT_URL": "https://minio.rto.example:9000"})
    assert shown["style"] == "path"
    assert shown["link"].startswith("https://minio.rto.example:9000/rto-evidence/evidence/1/a.pdf?")
    assert shown["img_src"][-1] == "https://minio.rto.example:9000"


def test_without_a_bucket_evidence_stays_on_the_local_disk():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])",
        env=PRODUCTION,
    )
    assert result.stdout.split()[-1] == "django.core.files.storage.FileSystemStorage", result.stderr


def test_a_bucket_with_acls_disabled_gets_objects_with_no_acl():
    assert settings_with(PRODUCTION | BUCKET | {"AWS_DEFAULT_ACL": ""})["acl"] is None
