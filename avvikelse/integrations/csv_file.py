"""Reading an uploaded CSV as Excel and other tools write it, for the imports.

A UTF-8 byte-order mark is dropped, the delimiter is `;` (Swedish Excel) or `,`, whichever
the header row has more of, header names are compared in lower case, and blank lines are
skipped. A row whose field count differs from the header's is reported by line number
and left out; what each import checks beyond that is its own.
"""
import csv
import io
from collections.abc import Iterator

Errors = list[tuple[int, str]]  # (line, message); line 0 is the file as a whole


def read(text: str, errors: Errors) -> tuple[list[str], Iterator[tuple[int, dict]]] | None:
    """The header and, lazily, each row as (line, {column: cell}); None for an empty file."""
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        errors.append((0, "Filen är tom."))
        return None
    reader = csv.reader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    header = [h.strip().lower() for h in next(reader)]

    def rows() -> Iterator[tuple[int, dict]]:
        for raw in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            if len(raw) != len(header):
                errors.append((line, f"Raden har {len(raw)} fält, rubriken {len(header)}."))
                continue
            yield line, dict(zip(header, raw, strict=True))

    return header, rows()
