"""What the bulk loader keeps of the rows nobody refers to (participations): their keys,
to find duplicates, and the distinct ids they refer to, checked once every entity is known.

>>> from triplehelix.data.loader import Located
>>> from triplehelix.data.models import Participation
>>> index = RefIndex()
>>> rec = Participation(agent="a", activity="p", role="partner")
>>> first = index.add(rec, Located("x.jsonl", 1, "jsonl"))
>>> again = index.add(rec, Located("x.jsonl", 2, "jsonl"))
>>> first, [p.code for p in again]
([], ['duplicate-id'])
>>> [(p.field, p.code) for p in index.check({"a": "organisation", "p": "event"})]
[]
>>> [(p.field, p.code) for p in index.check({"a": "project"})]
[('agent', 'wrong-reference'), ('activity', 'unknown-reference')]
"""

from __future__ import annotations

from triplehelix.data.loader import Located, ref_fields
from triplehelix.data.models import BUILTIN_SECTORS, Record, record_key
from triplehelix.errors import Problem

__all__ = ["RefIndex"]


class RefIndex:
    """What pass 1 keeps of the participations: their keys and the ids they refer to."""

    def __init__(self) -> None:
        self.keys: dict[str, Located] = {}
        self.refs: dict[tuple[str, str], tuple[tuple[str, ...], Located]] = {}

    def add(self, rec: Record, loc: Located) -> list[Problem]:
        key = record_key(rec)
        if key in self.keys:
            prev = self.keys[key]
            return [
                Problem(
                    loc.file,
                    loc.line,
                    "id",
                    "duplicate-id",
                    f"an id used once (first used at {prev.file}:{prev.line})",
                    repr(key),
                )
            ]
        self.keys[key] = loc
        for name, allowed in ref_fields(type(rec)).items():
            value = getattr(rec, name)
            for ref in value if isinstance(value, list) else [value] if value else []:
                if not ref.startswith(("http://", "https://")):
                    self.refs.setdefault((name, ref), (allowed, loc))
        return []

    def check(self, kinds: dict[str, str]) -> list[Problem]:
        out = []
        for (name, ref), (allowed, loc) in self.refs.items():
            kind = kinds.get(ref)
            if kind is None and "sector" in allowed and ref in BUILTIN_SECTORS:
                continue
            article = "an" if allowed[0][0] in "aeiou" else "a"
            if kind is None:
                expected = (
                    f"the id of {article} {' or '.join(allowed)} record in the dataset, or an IRI"
                )
                out.append(
                    Problem(loc.file, loc.line, name, "unknown-reference", expected, repr(ref))
                )
            elif kind not in allowed:
                expected = f"the id of {article} {' or '.join(allowed)} record"
                out.append(
                    Problem(
                        loc.file, loc.line, name, "wrong-reference", expected, f"{ref!r}, a {kind}"
                    )
                )
        return out
