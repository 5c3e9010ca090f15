"""Builders for test data: tiny image folders, zip archives and a local HTTP server."""

from __future__ import annotations

import http.server
import threading
import zipfile
from pathlib import Path

from PIL import Image

CLASSES = ("cat", "dog", "wild")


def make_image_folder(root: Path, per_class: int = 8, size: int = 32,
                      classes: tuple[str, ...] = CLASSES) -> Path:
    """Class sub-folders of small PNGs whose colour depends on the class (learnable)."""
    for c, name in enumerate(classes):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            colour = (80 * c + 3 * i) % 256, (40 + 60 * c) % 256, (200 - 50 * c + i) % 256
            Image.new("RGB", (size, size), colour).save(root / name / f"{i:03d}.png")
    return root


def make_zip(path: Path, folder: Path, arcroot: str) -> Path:
    """Zip `folder` so that its content sits under `arcroot/` in the archive."""
    with zipfile.ZipFile(path, "w") as zf:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                zf.write(file, f"{arcroot}/{file.relative_to(folder)}")
    return path


class Server:
    """A threaded HTTP server on 127.0.0.1 serving byte strings by path, with Range support.

    `cut_once` paths send their headers for the whole file but only half of the bytes the
    first time, then close the connection, like a transfer that breaks off. `hold` paths send
    half of their bytes, then wait for `release` before sending the rest: a slow transfer.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.cut_once: set[str] = set()
        self.hold: set[str] = set()
        self.release = threading.Event()
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                rng = self.headers.get("Range")
                server.requests.append((self.path, rng))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404, "Not Found")
                    return
                start = int(rng.split("=")[1].split("-")[0]) if rng else 0
                body = data[start:]
                self.send_response(206 if rng else 200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                if self.path in server.cut_once:
                    server.cut_once.discard(self.path)
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if self.path in server.hold:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    server.release.wait(120)
                    body = body[len(body) // 2:]
                try:
                    self.wfile.write(body)
                except OSError:  # the client went away (a test killed it)
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def make_big_blank_png(path: Path, width: int, height: int) -> Path:
    """A valid 1-bit grey PNG of `width` x `height` black pixels, written without holding it.

    A 20000x20000 image compresses to a few kilobytes: what an attacker (or a mistake) ships.
    """
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte 0, then the packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
                     + chunk(b"IEND", b""))
    return path
