"""Constrained value types shared by the record models.

Each type validates at the edge and normalises to one canonical form, so that the
RDF mapping downstream never has to guess (dates keep the precision the source gave,
countries are ISO 3166-1 alpha-2, money is a decimal with an ISO 4217 code).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from triplehelix.safe_text import CONTROL

__all__ = [
    "CountryCode",
    "CurrencyCode",
    "LangMap",
    "LangTag",
    "LangText",
    "LocalId",
    "Money",
    "PartialDate",
    "Ref",
    "RefTo",
    "Text",
    "Year",
    "alpha2",
    "alpha3",
    "countries",
    "country_name",
    "date_precision",
    "date_year",
    "expected_of",
    "xsd_decimal",
    "xsd_year",
]

# defer_build: a model's validator is built when it first validates, not on import, so a
# command that never validates records (a query on a store) does not pay for all of them.
STRICT = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


@cache
def countries() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-2 code → (alpha-3 code, English name), read once.

    >>> countries()["KZ"]
    ('KAZ', 'Kazakhstan')
    """
    text = files("triplehelix.data").joinpath("iso3166.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {r["alpha2"]: (r["alpha3"], r["name"]) for r in rows}


@cache
def _currencies() -> frozenset[str]:
    text = files("triplehelix.data").joinpath("iso4217.txt").read_text(encoding="utf-8")
    return frozenset(text.split())


def alpha3(code: str) -> str:
    """ISO 3166-1 alpha-3 code of an alpha-2 code.

    >>> alpha3("KZ")
    'KAZ'
    """
    return countries()[code][0]


@cache
def _alpha2_of() -> dict[str, str]:
    return {a3: a2 for a2, (a3, _name) in countries().items()}


def alpha2(code3: str) -> str | None:
    """ISO 3166-1 alpha-2 code of an alpha-3 code (None if unknown).

    >>> alpha2("TJK"), alpha2("XXX")
    ('TJ', None)
    """
    return _alpha2_of().get(code3)


def country_name(code: str) -> str:
    """English short name of an ISO 3166-1 alpha-2 code.

    >>> country_name("TJ")
    'Tajikistan'
    """
    return countries()[code][1]


def _check_country(value: str) -> str:
    code = value.upper()
    if code not in countries():
        raise ValueError("an ISO 3166-1 alpha-2 country code such as KZ, TJ or DE")
    return code


def _check_currency(value: str) -> str:
    code = value.upper()
    if code not in _currencies():
        raise ValueError("an ISO 4217 currency code such as EUR, USD, KZT or TJS")
    return code


_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def _normalise_date(value: Any) -> Any:
    if isinstance(value, bool):
        return value  # let the str check reject it
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return f"{value:04d}"
    return value


def _check_date(value: str) -> str:
    match = _DATE.match(value)
    if not match:
        if not value.isascii() and _DATE.match(_ascii_digits(value)):
            raise ValueError("a date in ASCII digits (0-9), such as 2025 or 2025-04-10")
        raise ValueError("a date as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError("a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD") from None
    return value


def date_precision(value: str) -> str:
    """The XSD datatype name matching a partial date's precision.

    >>> [date_precision(d) for d in ("2025", "2025-04", "2025-04-10")]
    ['gYear', 'gYearMonth', 'date']
    """
    return {4: "gYear", 7: "gYearMonth", 10: "date"}[len(value)]


def date_year(value: str) -> int:
    """The year of a partial date.

    >>> date_year("2025-04-10")
    2025
    """
    return int(value[:4])


def _normalise_lang_map(value: Any) -> Any:
    # A plain string is accepted as English: the common case in hand-written data.
    if isinstance(value, str):
        return {"en": value}
    return value


def _ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit (``２``, ``٣``) as its ASCII digit."""
    return "".join(str(int(c)) if c.isdecimal() else c for c in text)


MAX_DIGITS = 18
"""Digits an amount may have before and after the point: what every SPARQL store sums
exactly (XSD asks processors for 18 digits; Oxigraph holds 20 before and 18 after)."""


def _check_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a decimal number")
    if isinstance(value, float | int):
        return _finite_decimal(Decimal(str(value)))
    if isinstance(value, str):
        text = value.replace(" ", "").replace("_", "")
        if not text.isascii():
            raise ValueError("a decimal number in ASCII digits (0-9), such as 15000.00")
        try:
            return _finite_decimal(Decimal(text))
        except InvalidOperation:
            raise ValueError("a decimal number such as 15000.00") from None
    return value


def _finite_decimal(number: Decimal) -> Decimal:
    """The number with no exponent (``1.5E+6`` → ``1500000``), if it fits.

    >>> _finite_decimal(Decimal("1.5E+6")), _finite_decimal(Decimal("2.50"))
    (Decimal('1500000'), Decimal('2.50'))
    """
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N", "F": NaN, sNaN, Infinity
        raise ValueError("a finite decimal number such as 15000.00")
    if number.adjusted() >= MAX_DIGITS or -exponent > MAX_DIGITS:
        raise ValueError(
            f"a decimal number with at most {MAX_DIGITS} digits before and after the point"
        )
    return number.quantize(Decimal(1)) if exponent > 0 else number


def xsd_decimal(number: Decimal | float) -> str:
    """The canonical ``xsd:decimal`` lexical form: digits, an optional point, no exponent.

    Every decimal literal the RDF mapping writes goes through here.

    >>> xsd_decimal(Decimal("1.5E+6")), xsd_decimal(Decimal("1E-7")), xsd_decimal(1e-05)
    ('1500000', '0.0000001', '0.00001')
    """
    if isinstance(number, float):
        number = Decimal(repr(number))
    return format(number, "f")


def xsd_year(year: int) -> str:
    """An ``xsd:gYear`` lexical form: at least four ASCII digits.

    >>> xsd_year(2025), xsd_year(988)
    ('2025', '0988')
    """
    return f"{year:04d}"


# Control characters are refused by pydantic-core's own regex (as fast as no check at
# all, where a Python validator per string halved validation speed); ``expected_of``
# turns a mismatch into a message that names the character and where it is.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
FREE_TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]*$"
_FREE_ALLOWED = "\t\n\r\x85"  # tab and line breaks (LF, CR, NEL)


def _controls_expected(value: str, allowed: str) -> str:
    """What a text with a control character should have been, naming the first one.

    >>> _controls_expected("Acme\\x1b[2J", "")
    'text without control characters (U+001B at character 5)'
    """
    for match in CONTROL.finditer(value):
        char = match.group()
        if char not in allowed:
            kept = " other than tab and line breaks" if allowed else ""
            return (
                f"text without control characters{kept} "
                f"(U+{ord(char):04X} at character {match.start() + 1})"
            )
    return "text without control characters"


def expected_of(error: Mapping[str, Any]) -> str:
    """The "expected …" words for one pydantic error (``ValidationError.errors()`` item).

    >>> expected_of({"type": "string_pattern_mismatch", "msg": "String should match…",
    ...              "ctx": {"pattern": TEXT_PATTERN}, "input": "a\\x00b"})
    'text without control characters (U+0000 at character 2)'
    >>> expected_of({"type": "value_error", "msg": "Value error, a date as YYYY"})
    'a date as YYYY'
    """
    if error["type"] == "string_pattern_mismatch" and isinstance(error.get("input"), str):
        pattern = error.get("ctx", {}).get("pattern")
        if pattern in (TEXT_PATTERN, FREE_TEXT_PATTERN):
            allowed = _FREE_ALLOWED if pattern == FREE_TEXT_PATTERN else ""
            return _controls_expected(error["input"], allowed)
    msg: str = error["msg"]
    return msg.removeprefix("Value error, ").removeprefix("Input should be ")


class RefTo:
    """Marks a string field as a reference to records of the given kinds.

    The loader checks every reference after all files are read; a full IRI
    (``http…``) is accepted as a reference to something outside the dataset.
    """

    __slots__ = ("kinds",)

    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds

    def __repr__(self) -> str:
        return f"RefTo{self.kinds!r}"


LocalId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$", max_length=120),
]
"""A record key: letters, digits, ``.``, ``_``, ``~``, ``-``; unique in a dataset."""

Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
"""A name, label, code or note on one line: no control characters (tab and newline too)."""

Ref = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=TEXT_PATTERN)]
LangTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20000, pattern=TEXT_PATTERN)]
NonEmptyFree = Annotated[
    str, StringConstraints(min_length=1, max_length=20000, pattern=FREE_TEXT_PATTERN)
]
"""Free text (descriptions, notes, quotes): tab and line breaks allowed, other controls not."""
LangMap = Annotated[
    dict[LangTag, NonEmpty],
    BeforeValidator(_normalise_lang_map),
    Field(min_length=1),
]
"""Names per language: ``{"en": "…", "ru": "…"}``; a plain string means English."""
LangText = Annotated[
    dict[LangTag, NonEmptyFree],
    BeforeValidator(_normalise_lang_map),
    Field(min_length=1),
]
"""Free text per language (descriptions, idea texts): like ``LangMap``, newlines allowed."""
Year = Annotated[int, Field(ge=1, le=9999)]
"""A year of the common era with at most four digits (an ``xsd:gYear``)."""

CountryCode = Annotated[str, AfterValidator(_check_country)]
CurrencyCode = Annotated[str, AfterValidator(_check_currency)]
PartialDate = Annotated[str, BeforeValidator(_normalise_date), AfterValidator(_check_date)]
"""A date with the precision the source gives: ``2025``, ``2025-04`` or ``2025-04-10``."""


class Money(BaseModel):
    """An amount of money: a non-negative decimal and its ISO 4217 currency."""

    model_config = STRICT

    value: Annotated[Decimal, BeforeValidator(_check_decimal), Field(ge=0)]
    currency: CurrencyCode
