"""How a file goes out, to the pages and the API alike."""
import io

from flask import Response, send_file

from avvikelse.attachments.models import Attachment


def file_response(attachment: Attachment, data: bytes) -> Response:
    """Always a download (never shown inline, where a browser might run it), with the
    type we stored, never sniffed, and never kept in a cache."""
    response = send_file(io.BytesIO(data), mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename or "bilaga", conditional=False,
                         etag=False, last_modified=None, max_age=None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
