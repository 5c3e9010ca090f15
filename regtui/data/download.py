"""Downloads that never pass off a partial file as finished, and archive extraction that is safe.

A transfer writes to NAME.part and is renamed only once every byte has arrived; a later
attempt resumes from the .part with an HTTP Range request when the server allows it.
Archives are checked (zip CRCs, expected layout) before use, and extraction refuses entries
that would land outside the target folder and symbolic links.
"""

from __future__ import annotations

import http.client
import shutil
import stat
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from regtui.data.files import reason, shown
from regtui.system.errors import EXIT_FAILED, EXIT_USAGE, RegtuiError

CHUNK = 1 << 16
Progress = Callable[[int, "int | None"], None]  # (bytes so far, total bytes or None)


class DownloadError(RegtuiError, RuntimeError):
    """A download or an archive failed; the message says what happened and what to do."""

    exit_code = EXIT_FAILED


class BadURL(RegtuiError, ValueError):
    """A --url that is not a full http:// or https:// address."""

    exit_code = EXIT_USAGE


def check_url(url: str) -> str:
    """`url` ready for urllib, or BadURL: an http(s) address with a valid host (and port).

    Whitespace and control characters anywhere are refused (urllib would raise deep inside
    http.client); a non-ASCII host is IDNA-encoded and other non-ASCII characters
    percent-encoded, as a browser does.
    """
    example = "give a full URL such as https://example.org/afhq.zip"
    bad = next((c for c in url if c.isspace() or ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise BadURL(f"--url {shown(url)!r} contains a space or control character ({bad!r}); write "
                     f"it as %{ord(bad):02X} or {example}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what raises for "host:99999" or "host:x"
    except ValueError as exc:
        raise BadURL(f"--url {shown(url)!r} is not a valid address ({exc}); {example}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise BadURL(f"--url {shown(url)!r} is not an http:// or https:// address with a host; "
                     f"{example} (for an archive you already have, see 'To get it by hand' below)")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise BadURL(f"--url {shown(url)!r}: {shown(parts.hostname)!r} is not a valid host name; "
                     f"{example}") from None
    user, at, _ = parts.netloc.rpartition("@")
    netloc = (urllib.parse.quote(user, safe=":%") + at + (f"[{host}]" if ":" in host else host)
              + (f":{parts.port}" if parts.port is not None else ""))
    safe = "/%:@!$&'()*+,;=-._~?"
    return urllib.parse.urlunsplit((parts.scheme, netloc,
                                    *(urllib.parse.quote(p, safe=safe) for p in parts[2:])))


def download(url: str, dest: Path, progress: Progress | None = None, timeout: float = 30.0) -> Path:
    """Fetch `url` into `dest` (resuming a previous .part if the server allows); return `dest`."""
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": "regtui"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # range not satisfiable: the .part is stale; start over
            part.unlink()
            return download(url, dest, progress, timeout)
        hint = "the file is not at that address; try a mirror with --url" if exc.code == 404 \
            else "the server refused or failed; try again later or use a mirror with --url"
        raise DownloadError(f"HTTP {exc.code} {exc.reason} for {url}: {hint}") from None
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException, ValueError) as exc:
        why = getattr(exc, "reason", exc)  # ValueError: a redirect to an address urllib refuses
        raise DownloadError(f"cannot reach {url} ({why}); no network here? Use --url with a "
                            "mirror, or download the file yourself (see the message below)") from None
    with response, _open_part(part, "ab" if have and response.status == 206 else "wb") as fh:
        # the folder is made only now, so an address that fails leaves nothing behind
        have = have if fh.mode == "ab" else 0
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None and length.isdigit() else None
        done = have
        while True:
            try:
                chunk = response.read1(CHUNK)  # what has arrived: a slow server still shows progress
            except (OSError, urllib.error.URLError, http.client.HTTPException) as exc:
                raise DownloadError(f"the transfer from {url} broke off after {done:,} bytes ({exc}); "
                                    "run the same command again to resume") from None
            if not chunk:
                break
            try:
                fh.write(chunk)
                fh.flush()  # on disk as it arrives: a signal or a kill keeps it for the resume
            except OSError as exc:  # disk full, quota: the .part is kept for a resume
                raise DownloadError(f"cannot write {shown(part)}: {reason(exc)}; free some space "
                                    "and run the same command again to resume") from None
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done < total:
        raise DownloadError(f"the transfer from {url} was cut off at {done:,} of {total:,} bytes; "
                            "run the same command again to resume")
    part.replace(dest)
    return dest


def _open_part(part: Path, mode: str):
    """Make its folder and open the .part file; an OSError becomes a DownloadError naming it."""
    try:
        part.parent.mkdir(parents=True, exist_ok=True)
        return open(part, mode)
    except OSError as exc:
        raise DownloadError(f"cannot write {shown(part)}: {reason(exc)}; set --cache-dir or "
                            "REGTUI_CACHE_DIR to a writable folder") from None


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def check_zip(path: Path) -> list[zipfile.ZipInfo]:
    """Verify a zip archive (format, every CRC, no unsafe entries); return its entries."""
    if not zipfile.is_zipfile(path):
        raise DownloadError(f"{path} is not a zip archive (a broken download, or an error page "
                            "saved as a file); delete it and fetch again")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            entries = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise DownloadError(f"{path} is corrupt ({exc}); delete it and fetch again") from None
    if bad is not None:
        raise DownloadError(f"{path} is corrupt: entry {bad!r} fails its checksum; delete it and "
                            "fetch again")
    for info in entries:
        pure = PurePosixPath(info.filename.replace("\\", "/"))
        if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
            raise DownloadError(f"{path} has an entry that would land outside the target folder: "
                                f"{info.filename!r}; refusing to extract it")
        if _is_link(info):
            raise DownloadError(f"{path} contains a symbolic link ({info.filename!r}); refusing to "
                                "extract it")
    return entries


def extract_zip(path: Path, target: Path, expect: str) -> Path:
    """Check `path`, extract it into `target` atomically, and check that `expect` exists in it.

    Extraction goes to a temporary sibling folder renamed at the end, so an interrupted or
    failed extraction never leaves a half-filled `target`.
    """
    check_zip(path)
    tmp = target.with_name(f".{target.name}.extracting")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(tmp)
        if not (tmp / expect).is_dir():
            raise DownloadError(f"{path} does not hold the expected folder {expect!r}: is it the "
                                "right archive?")
        shutil.rmtree(target, ignore_errors=True)
        tmp.replace(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target
