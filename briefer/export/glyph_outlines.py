"""Glyph outlines read from a TrueType file, to draw a word as shapes rather than text.

The PDF's DRAFT watermark is drawn this way: it stays out of the text layer (copied text,
search and screen readers never meet "DR/AF/T"). Only what a watermark needs is read:
the `head`, `maxp`, `loca`, `cmap` (format 4) and `glyf` tables, simple and composite
glyphs (offsets only), quadratic contours turned into the cubic curves PDF draws.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from functools import cache
from pathlib import Path

Point = tuple[float, float]
# A contour as path commands: ("M", p), ("L", p), ("C", p1, p2, p3), ("Z",)
Command = tuple


class _Font:
    def __init__(self, data: bytes) -> None:
        self.data = data
        count = struct.unpack_from(">H", data, 4)[0]
        self.tables: dict[bytes, int] = {}
        for index in range(count):
            tag, _, offset, _ = struct.unpack_from(">4sLLL", data, 12 + 16 * index)
            self.tables[tag] = offset
        head = self.tables[b"head"]
        self.units_per_em = struct.unpack_from(">H", data, head + 18)[0]
        long_offsets = struct.unpack_from(">h", data, head + 50)[0] == 1
        glyphs = struct.unpack_from(">H", data, self.tables[b"maxp"] + 4)[0]
        loca = self.tables[b"loca"]
        if long_offsets:
            self.offsets = list(struct.unpack_from(f">{glyphs + 1}L", data, loca))
        else:
            self.offsets = [2 * v for v in struct.unpack_from(f">{glyphs + 1}H", data, loca)]
        self.cmap = self._cmap()

    def _cmap(self) -> dict[int, int]:
        data, base = self.data, self.tables[b"cmap"]
        count = struct.unpack_from(">H", data, base + 2)[0]
        for index in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", data, base + 4 + 8 * index)
            table = base + offset
            if (platform, encoding) in ((3, 1), (0, 3)) and struct.unpack_from(">H", data, table)[0] == 4:
                return self._format4(table)
        raise ValueError("the font has no Unicode (format 4) character map")

    def _format4(self, table: int) -> dict[int, int]:
        data = self.data
        segments = struct.unpack_from(">H", data, table + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", data, table + 14)
        starts = struct.unpack_from(f">{segments}H", data, table + 16 + 2 * segments)
        deltas = struct.unpack_from(f">{segments}h", data, table + 16 + 4 * segments)
        range_base = table + 16 + 6 * segments
        ranges = struct.unpack_from(f">{segments}H", data, range_base)
        mapping: dict[int, int] = {}
        for index, (start, end, delta, range_offset) in enumerate(
            zip(starts, ends, deltas, ranges, strict=True)
        ):
            if start > 0xFFFF or start == 0xFFFF:
                continue
            for code in range(start, end + 1):
                if range_offset == 0:
                    glyph = (code + delta) & 0xFFFF
                else:
                    at = range_base + 2 * index + range_offset + 2 * (code - start)
                    glyph = struct.unpack_from(">H", data, at)[0]
                    glyph = (glyph + delta) & 0xFFFF if glyph else 0
                mapping[code] = glyph
        return mapping

    def contours(self, glyph: int, depth: int = 0) -> list[list[tuple[Point, bool]]]:
        """The glyph's contours, each a list of (point, on the curve), in font units."""
        start, end = self.offsets[glyph], self.offsets[glyph + 1]
        if end <= start or depth > 8:
            return []
        data, at = self.data, self.tables[b"glyf"] + start
        contours = struct.unpack_from(">h", data, at)[0]
        if contours < 0:
            return self._composite(at + 10, depth)
        ends = struct.unpack_from(f">{contours}H", data, at + 10)
        at += 10 + 2 * contours
        at += 2 + struct.unpack_from(">H", data, at)[0]  # the instructions
        points = ends[-1] + 1 if ends else 0
        flags: list[int] = []
        while len(flags) < points:
            flag = data[at]
            at += 1
            flags.append(flag)
            if flag & 8:
                flags.extend([flag] * data[at])
                at += 1
        del flags[points:]

        def coordinates(short: int, same: int) -> list[int]:
            nonlocal at
            values, value = [], 0
            for flag in flags:
                if flag & short:
                    step = data[at]
                    at += 1
                    value += step if flag & same else -step
                elif not flag & same:
                    value += struct.unpack_from(">h", data, at)[0]
                    at += 2
                values.append(value)
            return values

        xs = coordinates(2, 16)
        ys = coordinates(4, 32)
        result, first = [], 0
        for last in ends:
            result.append([((xs[i], ys[i]), bool(flags[i] & 1)) for i in range(first, last + 1)])
            first = last + 1
        return result

    def _composite(self, at: int, depth: int) -> list[list[tuple[Point, bool]]]:
        data = self.data
        result: list[list[tuple[Point, bool]]] = []
        while True:
            flags, glyph = struct.unpack_from(">HH", data, at)
            at += 4
            if flags & 1:  # ARG_1_AND_2_ARE_WORDS
                dx, dy = struct.unpack_from(">hh", data, at)
                at += 4
            else:
                dx, dy = struct.unpack_from(">bb", data, at)
                at += 2
            if not flags & 2:  # point matching, not offsets: not needed for a watermark
                dx = dy = 0
            at += 2 if flags & 8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0  # scales ignored
            for contour in self.contours(glyph, depth + 1):
                result.append([((x + dx, y + dy), on) for (x, y), on in contour])
            if not flags & 0x20:  # MORE_COMPONENTS
                return result


