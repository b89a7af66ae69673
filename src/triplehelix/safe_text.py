"""Text that is safe where it lands: XML documents, spreadsheet cells and terminals.

Validation refuses control characters in record texts (``data.types``), but a store may
hold literals that another tool wrote, so every writer guards its own format too:

* ``xml_text`` replaces what XML 1.0 cannot hold (C0 controls other than tab, newline and
  carriage return, U+FFFE, U+FFFF, lone surrogates) with U+FFFD, so GraphML, GEXF and
  RDF/XML stay well-formed;
* ``spreadsheet_cell`` neutralises formula injection the OWASP way: a text cell whose first
  non-blank character is ``=``, ``+``, ``-``, ``@`` (or their full-width forms), or that
  starts with a tab or carriage return, gets a leading ``'``; numbers stay numbers;
* ``visible`` shows control characters (C0, DEL, C1) as ``\\xNN`` escapes, so a label
  cannot move the cursor, retitle the window or clear the screen of a terminal.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["CONTROL", "FORMULA_START", "spreadsheet_cell", "visible", "xml_text"]

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (Unicode category Cc): C0, DEL and C1."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
"""Characters that make a spreadsheet read a cell as a formula (ASCII and full-width)."""


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_text("Acme\\x00\\x1b[2J\\tLtd")
    'Acme\\ufffd\\ufffd[2J\\tLtd'
    """
    return _NOT_XML.sub("\ufffd", text)


def spreadsheet_cell(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text, never runs as a formula.

    Only text is changed; numbers (including negative ones) are returned as they are.

    >>> [spreadsheet_cell(v) for v in ("=1+2", " @SUM(A1)", "\\tx", "-5", -5, "Acme")]
    ["'=1+2", "' @SUM(A1)", "'\\tx", "'-5", -5, 'Acme']
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in "\t\r" or value.lstrip()[:1] in FORMULA_START:
        return "'" + value
    return value


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def visible(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` (for people, not machines).

    >>> print(visible("Acme\\x1b]0;pwned\\x07 Ltd\\x9b"))
    Acme\\x1b]0;pwned\\x07 Ltd\\x9b
    """
    return CONTROL.sub(_escape, text)
