"""SPARQL 1.1 text as tokens: the grammar's terminals, exactly, for deciding what a query does.

A keyword found by a regular expression over the text can hide inside a prefixed name
(``id:a\\#`` is one name: ``\\#`` is a ``PN_LOCAL_ESC``, not a comment) or be invented by a
quote that is part of a name (``id:a\\'``). This tokenizer implements the terminals of the
SPARQL 1.1 grammar (§19.8: ``IRIREF``, ``PNAME_NS``/``PNAME_LN`` with ``PLX``,
``BLANK_NODE_LABEL``, ``VAR1``/``VAR2``, ``LANGTAG``, the four string forms with ``ECHAR``,
numbers, comments) with the longest-match rule, so a keyword is a keyword exactly when it
is one for a SPARQL parser. Text it cannot tokenize is not SPARQL: callers refuse it.

Two departures, both towards seeing *more* syntax, never less: a comment also ends at a
carriage return, and ``\\u``/``\\U`` escapes are accepted in IRIs and strings only (where
Oxigraph expands them; it does not expand them anywhere else).

>>> [t.text for t in tokenize(r"SELECT * { BIND(id:a\\# AS ?x) } # SERVICE")]
['SELECT', '*', '{', 'BIND', '(', 'id:a\\\\#', 'AS', '?x', ')', '}']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Token", "TokenError", "tokenize"]

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"  # PN_CHARS_U
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"  # PN_CHARS
_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = rf"%{_HEX}{{2}}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_VARNAME = rf"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"
_EXP = "[eE][+-]?[0-9]+"

# Order matters where two terminals start alike: the alternatives are tried in turn.
_TERMINALS = [
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("iri", rf'<(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>'),
    ("string", rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("string", rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("string", rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"),
    ("string", rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"'),
    ("pname", rf"(?:{_PREFIX})?:(?:{_LOCAL})?"),
    ("bnode", rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("var", rf"[?$]{_VARNAME}"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", rf"[0-9]+\.[0-9]*{_EXP}|\.[0-9]+{_EXP}|[0-9]+{_EXP}|[0-9]*\.[0-9]+|[0-9]+"),
    ("word", r"[A-Za-z][A-Za-z0-9_]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.=<>!+\-*/?|^]"),
]
_SCANNER = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(_TERMINALS)))
_KIND = {f"{kind}{i}": kind for i, (kind, _) in enumerate(_TERMINALS)}


@dataclass(frozen=True, slots=True)
class Token:
    """One terminal of the text.

    Attributes:
        kind: ``iri``, ``string``, ``pname``, ``bnode``, ``var``, ``langtag``, ``number``,
            ``word`` (a keyword or a function name such as ``SELECT``, ``STR``, ``a``) or
            ``punct``.
        text: the token as written.
        offset: where it starts in the text (0-based).
    """

    kind: str
    text: str
    offset: int


class TokenError(ValueError):
    """Text that is no SPARQL terminal, at ``offset``."""

    def __init__(self, offset: int, found: str) -> None:
        super().__init__(f"no SPARQL token starts here: {found!r}")
        self.offset = offset
        self.found = found


def tokenize(text: str) -> Iterator[Token]:
    """The tokens of ``text``, without white space and comments.

    Raises:
        TokenError: at the first character that starts no terminal (an unclosed string or
            IRI, an unknown escape, a stray backslash…).

    >>> [(t.kind, t.text) for t in tokenize("ASK { ?s a 'it''s' }")][3:]
    [('word', 'a'), ('string', "'it'"), ('string', "'s'"), ('punct', '}')]
    >>> list(tokenize('ASK { "open }'))
    Traceback (most recent call last):
    ...
    triplehelix.graph.query.tokens.TokenError: no SPARQL token starts here: '"open }'
    """
    pos, end = 0, len(text)
    while pos < end:
        match = _SCANNER.match(text, pos)
        if match is None or match.lastgroup is None:
            raise TokenError(pos, text[pos : pos + 20])
        kind = _KIND[match.lastgroup]
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), pos)
        pos = match.end()
