"""The S3 storage for evidence: django-storages' S3Storage, sending a large upload from its disk copy.

Django keeps an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE in a temporary file. S3Storage
hands any file object to boto3, which reads each 8 MB part of a multipart upload into memory
before sending it; given the temporary file's path instead, boto3 reads each part from disk as
it sends it, so a 200 MB video costs the web process a few megabytes, not several parts.
"""

from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PrivateS3Storage(S3Storage):
    def _save(self, name, content):
        temporary_file_path = getattr(content, "temporary_file_path", None)
        if temporary_file_path is None or self.gzip:
            return super()._save(name, content)
        cleaned_name = clean_name(name)
        key = self._normalize_name(cleaned_name)
        self.bucket.Object(key).upload_file(
            temporary_file_path(),
            ExtraArgs=self._get_write_parameters(key, content),
            Config=self.transfer_config,
        )
        return cleaned_name