@cache
def _font(path: Path) -> _Font:
    return _Font(path.read_bytes())


def _path(contour: list[tuple[Point, bool]]) -> Iterator[Command]:
    """A TrueType contour (on- and off-curve points) as move, line and cubic curve commands."""
    if not contour:
        return
    points = list(contour)
    # start on an on-curve point (or the midpoint of two off-curve ones)
    start = next((i for i, (_, on) in enumerate(points) if on), None)
    if start is None:
        (x0, y0), (x1, y1) = points[0][0], points[1][0]
        points.insert(0, (((x0 + x1) / 2, (y0 + y1) / 2), True))
        start = 0
    points = points[start:] + points[:start]
    current = points[0][0]
    yield ("M", current)
    control: Point | None = None
    for point, on in [*points[1:], points[0]]:
        if on:
            if control is None:
                yield ("L", point)
            else:
                yield _cubic(current, control, point)
                control = None
            current = point
        else:
            if control is not None:
                middle = ((control[0] + point[0]) / 2, (control[1] + point[1]) / 2)
                yield _cubic(current, control, middle)
                current = middle
            control = point
    yield ("Z",)


def _cubic(start: Point, control: Point, end: Point) -> Command:
    c1 = (start[0] + 2 / 3 * (control[0] - start[0]), start[1] + 2 / 3 * (control[1] - start[1]))
    c2 = (end[0] + 2 / 3 * (control[0] - end[0]), end[1] + 2 / 3 * (control[1] - end[1]))
    return ("C", c1, c2, end)


def word_outline(font_path: Path, text: str, advances: list[float]) -> list[Command]:
    """The path commands drawing `text` at 1 unit per em from the origin, each character
    moved on by its advance (in ems, as the caller measured it)."""
    font = _font(font_path)
    scale = 1 / font.units_per_em
    commands: list[Command] = []
    x = 0.0
    for char, advance in zip(text, advances, strict=True):
        glyph = font.cmap.get(ord(char), 0)
        for contour in font.contours(glyph):
            for command in _path(contour):
                commands.append((command[0], *[(x + px * scale, py * scale) for px, py in command[1:]]))
        x += advance
    return commands
