"""Decoding single images by value (16-bit, palette, alpha, CMYK) and in bounded memory."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from regtui.data.decode import decode
from tests.unit.datahelpers import make_big_blank_png


def _pixels(path, size=2) -> list:
    out = decode(path, size)
    assert isinstance(out, torch.Tensor), out
    return out.reshape(-1, 3).tolist()


def test_16bit_grey_png_is_scaled_by_value_not_clipped_to_white(tmp_path):
    values = np.array([[0, 257 * 10], [257 * 128, 65535]], dtype=np.uint16)
    path = tmp_path / "deep.png"
    Image.fromarray(values).save(path)
    assert Image.open(path).mode.startswith("I")
    assert _pixels(path) == [[0] * 3, [10] * 3, [128] * 3, [255] * 3]  # today: all but one white


def test_16bit_pgm_is_scaled_too(tmp_path):
    path = tmp_path / "deep.pgm"
    path.write_bytes(b"P5\n2 2\n65535\n" + (257 * 77).to_bytes(2, "big") * 4)
    assert _pixels(path) == [[77] * 3] * 4


@pytest.mark.parametrize("transparent", [False, True])
def test_palette_png_gives_its_colours(tmp_path, transparent):
    img = Image.new("P", (2, 2))
    img.putpalette([10, 20, 30, 200, 100, 50] + [0] * 762)
    img.putpixel((1, 0), 1)
    img.putpixel((0, 1), 1)
    path = tmp_path / "pal.png"
    img.save(path, transparency=1) if transparent else img.save(path)
    a, b = [10, 20, 30], [200, 100, 50]  # a transparent pixel keeps its colour, as in ImageFolder
    assert _pixels(path) == [a, b, b, a]


@pytest.mark.parametrize("mode,colour,expected", [
    ("L", 77, [77, 77, 77]),
    ("LA", (77, 0), [77, 77, 77]),  # alpha dropped, as torchvision's ImageFolder does
    ("RGBA", (1, 2, 3, 0), [1, 2, 3]),
    ("1", 1, [255, 255, 255]),
    ("RGB", (9, 99, 199), [9, 99, 199]),
])
def test_every_png_mode_converts_by_value(tmp_path, mode, colour, expected):
    path = tmp_path / f"{mode}.png"
    Image.new(mode, (2, 2), colour).save(path)
    assert _pixels(path) == [expected] * 4


def test_cmyk_converts(tmp_path):
    path = tmp_path / "cmyk.tiff"
    Image.new("CMYK", (2, 2), (0, 255, 0, 0)).save(path)
    assert _pixels(path) == [[255, 0, 255]] * 4


def test_a_large_jpeg_decodes_to_its_colour(tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (4000, 3000), (200, 40, 90)).save(path, quality=95)
    for r, g, b in _pixels(path, 32):
        assert abs(r - 200) <= 3 and abs(g - 40) <= 3 and abs(b - 90) <= 3


def test_an_absurd_image_is_skipped_with_the_reason(tmp_path):
    path = make_big_blank_png(tmp_path / "bomb.png", 20000, 20000)  # 400 megapixels, ~40 kB
    assert path.stat().st_size < 200_000
    out = decode(path, 32)
    assert isinstance(out, str) and "too large" in out and "megapixels" in out


PEAK = """
import re, sys
from PIL import Image
from regtui.data.decode import decode

def peak_mib():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024

Image.init()  # image plugins loaded before the baseline
with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")  # reset the peak resident size to the current one (Linux >= 4.0)
before = peak_mib()
out = decode(sys.argv[1], 32)
assert not isinstance(out, str), out
assert out.shape == (32, 32, 3) and int(out[0, 0, 0]) == 200 and int(out[-1, -1, 0]) == 10, out
print(peak_mib() - before)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak from /proc")
def test_a_large_image_is_never_converted_to_rgb_at_full_size(tmp_path):
    img = Image.new("P", (6000, 6000), 1)  # 36 MB as palette indices; 144 MB as RGB(A)
    img.putpalette([10, 10, 10, 200, 0, 0] + [0] * 762)
    img.paste(0, (3000, 3000, 6000, 6000))
    path = tmp_path / "wide.png"
    img.save(path)
    del img
    peak = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True,
                          check=True).stdout
    # the palette indices alone are 36 MiB; one full RGB copy would add 144 (today: 172 in all)
    assert int(peak) < 80, f"decoding took {peak} MiB above the baseline"
