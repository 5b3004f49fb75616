"""The one CSV writer: files that open correctly in Finnish and Swedish Excel (UTF-8 with a
BOM, semicolons, CRLF), with every text cell neutralised against formula injection.

Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with ``=``,
``+``, ``-`` or ``@`` as a formula, and tab, carriage return and line feed can smuggle one in.
Names, e-mail addresses, group names and free-text answers come from people, so every text
cell that starts with one of these gets a single quote in front (OWASP's remedy; the rest of
the text is kept). Numbers are told apart by their Python type, not by their text: an ``int``
or ``float`` that a report computed (a negative discrimination index, say) is written as a
number, while the text "-5" typed by someone is neutralised like any other text. A cell that
contains the separator, a quote or a line break is quoted by ``csv``, so text cannot start a
new cell in the middle of a field.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    """``text`` with a single quote in front if a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: object, *, decimal_separator: str = ",") -> str:
    """One value as the text of a CSV cell.

    Numbers (``int``, ``float``) are written as numbers with ``decimal_separator``;
    ``None`` is an empty cell; everything else is text and is neutralised.

    Raises:
        TypeError: for a ``bool``: yes/no must be written as words in the reader's language.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("write yes/no as translated text, not as a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value).replace(".", decimal_separator) if math.isfinite(value) else ""
    return neutralise(str(value))


def excel_csv(
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    *,
    decimal_separator: str = ",",
    notes: Sequence[object] = (),
) -> bytes:
    """The rows as CSV bytes Excel opens without an import wizard in a Finnish locale.

    Args:
        header: the column headings.
        rows: the values, converted by ``cell``.
        decimal_separator: "," for Finnish and Swedish Excel, "." for English.
        notes: sentences for the reader (e.g. what was left out), after the rows and an
            empty line, one per line.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows(
        [cell(value, decimal_separator=decimal_separator) for value in row] for row in rows
    )
    if notes:
        writer.writerow([])
        writer.writerows([cell(note)] for note in notes)
    return out.getvalue().encode("utf-8")
