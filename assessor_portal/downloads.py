"""Hand a stored private file to someone a view has already allowed to have it.

On the local disk the file streams through the response in blocks. In a bucket the response is a
redirect to a presigned link that works for a minute (AWS_QUERYSTRING_EXPIRE) and carries the
file's name and type: the bytes go from the bucket to the browser, never through a web process
(django-storages' S3File would read the whole object into memory first), and the web process's
thread is free at once however slow the student's connection is.
"""

from django.http import FileResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

NO_STORE = "private, no-store"


def stored_file_response(field_file, *, filename, content_type, as_attachment):
    """A response that downloads (or, as_attachment=False, opens) one stored file."""
    if isinstance(field_file.storage, S3Storage):
        response = HttpResponseRedirect(
            field_file.storage.url(
                field_file.name,
                parameters={
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
                    "ResponseCacheControl": NO_STORE,
                },
            )
        )
    else:
        response = FileResponse(
            field_file.open("rb"), as_attachment=as_attachment, filename=filename, content_type=content_type
        )
    # The redirect's link is a key to the file for its minute: no cache may keep either.
    response["Cache-Control"] = NO_STORE
    return response
