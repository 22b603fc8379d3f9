"""Opening input files: gzip detection, size caps, chunks and the BOM."""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from embspace.formats.base import MAX_DECOMPRESSED_BYTES, MAX_LINE_BYTES, FormatError

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
CHUNK_BYTES = 8 << 20


@dataclass(frozen=True)
class Source:
    """An input file and how to read it.

    Attributes
    ----------
    path : Path
        The file on disk.
    name : str
        The name used in messages (an upload keeps its original name).
    gzipped : bool
        Whether the bytes are gzip-compressed.
    max_bytes : int
        Cap on the (decompressed) size that will be read.
    """

    path: Path
    name: str
    gzipped: bool
    max_bytes: int = MAX_DECOMPRESSED_BYTES

    @classmethod
    def open_path(
        cls, path, *, name: str | None = None, max_bytes: int | None = None
    ) -> Source:
        """Describe ``path``; raises :class:`FormatError` if it cannot be read."""
        path = Path(path)
        label = name or path.name
        if path.is_dir():
            raise FormatError(f"{label}: is a directory; give a vectors file")
        if not path.is_file():
            raise FormatError(f"{label}: no such file")

        with path.open("rb") as handle:
            magic = handle.read(2)
        limit = MAX_DECOMPRESSED_BYTES if max_bytes is None else max_bytes
        return cls(path, label, magic == GZIP_MAGIC, limit)

    @property
    def size(self) -> int:
        """Size of the file on disk in bytes."""
        return self.path.stat().st_size

    def open(self) -> BinaryIO:
        """A binary stream of the (decompressed) content."""
        if self.gzipped:
            return gzip.open(self.path, "rb")
        return self.path.open("rb")

    def head(self, n_bytes: int = 1 << 16) -> bytes:
        """The first ``n_bytes`` of the content (decompressed)."""
        with self.open() as stream:
            return self._guard(stream.read, n_bytes)

    def read_all(self) -> bytes:
        """The whole content, refusing more than :attr:`max_bytes`."""
        if not self.gzipped and self.size > self.max_bytes:
            raise FormatError(
                f"{self.name}: {self.size:,} bytes is more than the limit of "
                f"{self.max_bytes:,} bytes"
            )

        with self.open() as stream:
            data = self._guard(stream.read, self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise FormatError(
                f"{self.name}: decompresses to more than the limit of "
                f"{self.max_bytes:,} bytes; refusing to read further"
            )
        return data

    def chunks(self, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
        """The content in pieces of about ``chunk_bytes``, within the cap."""
        total = 0
        with self.open() as stream:
            while True:
                chunk = self._guard(stream.read, chunk_bytes)
                if not chunk:
                    return
                total += len(chunk)
                if total > self.max_bytes:
                    raise FormatError(
                        f"{self.name} byte {self.max_bytes:,}: the content is "
                        f"larger than the limit of {self.max_bytes:,} bytes"
                    )
                yield chunk

    def _guard(self, read, n_bytes: int) -> bytes:
        try:
            return read(n_bytes)
        except (gzip.BadGzipFile, EOFError, zlib.error) as error:
            raise FormatError(
                f"{self.name}: the gzip stream is damaged or cut short ({error})"
            ) from None


def lines_of(
    chunks: Iterator[bytes],
    *,
    name: str = "input",
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[bytes]:
    """Regroup chunks so that each piece ends at a line feed.

    The last piece gets a line feed appended if the file lacks one. A line
    longer than a chunk is kept whole up to ``max_line_bytes``; a longer one
    cannot be a line of vectors and is refused, naming the byte it starts at.
    """
    pieces: list[bytes] = []  # the start of a line that spans chunks
    pending = offset = 0
    for chunk in chunks:
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            pieces.append(chunk)
            pending += len(chunk)
            if pending > max_line_bytes:
                raise FormatError(
                    f"{name} byte {offset:,}: a line runs past {max_line_bytes:,} "
                    "bytes; a line of vectors holds one key and its numbers"
                )
            continue
        head = b"".join([*pieces, chunk[:cut]]) if pieces else chunk[:cut]
        offset += len(head)
        pieces, pending = [chunk[cut:]], len(chunk) - cut
        yield head

    rest = b"".join(pieces)
    if rest:
        yield rest + b"\n"


def strip_bom(data: bytes) -> tuple[bytes, bool]:
    """``data`` without a leading UTF-8 byte order mark, and whether it had one."""
    if data.startswith(BOM):
        return data[len(BOM) :], True
    return data, False


def as_stream(data: bytes) -> io.BytesIO:
    """A seekable stream over bytes already in memory."""
    return io.BytesIO(data)
