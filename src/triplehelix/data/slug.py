"""Slugs: the readable part of minted IRIs and source names.

Kept apart from ``iris`` (which mints record IRIs) so that ``sources`` (which names input
files) and ``iris`` (which names their documents through ``sources``) both build on it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify"]

# One pinned transliteration of Cyrillic (Russian, Kazakh, Tajik letters), close to
# the BGN/PCGN romanisation without diacritics.
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіӣҷҳ",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "q",
            "ng",
            "o",
            "u",
            "u",
            "h",
            "i",
            "i",
            "j",
            "h",
        ],
        strict=True,
    )
)


def slugify(text: str, limit: int = 60) -> str:
    """Lowercase ASCII slug: NFKC, Cyrillic transliterated, diacritics dropped.

    >>> slugify("Deutsche Gesellschaft für Internationale Zusammenarbeit")
    'deutsche-gesellschaft-fur-internationale-zusammenarbeit'
    >>> slugify("Восточно-Казахстанский технический университет")
    'vostochno-kazakhstanskiy-tekhnicheskiy-universitet'
    >>> slugify("Oʻzbekiston"), slugify("Erasmus+ KA2")
    ('ozbekiston', 'erasmus-plus-ka2')
    """
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("ʻ", "").replace("ʼ", "").replace("'", "").replace("’", "")
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text).replace("+", " plus ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0] if "-" in text[:limit] else text[:limit]
    return text
