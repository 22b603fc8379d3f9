"""Kinds of view fields: strict checks, lenient parsing, and link encoding.

Each kind does three things for one field of :class:`embspace.share.ViewState`:

- ``check(name, value)``: the constructor's strict check; raises TypeError or
  ValueError naming the field, the value and what is allowed.
- ``parse(name, raw)``: reads a link string or a JSON value; raises
  :class:`FieldError` for garbage, and clamps out-of-range numbers with a note.
- ``encode(value)``: the compact link string.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from embspace.wording import show

_INTEGER = re.compile(r"[+-]?\d{1,40}")
_NUMBER = re.compile(
    r"[+-]?(?:\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})(?:[eE][+-]?\d{1,4})?"
)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_ESCAPED = re.compile(r"%(25|2[cC])")


class FieldError(ValueError):
    """A raw field value that cannot be used; the message is one line."""


class Kind:
    """Base of the field kinds."""

    def check(self, name: str, value: Any) -> Any:
        raise NotImplementedError

    def parse(self, name: str, raw: Any) -> tuple[Any, str | None]:
        raise NotImplementedError

    def encode(self, value: Any) -> str:
        return str(value)


class Choice(Kind):
    """One of a fixed set of strings."""

    def __init__(self, allowed: Sequence[str]) -> None:
        self.allowed = tuple(allowed)

    def _allowed(self) -> str:
        return ", ".join(self.allowed)

    def check(self, name: str, value: Any) -> str:
        if value not in self.allowed or not isinstance(value, str):
            raise ValueError(f"{name}={show(value)} must be one of {self._allowed()}")
        return value

    def parse(self, name: str, raw: Any) -> tuple[str, str | None]:
        if not isinstance(raw, str) or raw not in self.allowed:
            raise FieldError(f"{name}={show(raw)} is not one of {self._allowed()}")
        return raw, None


class Integer(Kind):
    """A whole number in ``[lo, hi]``, or ``None`` if ``optional``."""

    def __init__(self, lo: int, hi: int, *, optional: bool = False) -> None:
        self.lo, self.hi, self.optional = lo, hi, optional

    def check(self, name: str, value: Any) -> int | None:
        if value is None and self.optional:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int; got {type(value).__name__}")
        if not self.lo <= value <= self.hi:
            raise ValueError(f"{name}={value} must be between {self.lo} and {self.hi}")
        return value

    def parse(self, name: str, raw: Any) -> tuple[int | None, str | None]:
        if self.optional and (raw is None or raw in ("", "none", "None")):
            return None, None
        value = _whole(raw)
        if value is None:
            raise FieldError(f"{name}={show(raw)} is not a whole number")
        return _clamp(name, value, self.lo, self.hi)

    def encode(self, value: Any) -> str:
        return "none" if value is None else str(value)


def _whole(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER.fullmatch(raw):
        return int(raw)
    return None


def _clamp(name: str, value: Any, lo: Any, hi: Any) -> tuple[Any, str | None]:
    if lo <= value <= hi:
        return value, None
    bound = lo if value < lo else hi
    return bound, (
        f"{name}={show(value, 24)} is not between {_num(lo)} and {_num(hi)}; "
        f"using {_num(bound)}"
    )


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class Number(Kind):
    """A finite float in ``[lo, hi]``."""

    def __init__(self, lo: float, hi: float) -> None:
        self.lo, self.hi = lo, hi

    def check(self, name: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a float; got {type(value).__name__}")
        if not (math.isfinite(value) and self.lo <= value <= self.hi):
            raise ValueError(
                f"{name}={value} must be between {self.lo:g} and {self.hi:g}"
            )
        return float(value)

    def parse(self, name: str, raw: Any) -> tuple[float, str | None]:
        value = _finite(raw)
        if value is None:
            raise FieldError(f"{name}={show(raw)} is not a finite number")
        return _clamp(name, value, self.lo, self.hi)

    def encode(self, value: Any) -> str:
        return str(int(value)) if float(value).is_integer() else repr(float(value))


def _finite(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and not _NUMBER.fullmatch(raw):
        return None
    if not isinstance(raw, (str, int, float)):
        return None
    try:
        value = float(raw)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


class Text(Kind):
    """A string of at most ``max_len`` characters, matching ``pattern`` if set."""

    def __init__(self, max_len: int, *, pattern: re.Pattern[str] | None = None) -> None:
        self.max_len, self.pattern = max_len, pattern

    def _problem(self, value: str) -> str | None:
        if len(value) > self.max_len:
            return f"is not at most {self.max_len} characters long"
        if self.pattern is not None and not self.pattern.fullmatch(value):
            return "is not a valid id (lower-case letters, digits, single hyphens)"
        return None

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a str; got {type(value).__name__}")
        problem = self._problem(value)
        if problem:
            raise ValueError(f"{name}={show(value)} {problem}")
        return value

    def parse(self, name: str, raw: Any) -> tuple[str, str | None]:
        if not isinstance(raw, str):
            raise FieldError(f"{name}={show(raw)} is not text")
        problem = self._problem(raw)
        if problem:
            raise FieldError(f"{name}={show(raw)} {problem}")
        return raw, None


class Flag(Kind):
    """A boolean, written ``1`` or ``0`` in links."""

    def check(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be a bool; got {type(value).__name__}")
        return value

    def parse(self, name: str, raw: Any) -> tuple[bool, str | None]:
        if isinstance(raw, bool):
            return raw, None
        if isinstance(raw, str) and raw.lower() in _TRUE + _FALSE:
            return raw.lower() in _TRUE, None
        raise FieldError(f"{name}={show(raw)} is not 1 or 0")

    def encode(self, value: Any) -> str:
        return "1" if value else "0"


class Keys(Kind):
    """A tuple of non-empty keys, at most ``max_count`` of ``max_len`` each."""

    def __init__(self, max_count: int, max_len: int) -> None:
        self.max_count, self.max_len = max_count, max_len

    def check(self, name: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise TypeError(
                f"{name} must be a tuple of str; got {type(value).__name__}"
            )
        keys = tuple(value)
        for key in keys:
            if not isinstance(key, str) or not key or len(key) > self.max_len:
                raise ValueError(
                    f"{name} holds {show(key)}; keys must be non-empty strings "
                    f"of at most {self.max_len} characters"
                )
        if len(keys) > self.max_count:
            raise ValueError(
                f"{name} holds {len(keys)} keys; at most {self.max_count} are allowed"
            )
        return keys

    def parse(self, name: str, raw: Any) -> tuple[tuple[str, ...], str | None]:
        if isinstance(raw, str):
            if len(raw) > self.max_count * (self.max_len + 1) * 3:
                raise FieldError(
                    f"{name}=({len(raw):,} characters) is not a list of at most "
                    f"{self.max_count} keys"
                )
            items: list[Any] = decode_keys(raw)
        elif isinstance(raw, (list, tuple)):
            items = list(raw)
        else:
            raise FieldError(f"{name}={show(raw)} is not a list of keys")

        keys = [k for k in items if isinstance(k, str) and 0 < len(k) <= self.max_len]
        notes = []
        if len(keys) < len(items):
            bad = len(items) - len(keys)
            notes.append(
                f"{name}=({bad} empty or overlong keys) is not allowed (keys of 1 "
                f"to {self.max_len} characters); using the other {len(keys)}"
            )
        if len(keys) > self.max_count:
            notes.append(
                f"{name}=({len(keys)} keys) is not at most {self.max_count} keys; "
                f"using the first {self.max_count}"
            )
            keys = keys[: self.max_count]
        return tuple(keys), "\n".join(notes) or None

    def encode(self, value: Any) -> str:
        return encode_keys(value)


class KeyTuple(Keys):
    """Exactly ``count`` non-empty keys, or none (the page's default)."""

    def __init__(self, count: int, max_len: int, *, meaning: str) -> None:
        # One key more than ``count`` is kept by parsing, so too many are refused.
        super().__init__(count + 1, max_len)
        self.count, self.meaning = count, meaning

    def check(self, name: str, value: Any) -> tuple[str, ...]:
        keys = super().check(name, value)
        if keys and len(keys) != self.count:
            raise ValueError(
                f"{name} holds {len(keys)} keys; expected none or {self.count} "
                f"({self.meaning})"
            )
        return keys

    def parse(self, name: str, raw: Any) -> tuple[tuple[str, ...], str | None]:
        keys, note = super().parse(name, raw)
        if keys and len(keys) != self.count:
            raise FieldError(
                f"{name}={show(raw)} is not {self.count} keys ({self.meaning})"
            )
        return keys, note


def encode_keys(keys: Sequence[str]) -> str:
    """Join keys with commas, escaping ``%`` as ``%25`` and ``,`` as ``%2C``."""
    return ",".join(key.replace("%", "%25").replace(",", "%2C") for key in keys)


def decode_keys(text: str) -> list[str]:
    """Inverse of :func:`encode_keys`; other ``%`` sequences stay as they are."""
    if not text:
        return []
    unescape = {"25": "%", "2c": ","}
    return [
        _ESCAPED.sub(lambda match: unescape[match.group(1).lower()], piece)
        for piece in text.split(",")
    ]
