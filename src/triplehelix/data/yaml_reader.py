"""YAML records, read safely with line numbers (see ``_Loader`` for the rules)."""

from __future__ import annotations

import re
from typing import Any

import yaml

from triplehelix.data.raw import LineDict, LineList, SourceFile, add_container, show
from triplehelix.errors import Problem

__all__ = ["ALIAS_GROWTH", "MAX_INT_BITS", "read_yaml"]


class _AliasError(yaml.composer.ComposerError):
    """Aliases (``*name``) that multiply the document's size ("billion laughs")."""


MAX_INT_BITS = 4096
ALIAS_GROWTH = 4
"""Aliases may repeat a value, but may not make the document more than this many times
(plus ``ALIAS_SLACK`` values) bigger than it is written: nested aliases grow exponentially."""
ALIAS_SLACK = 10_000


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Values in a node once every alias is expanded (shared nodes computed once)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = size
    return size


class _Loader(yaml.SafeLoader):
    """Safe YAML with line numbers, YAML-1.2-like scalars: only true/false are booleans
    (``NO`` is Norway, not False) and dates stay text (we keep the source's precision).
    Aliases may repeat a value, but not blow the document up (see ``ALIAS_GROWTH``)."""

    def construct_document(self, node: yaml.Node) -> Any:
        memo: dict[int, int] = {}
        size = _expanded_size(node, memo)
        if size > ALIAS_GROWTH * len(memo) + ALIAS_SLACK:
            raise _AliasError(
                None,
                None,
                f"aliases that expand {len(memo):,} values to {size:,}",
                node.start_mark,
            )
        return super().construct_document(node)


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)  # YAML merge keys (<<: *base)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "expected a plain key", key_node.start_mark
            )
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        value = loader.construct_yaml_int(node)
    except (ValueError, IndexError):  # over 4300 digits, or not an integer (!!int x, !!int "")
        value = None
    if value is None or value.bit_length() > MAX_INT_BITS:
        raise yaml.constructor.ConstructorError(
            None, None, "an integer (of at most 1233 digits)", node.start_mark
        )
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _yaml_line_of(container: Any, key: Any, default: int) -> int:
    if isinstance(container, LineList) and isinstance(key, int):
        return container.item_lines[key]
    if isinstance(container, LineDict):
        return container.key_lines.get(str(key), default)
    return default


def read_yaml(src: SourceFile, text: str, hint: str | None) -> None:
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except _AliasError as exc:
        mark = exc.problem_mark
        src.problems.append(
            Problem(
                src.name,
                mark.line + 1 if mark else None,
                None,
                "yaml-alias",
                "YAML whose aliases (*name) repeat values without multiplying the document",
                str(exc.problem),
            )
        )
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        src.problems.append(
            Problem(
                src.name,
                mark.line + 1 if mark else None,
                None,
                "malformed-yaml",
                "well-formed YAML",
                str(problem),
            )
        )
        return
    except RecursionError:
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "malformed-yaml",
                "YAML nested less deeply",
                "too deep nesting",
            )
        )
        return
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as exc:
        # An explicit tag whose constructor rejects the value: !!bool x, !!timestamp x…
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "malformed-yaml",
                "values that their YAML tags (!!bool, !!float, !!timestamp…) allow",
                show(str(exc)),
            )
        )
        return
    for doc in docs:
        if doc is None:
            continue
        line = doc.line if isinstance(doc, LineDict) else 1
        add_container(src, doc, line, hint, _yaml_line_of)
