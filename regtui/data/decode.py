"""Decoding one image file into a small RGB tensor: by value for every mode, in bounded memory.

Ordinary 8-bit images take exactly torchvision's ImageFolder path (`convert("RGB")`, alpha
dropped), so their pixels match the reference. Modes that `convert("RGB")` gets wrong are
mapped by value first: 16-bit grey ("I;16", "I") is scaled by 1/257, palettes with
transparency go through RGBA. A large image is never converted to RGB at full size: JPEGs
decode at reduced scale (`draft`), other images are shrunk in horizontal strips (`reduce`),
and an image above PIL's decompression-bomb limit is skipped with the reason.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import torch
from PIL import Image

STRIP_PIXELS = 1 << 20  # source pixels converted to RGB at once while shrinking (4 MB as RGBA)


def pixel_limit() -> int:
    """The most pixels one image may have (PIL's MAX_IMAGE_PIXELS, 89.5 million by default)."""
    return Image.MAX_IMAGE_PIXELS or 89_478_485


def to_rgb(img: Image.Image) -> Image.Image:
    """`img` as 8-bit RGB, by value: 16-bit grey is scaled to 0..255, never clipped to white."""
    if img.mode.startswith("I;16"):
        img = img.convert("I")  # exact: 0..65535
    if img.mode == "I":  # PIL's mode for 16-bit grey PNG/PGM/TIFF
        img = img.point(lambda v: v / 257).convert("L")  # 65535 -> 255, rounded
    elif img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")  # the palette's colours; alpha is dropped below, as ImageFolder does
    return img.convert("RGB")


def _shrink(img: Image.Image, factor: int) -> Image.Image:
    """`img` reduced by `factor` (box average) as RGB, converting only a strip at a time."""
    w, h = img.size
    rows = max(1, STRIP_PIXELS // (w * factor)) * factor  # a multiple of factor: boxes never split
    out = Image.new("RGB", (math.ceil(w / factor), math.ceil(h / factor)))
    for top in range(0, h, rows):
        strip = to_rgb(img.crop((0, top, w, min(h, top + rows))))
        out.paste(strip.reduce(factor), (0, top // factor))
    return out


def decode(path: Path, size: int) -> torch.Tensor | str:
    """One image as a (size, size, 3) uint8 tensor, or the reason it cannot be read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit below
            with Image.open(path) as img:
                if img.format == "JPEG":
                    # decode at 1/2, 1/4 or 1/8 scale while that still leaves 2x the target
                    img.draft("RGB", (2 * size, 2 * size))
                w, h = img.size
                if w * h > pixel_limit():
                    return _too_large(w, h)
                img.load()  # forces a full decode: truncated files fail here, not later
                factor = min(w, h) // (2 * size)  # keep at least 2x the target for the final resize
                rgb = _shrink(img, factor) if factor >= 2 else to_rgb(img)
        if rgb.size != (size, size):
            rgb = rgb.resize((size, size), Image.Resampling.BILINEAR)
        return torch.frombuffer(bytearray(rgb.tobytes()), dtype=torch.uint8).view(size, size, 3)
    except Image.DecompressionBombError:  # PIL refuses twice its limit already when opening
        return (f"too large: more than {2 * pixel_limit() / 1e6:.0f} megapixels (PIL's "
                "decompression-bomb limit); shrink it first")
    except Exception as exc:  # PIL raises many types (OSError, SyntaxError, ValueError...)
        return f"{type(exc).__name__}: {exc}"


def _too_large(w: int, h: int) -> str:
    return (f"too large: {w}x{h} is {w * h / 1e6:.0f} megapixels, above the limit of "
            f"{pixel_limit() / 1e6:.0f}; shrink it first")
