"""Images inspected within a pixel budget: a scan's decoding is proved without holding its pixels.

An 11 KB PNG can declare 90 megapixels and cost gigabytes once decoded; a real scan of an A4 page
at 600 dpi is 35 megapixels. Beyond PIXEL_BUDGET an image is refused from its header alone; within
it, a PNG's compressed stream is inflated piece by piece and counted (CRC of every chunk, the exact
number of bytes the header promises), and a JPEG is decoded at an eighth of its size (the whole
entropy-coded stream is still read; a progressive one has a smaller budget), so memory stays that
of a small image. A TIFF, whose strips
Pillow can only decode whole, is decoded fully, still within the budget.
"""
from __future__ import annotations

import struct
import warnings
import zlib
from pathlib import Path

PIXEL_BUDGET = 40_000_000
# A progressive JPEG is decoded through coefficient buffers of its full size whatever the scale
# (about 3.5 bytes a pixel): its budget is that of an A4 page at 400 dpi.
PROGRESSIVE_BUDGET = 16_000_000
_PIECE = 1 << 16
_OUT = 1 << 20
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


class TooManyPixels(Exception):
    """The image is beyond the pixel budget (`limit`, in pixels)."""

    def __init__(self, limit: int = PIXEL_BUDGET):
        super().__init__(limit)
        self.limit = limit


class Undecodable(Exception):
    """The image's data is damaged."""


def check(path: Path, kind: str) -> None:
    """Prove the image decodes within the budget; raise TooManyPixels or Undecodable."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the budget below decides
        try:
            image = Image.open(path)
        except Image.DecompressionBombError:
            raise TooManyPixels() from None
        except Exception:
            raise Undecodable() from None
        with image:
            width, height = image.size
            if width * height > PIXEL_BUDGET:
                raise TooManyPixels()
            progressive = kind == "jpeg" and (image.info.get("progressive") or image.info.get("progression"))
            if progressive and width * height > PROGRESSIVE_BUDGET:
                raise TooManyPixels(PROGRESSIVE_BUDGET)
            if kind == "png":
                _png_stream(path)
                return
            try:
                if kind == "jpeg":
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
            except Exception:
                raise Undecodable() from None


def _png_stream(path: Path) -> None:
    with open(path, "rb") as f:
        if f.read(8) != b"\x89PNG\r\n\x1a\n":
            raise Undecodable()
        expected, total, inflater, ended = None, 0, zlib.decompressobj(), False
        while not ended:
            head = f.read(8)
            if len(head) != 8:
                raise Undecodable()
            length, ctype = struct.unpack(">I4s", head)
            crc, left = zlib.crc32(ctype), length
            if ctype == b"IHDR":
                data = f.read(length)
                if length != 13 or len(data) != 13:
                    raise Undecodable()
                crc, left = zlib.crc32(data, crc), 0
                expected = _raw_size(*struct.unpack(">IIBBBBB", data))
            while left:
                piece = f.read(min(left, _PIECE))
                if not piece:
                    raise Undecodable()
                left -= len(piece)
                crc = zlib.crc32(piece, crc)
                if ctype == b"IDAT":
                    if expected is None:
                        raise Undecodable()
                    total += _inflate(inflater, piece, expected - total)
            if f.read(4) != struct.pack(">I", crc & 0xFFFFFFFF):
                raise Undecodable()
            ended = ctype == b"IEND"
    if expected is None or not inflater.eof or total != expected:
        raise Undecodable()


def _inflate(inflater, data: bytes, room: int) -> int:
    # Inflate in bounded pieces: what a deflate bomb produces is counted, never held.
    produced = 0
    while data:
        try:
            out = inflater.decompress(data, _OUT)
        except zlib.error:
            raise Undecodable() from None
        produced += len(out)
        if produced > room:
            raise Undecodable()
        data = inflater.unconsumed_tail
    return produced


def _raw_size(width: int, height: int, depth: int, colour: int, _compression: int, _filter: int, interlace: int) -> int:
    if colour not in _CHANNELS or depth not in (1, 2, 4, 8, 16) or not width or not height:
        raise Undecodable()
    bits = depth * _CHANNELS[colour]
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    size = 0
    for x0, y0, dx, dy in passes:
        w, h = -(-(width - x0) // dx) if width > x0 else 0, -(-(height - y0) // dy) if height > y0 else 0
        if w and h:
            size += h * (1 + -(-(w * bits) // 8))
    return size
