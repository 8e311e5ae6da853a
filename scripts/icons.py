#!/usr/bin/env python3
"""Draws the app's PNG icons (public/icons/icon-SIZE.png) from the shape of public/favicon.svg:
a green rounded square with a white house. PNG for the phones that do not take an SVG icon;
no imaging library needed. Run again after changing the favicon's shape."""
import struct
import zlib
from pathlib import Path

GREEN = (0x0B, 0x6E, 0x4F)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's house, in its 64-unit box.
HOUSE = [(32, 12), (10, 30), (16, 30), (16, 50), (28, 50), (28, 38), (36, 38), (36, 50),
         (48, 50), (48, 30), (54, 30)]


def inside(poly, x, y):
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


def in_rounded_square(x, y, radius=14):
    cx = min(max(x, radius), 64 - radius)
    cy = min(max(y, radius), 64 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def pixel(size, px, py, maskable):
    # Four samples a pixel, for smooth edges.
    colour = [0.0, 0.0, 0.0, 0.0]
    for dx, dy in ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)):
        x = (px + dx) * 64 / size
        y = (py + dy) * 64 / size
        if maskable:
            # A maskable icon fills its square; the house stays in the middle 80 %.
            hx, hy = 32 + (x - 32) / 0.8, 32 + (y - 32) / 0.8
            rgb, alpha = (WHITE if inside(HOUSE, hx, hy) else GREEN), 1.0
        elif in_rounded_square(x, y):
            rgb, alpha = (WHITE if inside(HOUSE, x, y) else GREEN), 1.0
        else:
            rgb, alpha = (0, 0, 0), 0.0
        for i in range(3):
            colour[i] += rgb[i] * alpha / 4
        colour[3] += alpha / 4
    a = colour[3]
    return bytes([round(c / a) if a else 0 for c in colour[:3]] + [round(a * 255)])


def png(size, maskable=False):
    rows = b"".join(b"\0" + b"".join(pixel(size, x, y, maskable) for x in range(size))
                    for y in range(size))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "public" / "icons"
    out.mkdir(exist_ok=True)
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
    (out / "maskable-512.png").write_bytes(png(512, maskable=True))
