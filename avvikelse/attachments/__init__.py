"""Attachments: a discharge letter, a medication list or a phone photo on a case, a
message or an answer.

An upload is judged by its content (content.py: PDF, JPEG, PNG, HEIC/HEIF), images are
re-encoded without metadata, PDFs with scripts or encryption are refused; the bytes are
encrypted with the field cipher and kept by a storage backend (storage.py: disk, the
database or S3). The upload writes the row and its `attachment.uploaded` event in one
transaction; a worker scans the bytes (scanning.py: clamd or ICAP) before anyone can
download them. Downloads go through the case policy and are logged as PDL accesses.
"""
