"""Evidence in an S3-compatible bucket: the storage's settings and where browsers fetch downloads.

Plain functions of their arguments, so settings.py (from the environment) and the tests (against
a real S3 server they start, evidence/tests/s3.py) build the very same storage.
"""

from urllib.parse import urlsplit

# Multipart upload in parts of this size, at most two parts at once and two waiting in memory:
# a 200 MB upload holds a few parts in memory, never the file (boto3's default holds up to 10).
PART_BYTES = 8 * 1024 * 1024
PARTS_AT_ONCE = 2


def s3_storage(
    *, bucket, endpoint_url=None, region=None, addressing_style=None, url_seconds=60, acl="private"
):
    """The STORAGES entry for a private bucket whose downloads are short-lived presigned links.

    acl=None sends no ACL with each object, for a bucket whose ACLs are disabled (S3 Object
    Ownership "bucket owner enforced", AWS's default for new buckets): it is private by its
    Block Public Access settings and policy alone.
    """
    from boto3.s3.transfer import TransferConfig

    transfer = TransferConfig(
        multipart_threshold=PART_BYTES,
        multipart_chunksize=PART_BYTES,
        max_concurrency=PARTS_AT_ONCE,
        max_io_queue=PARTS_AT_ONCE,
    )
    # Not among boto3's keyword arguments, but s3transfer's own settings it reads.
    transfer.max_in_memory_upload_chunks = PARTS_AT_ONCE
    transfer.max_in_memory_download_chunks = PARTS_AT_ONCE
    return {
        "BACKEND": "assessor_portal.s3_storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "addressing_style": _addressing_style(endpoint_url, addressing_style),
            "signature_version": "s3v4",
            "default_acl": acl or None,
            "querystring_auth": True,
            # A download link works for this many seconds: long enough to follow the redirect,
            # too short to be worth passing on.
            "querystring_expire": url_seconds,
            "file_overwrite": False,
            "transfer_config": transfer,
        },
    }


def s3_download_origin(*, bucket, endpoint_url=None, region=None, addressing_style=None):
    """The origin a presigned link points at, for the Content Security Policy's img-src.

    The marking page shows image evidence with <img src="…/download/">; that view redirects to
    the bucket, and the browser checks the redirect's origin against img-src.
    """
    style = _addressing_style(endpoint_url, addressing_style)
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        host = f"{bucket}.{parts.netloc}" if style == "virtual" else parts.netloc
        return f"{parts.scheme}://{host}"
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{bucket}.{host}" if style == "virtual" else f"https://{host}"


def _addressing_style(endpoint_url, addressing_style):
    # S3-compatible servers (MinIO, moto, Ceph) answer at one address for every bucket.
    return addressing_style or ("path" if endpoint_url else "virtual")
