"""A user's table file, CSV or Excel workbook, read by its content.

One entry point for every place that reads a planner's file (the import check in
:mod:`naravard.services.importing` and the session load in
:func:`naravard.sources.dataset.load_dataset`), so both read the same bytes the same
way. The kind is decided by the bytes, not the file name: a workbook starts like a
zip archive; everything else is read as CSV (which refuses other binary files with a
message saying what they are).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from naravard.sources.csvread import Parsed, convert, parse_csv, safe_filename
from naravard.sources.xlsxread import is_zip, parse_xlsx

#: The file types the uploader offers: exactly those read here.
ACCEPTED_TYPES = ("csv", "txt", "tsv", "xlsx")


def parse_user_file(raw: bytes, file: str, prefer: Sequence[str] = ()) -> Parsed:
    """Bytes of a CSV or .xlsx → text cells; ``prefer`` names the sheet to look for."""
    if isinstance(raw, (bytes, bytearray, memoryview)) and is_zip(raw):
        return parse_xlsx(bytes(raw), file, prefer)
    return parse_csv(raw, file)


def read_user_table(raw: bytes, filename: str, prefer: Sequence[str] = ()) -> tuple[pd.DataFrame, list[str]]:
    """Read a user's CSV or workbook leniently; the frame and Swedish notices.

    Same contract as :func:`naravard.sources.csvread.read_user_csv`: raises only
    :class:`~naravard.errors.DataError` with a Swedish message.
    """
    file = safe_filename(filename)
    p = parse_user_file(raw, file, prefer)
    df, notes = convert(p)
    return df, p.notices + notes
