"""Reading input text: whole files, or large files and stdin as a stream of paragraph-aligned blocks; file hashes.

Binary input is refused; text that is not valid UTF-8 is decoded as cp1252 (then latin-1) with a warning naming the
first bad line. Streaming reads a file line by line and cuts it into blocks of about ``block_chars`` characters at
line ends where a sentence always ends, so memory stays flat however large the input.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from stance.errors import InputError

__all__ = ["sha256", "read_document", "read_blocks", "read_rows", "fsync_folder", "BLOCK_CHARS"]

BLOCK_CHARS = 1 << 20
LINE_CHARS = 1 << 20  # a longer line is read in pieces of this size
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
        if sys.stdin is None:
            raise InputError("<stdin>: standard input is closed; nothing to read")
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
        if sys.stdin is None or f is not sys.stdin.buffer:
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
    line end. A line longer than :data:`LINE_CHARS` (or ``block_chars``) is read in pieces of at most that (cut after a sentence end, else at
    a space), so a file of one huge line costs what a file of many lines does. Lines that are not valid UTF-8 are decoded as cp1252 (or latin-1), with one
    warning naming the first such line.
    """
    f, name = _open(path)
    try:
        yield from _blocks(f, name, block_chars, warn)
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    finally:
        if sys.stdin is None or f is not sys.stdin.buffer:
            f.close()


def _pieces(f, limit: int) -> Iterator[bytes]:
    """The bytes of ``f`` as lines of at most ``limit`` bytes: a longer line is cut after its last sentence end
    (". ", "? ", "! ") in the piece or, failing that, after its last space, so no piece splits a UTF-8 character
    and memory stays bounded whatever the input's shape."""
    carry = b""
    while True:
        raw = f.readline(limit - len(carry)) if len(carry) < limit else b""
        piece = carry + raw
        carry = b""
        if not piece:
            return
        if piece.endswith(b"\n") or (not raw and len(piece) < limit):
            yield piece
            continue
        cut = max(piece.rfind(b". "), piece.rfind(b"? "), piece.rfind(b"! "))
        cut = cut + 2 if cut >= len(piece) // 2 else max(piece.rfind(b" "), piece.rfind(b"\t")) + 1
        if cut <= 0:  # no space in the piece: cut at a character boundary
            cut = len(piece)
            while cut > 1 and piece[cut - 1] & 0xC0 == 0x80:
                cut -= 1
            cut = cut - 1 if piece[cut - 1] >= 0xC0 else cut
        yield piece[:cut]
        carry = piece[cut:]


def _blocks(f, name: str, block_chars: int, warn) -> Iterator[tuple[int, str]]:
    lines: list[str] = []
    size = offset = 0
    warned = False
    for number, raw in _numbered(_pieces(_utf8(f), max(block_chars, LINE_CHARS)), name):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
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


class _Recoded:
    """A UTF-16 file (it starts with a byte-order mark) read as UTF-8 bytes, line by line."""

    def __init__(self, f):
        import io

        self._text = io.TextIOWrapper(f, encoding="utf-16", newline="")

    def readline(self, limit: int = -1) -> bytes:
        return self._text.readline(max(1, limit // 4) if limit > 0 else -1).encode("utf-8")


def _utf8(f):
    """``f`` itself, or for UTF-16 text (a byte-order mark first) a reader giving its lines as UTF-8."""
    peek = getattr(f, "peek", None)
    head = peek(2)[:2] if peek else b""
    return _Recoded(f) if head in (b"\xff\xfe", b"\xfe\xff") else f


def _numbered(pieces: Iterator[bytes], name: str) -> Iterator[tuple[int, bytes]]:
    """Pieces with the number of the line they start on; a NUL byte anywhere refuses the input (binary)."""
    line = 1
    for piece in pieces:
        if b"\x00" in piece:
            raise InputError(f"{name}:{line}: looks like a binary file (a NUL byte), not text")
        yield line, piece
        line += piece.endswith(b"\n")


def _lines(f, name: str, warn) -> Iterator[tuple[int, str]]:
    """Decoded lines with their numbers: UTF-8, else cp1252 (then latin-1) with one warning naming the first bad line;
    NUL bytes refuse the input."""
    warned = False
    for number, raw in enumerate(_utf8(f), 1):
        if b"\x00" in raw:
            raise InputError(f"{name}:{number}: looks like a binary file (a NUL byte), not text")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            encoding = _fallback(raw)
            if not warned:
                warn(f"{name}:{number}: not valid UTF-8; decoded as {encoding}")
                warned = True
            yield number, raw.decode(encoding)


def read_rows(path: str | Path, text_column: str, warn: Callable[[str], None] = lambda message: None
              ) -> Iterator[tuple[int, dict]]:
    """``(line, row)`` for each row of a CSV or JSONL table (by extension), streamed: every value exactly as read
    (CSV cells as strings, JSON values as parsed: ``1`` stays ``1``, a 20-digit id stays exact). A row whose
    ``text_column`` is missing, null or not a string is skipped with a warning naming its line; an empty file has no
    rows. Errors name the file and line."""
    import csv
    import json

    f, name = _open(path)
    jsonl = Path(str(path)).suffix.lower() in (".jsonl", ".ndjson", ".json")
    try:
        lines = _lines(f, name, warn)
        if jsonl:
            first = True
            for number, line in lines:
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{name}:{number}: not valid JSON: {e.msg}") from None
                if not isinstance(row, dict):
                    raise InputError(f"{name}:{number}: expected a JSON object per line")
                if first and text_column not in row:
                    raise InputError(f"{name}:{number}: missing column {text_column} (columns: {', '.join(row)})")
                first = False
                if _text_ok(row, text_column, name, number, warn):
                    yield number, row
        else:
            current = [0]

            def source():
                for number, line in lines:
                    current[0] = number
                    yield line

            reader = csv.reader(source())
            try:
                header = next(reader, None)
                if header is None:
                    return
                if text_column not in header:
                    raise InputError(f"{name}:1: missing column {text_column} (columns: {', '.join(header)})")
                for cells in reader:
                    if not cells:
                        continue
                    if len(cells) != len(header):
                        raise InputError(f"{name}:{current[0]}: {len(cells)} cells where the header has {len(header)}")
                    row = dict(zip(header, cells))
                    if _text_ok(row, text_column, name, current[0], warn):
                        yield current[0], row
            except csv.Error as e:
                raise InputError(f"{name}:{current[0]}: cannot read as CSV: {e}") from None
    except OSError as e:
        raise InputError(f"{name}: cannot read: {e.strerror or e}") from None
    finally:
        if sys.stdin is None or f is not sys.stdin.buffer:
            f.close()


def _text_ok(row: dict, column: str, name: str, number: int, warn) -> bool:
    value = row.get(column)
    if isinstance(value, str):
        return True
    what = "missing" if column not in row else ("null" if value is None else f"a {type(value).__name__}, not text")
    warn(f"{name}:{number}: column {column} is {what}; row skipped")
    return False


def fsync_folder(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (fsync the folder itself); a platform that cannot open folders
    (Windows) leaves rename durability to the OS."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
