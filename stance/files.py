"""Reading input text: whole files, or large files and stdin as a stream of paragraph-aligned blocks; file hashes.

Binary input is refused; text that is not valid UTF-8 is decoded as cp1252 (then latin-1) with a warning naming the
first bad line. Streaming reads a file line by line and cuts it into blocks of about ``block_chars`` characters at
line ends where a sentence always ends, so memory stays flat however large the input.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from stance.errors import InputError

__all__ = ["sha256", "read_document", "read_blocks", "BLOCK_CHARS"]

BLOCK_CHARS = 1 << 20
_ENDS = ("", ".", "!", "?", ":", "”", '"', "'")  # a line ending so (or blank) always ends a sentence: stance.text._lines
_SNIFF = 8192


def sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _refuse_binary(head: bytes, name: str) -> None:
    if b"\x00" in head[:_SNIFF]:
        raise InputError(f"{name}: looks like a binary file, not text")


def _open(path: str | Path):
    if str(path) == "-":
        return sys.stdin.buffer, "<stdin>"
    path = Path(path)
    try:
        return path.open("rb"), str(path)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None


def read_document(path: str | Path) -> tuple[str, str | None]:
    """Text of a file and a warning, if any. Binary files are refused; non-UTF-8 text falls back to cp1252, then latin-1."""
    f, name = _open(path)
    try:
        data = f.read()
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    finally:
        if f is not sys.stdin.buffer:
            f.close()
    _refuse_binary(data, name)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        encoding = _fallback(data)
        return data.decode(encoding), f"{name}:{line}: not valid UTF-8; decoded as {encoding}"


def _fallback(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any bytes


def read_blocks(path: str | Path, block_chars: int = BLOCK_CHARS,
                warn: Callable[[str], None] = lambda message: None) -> Iterator[tuple[int, str]]:
    """``(offset, text)`` blocks of a file (or ``-``, stdin) in order; ``offset`` counts characters from the start of
    the decoded text, so sentence offsets within a block plus ``offset`` point into the whole text.

    A block ends, once it holds ``block_chars`` characters, after a blank line or a line that ends a sentence (a full
    stop, question mark, closing quote...), where the sentence splitter always breaks; past eight times that, at any
    line end. Lines that are not valid UTF-8 are decoded as cp1252 (or latin-1), with one
    warning naming the first such line.
    """
    f, name = _open(path)
    try:
        yield from _blocks(f, name, block_chars, warn)
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    finally:
        if f is not sys.stdin.buffer:
            f.close()


def _blocks(f, name: str, block_chars: int, warn) -> Iterator[tuple[int, str]]:
    lines: list[str] = []
    size = offset = 0
    warned = False
    for number, raw in enumerate(f, 1):
        if number == 1:
            _refuse_binary(raw, name)
            if raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
        elif offset + size < _SNIFF and b"\x00" in raw:
            raise InputError(f"{name}: looks like a binary file, not text")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            encoding = _fallback(raw)
            line = raw.decode(encoding)
            if not warned:
                warn(f"{name}:{number}: not valid UTF-8; decoded as {encoding}")
                warned = True
        lines.append(line)
        size += len(line)
        if size >= block_chars and (line.rstrip()[-1:] in _ENDS or size >= 8 * block_chars):
            yield offset, "".join(lines)
            offset += size
            lines, size = [], 0
    if lines:
        yield offset, "".join(lines)
