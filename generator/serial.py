"""The data-only codec of the incremental state: allow-listed values to JSON bytes and back.

The state lies in a folder the repository can carry, so decoding it must never run code
(as unpickling does) nor build anything but plain data. Encoded:
- str, int, bool and None as themselves, a tuple as a JSON array;
- everything else as a JSON object with exactly one key, its tag:
  {"list": [...]}, {"dict": {key: value}} (string keys only), {"date": "2024-05-01"},
  {"kind": "brief"}, and {"<class name>": {field: value}} for the dataclasses of REGISTERED
  (fields equal to their defaults left out).
Decoding is directed by type annotations (the expected type, then each field's): a
dataclass is rebuilt with its plain constructor, `cls(**fields)`, once its field names are
checked and each field is decoded as its annotation says. Any other tag, field or shape
raises SerialError, and nothing else is called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Callable
from typing import Any

from .diagnostics import BriefsError
from .graph import ActorFacet, BriefFacet, Edge, EventFacet, SiteEvent, StoryFacet, TermFacet
from .models import PartialDate
from .text import (
    BulletList,
    Code,
    Emph,
    Link,
    MarkupProblem,
    Mention,
    Paragraph,
    Ref,
    Rich,
    Strong,
    Text,
)
from .urls import Kind

# The allow-list: the only classes a decoded value may be an instance of (besides the
# built-in types above). Each is rebuilt through its own constructor.
REGISTERED: tuple[type, ...] = (
    BriefFacet, ActorFacet, TermFacet, StoryFacet, EventFacet, SiteEvent, Edge, PartialDate,
    Rich, Paragraph, BulletList, MarkupProblem, Text, Code, Emph, Strong, Link, Ref, Mention,
)
_BUILTIN_TAGS = frozenset({"list", "dict", "date", "kind"})
_TAGS = {cls.__name__: cls for cls in REGISTERED}
if len(_TAGS) != len(REGISTERED) or _TAGS.keys() & _BUILTIN_TAGS:  # pragma: no cover
    raise TypeError("serial: every registered type needs a tag of its own")


class SerialError(BriefsError, ValueError):
    """The bytes are not a value this codec writes (damaged, of another format, or planted)."""


Decoder = Callable[[Any], Any]


def _fail(what: str) -> typing.NoReturn:
    raise SerialError(f"serial: {what}")


# ---------------------------------------------------------------- encoding


@dataclasses.dataclass(frozen=True)
class _Fields:
    names: tuple[str, ...]
    defaults: dict[str, Any]  # field -> its default, for the fields that have one


_FIELDS: dict[type, _Fields] = {}


def _fields(cls: type) -> _Fields:
    found = _FIELDS.get(cls)
    if found is None:
        fields = [f for f in dataclasses.fields(cls) if f.init]
        if any(f.default_factory is not dataclasses.MISSING for f in fields):
            raise TypeError(f"serial: {cls.__name__} has a default factory")
        found = _FIELDS[cls] = _Fields(
            tuple(f.name for f in fields),
            {f.name: f.default for f in fields if f.default is not dataclasses.MISSING})
    return found


def dumps(value: Any) -> bytes:
    """`value` as compact JSON bytes; SerialError for anything this codec cannot carry."""
    try:
        text = json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":"),
                          allow_nan=False)
    except RecursionError:
        raise SerialError("serial: value nested too deeply") from None
    return text.encode("utf-8")


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is tuple:
        return [_encode(v) for v in value]
    if kind is list:
        return {"list": [_encode(v) for v in value]}
    if kind is dict:
        if any(type(k) is not str for k in value):
            _fail("dictionary keys must be plain strings")
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    if kind is dt.date:
        return {"date": value.isoformat()}
    if kind is Kind:
        return {"kind": value.value}
    if _TAGS.get(kind.__name__) is not kind:
        _fail(f"{kind.__name__} is not a registered type")
    spec = _fields(kind)
    fields = {}
    for name in spec.names:
        field = getattr(value, name)
        if name in spec.defaults:
            default = spec.defaults[name]
            if type(field) is type(default) and field == default:
                continue
        fields[name] = _encode(field)
    return {kind.__name__: fields}


# ---------------------------------------------------------------- decoding


def loads(data: bytes, expect: Any = Any) -> Any:
    """The value `data` encodes, which must be of the type `expect` (an annotation such as
    Facet or dict[str, tuple[str, ...]]); SerialError for anything else."""
    decode = _decoder(expect)
    try:
        return decode(json.loads(data, parse_constant=_refuse_constant))
    except SerialError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # JSON syntax, bytes, nesting
        raise SerialError(f"serial: not a stored value ({type(exc).__name__})") from None


def _refuse_constant(name: str) -> Any:
    _fail(f"{name} is not a stored value")


_DECODERS: dict[Any, Decoder] = {}


def _decoder(hint: Any) -> Decoder:
    """The decoder of the annotation `hint`: JSON data in, a value of that type out."""
    found = _DECODERS.get(hint)
    if found is None:
        found = _DECODERS[hint] = _compile(hint)
    return found


def _compile(hint: Any) -> Decoder:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return _decode_any
    if hint in (str, int, bool):
        return _scalar(hint)
    if hint is dt.date:
        return _tagged("date", _date)
    if hint is Kind:
        return _tagged("kind", _kind)
    if isinstance(hint, type) and _TAGS.get(hint.__name__) is hint:
        return _dataclass(hint)
    if origin is typing.Union or origin is types.UnionType:
        return _union(args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _tuple_of(args[0])
    if origin is tuple:
        return _fixed_tuple(args)
    if origin is list:
        item = _decoder(args[0] if args else Any)
        return _tagged("list", lambda payload: [item(v) for v in _of(list, payload)])
    if origin is dict and (not args or args[0] is str):
        value = _decoder(args[1] if args else Any)
        return _tagged("dict", lambda payload: {k: value(v)
                                                for k, v in _of(dict, payload).items()})
    raise TypeError(f"serial: cannot decode the annotation {hint!r}")  # a programming error


def _of(kind: type, node: Any) -> Any:
    if type(node) is not kind:
        _fail(f"expected a {kind.__name__}, found a {type(node).__name__}")
    return node


def _scalar(kind: type) -> Decoder:
    def decode(node: Any) -> Any:
        if type(node) is not kind:
            _fail(f"expected a {kind.__name__}, found a {type(node).__name__}")
        return node
    return decode


def _tagged(tag: str, payload: Decoder) -> Decoder:
    def decode(node: Any) -> Any:
        if type(node) is not dict or len(node) != 1 or tag not in node:
            _fail(f"expected a {tag}")
        return payload(node[tag])
    return decode


def _date(payload: Any) -> dt.date:
    text = _of(str, payload)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"bad date {text[:40]!r}")


def _kind(payload: Any) -> Kind:
    text = _of(str, payload)
    try:
        return Kind(text)
    except ValueError:
        _fail(f"bad kind {text[:40]!r}")


def _tuple_of(hint: Any) -> Decoder:
    if hint in (str, int, bool):  # ids, tags, aliases: checked without a call per item
        def plain(node: Any) -> Any:
            if type(node) is not list or not all(type(v) is hint for v in node):
                _fail(f"expected a tuple of {hint.__name__}")
            return tuple(node)
        return plain
    item = _decoder(hint)

    def decode(node: Any) -> Any:
        if type(node) is not list:
            _fail(f"expected a tuple, found a {type(node).__name__}")
        return tuple([item(v) for v in node])
    return decode


def _fixed_tuple(hints: tuple[Any, ...]) -> Decoder:
    items = [_decoder(h) for h in hints]

    def decode(node: Any) -> Any:
        if type(node) is not list or len(node) != len(items):
            _fail(f"expected a tuple of {len(items)}")
        return tuple([item(v) for item, v in zip(items, node, strict=True)])
    return decode


def _union(hints: tuple[Any, ...]) -> Decoder:
    """X | None, or registered dataclasses (and None), told apart by their tags."""
    optional = type(None) in hints
    rest = [h for h in hints if h is not type(None)]
    if len(rest) == 1:
        only = _decoder(rest[0])
        return lambda node: None if node is None else only(node)
    if not all(isinstance(h, type) and _TAGS.get(h.__name__) is h for h in rest):
        raise TypeError(f"serial: cannot decode the union {hints!r}")  # a programming error
    by_tag = {h.__name__: _decoder(h) for h in rest}

    def decode(node: Any) -> Any:
        if node is None and optional:
            return None
        if type(node) is dict and len(node) == 1:
            member = by_tag.get(next(iter(node)))
            if member is not None:
                return member(node)
        _fail(f"expected one of {', '.join(by_tag)}")
    return decode


def _dataclass(cls: type) -> Decoder:
    tag, spec = cls.__name__, _fields(cls)
    names = frozenset(spec.names)
    required = names - spec.defaults.keys()
    fields: dict[str, Decoder] = {}

    def decode(node: Any) -> Any:
        payload = node.get(tag) if type(node) is dict and len(node) == 1 else None
        if type(payload) is not dict:
            _fail(f"expected a {tag}")
        if not names.issuperset(payload) or not required.issubset(payload):
            _fail(f"wrong fields for {tag}")
        return cls(**{name: fields[name](value) for name, value in payload.items()})

    _DECODERS[cls] = decode  # before the fields: the rich-text tree refers to itself
    hints = typing.get_type_hints(cls)
    fields.update({name: _decoder(hints[name]) for name in spec.names})
    return decode


def _decode_any(node: Any) -> Any:
    """Any allowed value, told by its JSON shape and tag (fields still decoded by type)."""
    kind = type(node)
    if kind is str or kind is int or kind is bool or node is None:
        return node
    if kind is list:
        return tuple([_decode_any(v) for v in node])
    if kind is not dict or len(node) != 1:
        _fail(f"unexpected {kind.__name__} in stored data")
    tag = next(iter(node))
    if tag == "list":
        return [_decode_any(v) for v in _of(list, node[tag])]
    if tag == "dict":
        return {k: _decode_any(v) for k, v in _of(dict, node[tag]).items()}
    if tag == "date":
        return _date(node[tag])
    if tag == "kind":
        return _kind(node[tag])
    cls = _TAGS.get(tag)
    if cls is None:
        _fail(f"unknown tag {tag[:40]!r}")
    return _decoder(cls)(node)
