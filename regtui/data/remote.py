"""Fetching the downloadable data sets into the cache, and finding them there."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from regtui.data.cache import cache_dir, local_path
from regtui.data.download import DownloadError, Progress, check_url, download, extract_zip
from regtui.data.files import CACHE_FIX, reason, shown, writable_folder
from regtui.data.sources import DATASETS
from regtui.system.errors import RegtuiError

CIFAR_CLASSES = {3: "cat", 4: "deer", 5: "dog"}  # CIFAR-10 label -> name
CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"  # torchvision's source


class NotFetchable(RegtuiError, ValueError):
    """The name is not a data set that `regtui data fetch` can download."""


def check_fetchable(name: str) -> None:
    """Raise NotFetchable, listing the downloadable data sets, unless `name` is one of them."""
    spec = DATASETS.get(name)
    if spec is None or not spec.needs_network:
        fetchable = [n for n, s in DATASETS.items() if s.needs_network]
        raise NotFetchable(f"{name!r} is not a downloadable data set; choose one of: "
                           f"{', '.join(fetchable)}")


def manual_hint(name: str, cache: str | Path | None = None) -> str:
    """How to get `name` by hand when this machine cannot download it."""
    spec = DATASETS[name]
    if spec.archive is None:  # torchvision verifies a pre-placed archive (MD5) and extracts it
        return (f"download {CIFAR_URL} elsewhere, save it in {cache_dir(cache) / 'cifar10'}/, "
                f"then run 'regtui data fetch {name}' again")
    dest = cache_dir(cache) / "downloads" / spec.archive.filename
    return (f"download {spec.archive.url} elsewhere, save it as {dest}, then run "
            f"'regtui data fetch {name}' again (it verifies and extracts it)")


def fetch(name: str, url: str | None = None, cache: str | Path | None = None,
          progress: Progress | None = None, waiting: Callable[[str], object] | None = None) -> Path:
    """Download and extract data set `name` into the cache (no-op if present); return its folder.

    Bad input (an unknown name, a URL that is not http(s), a cache folder that is a file or
    not writable) raises a RegtuiError with exit code 2 before anything is fetched; a failed
    transfer, a bad archive or a disk error while writing raises DownloadError (exit code 1).
    A second fetch of the same set into the same cache waits for the first (`waiting` is told
    why), then finds the set there.
    """
    check_fetchable(name)
    if url is not None:
        if name == "cifar3":
            raise NotFetchable("--url is not used for cifar3: torchvision downloads CIFAR-10 from "
                               "its own address; drop --url")
        url = check_url(url)
    root = writable_folder(cache_dir(cache), "the data cache folder")
    with one_fetch_at_a_time(root, name, waiting) as waited:
        if name == "cifar3":
            return _fetch_cifar(cache)
        existing = local_path(name, cache=cache)
        if existing is not None and (url is None or waited):  # waited: the other fetch got it
            return existing
        return _fetch_archive(name, url, root, progress)


@contextlib.contextmanager
def one_fetch_at_a_time(root: Path, name: str, waiting: Callable[[str], object] | None) -> Iterator[bool]:
    """Hold `<cache>/.<name>.lock` while fetching; yield whether another fetch had to end first.

    Two fetches of one set would share its .part and its extraction folder. The lock is the
    OS's (flock), so a killed fetch never leaves it held.
    """
    lock = FileLock(root / f".{name}.lock")
    waited = False
    try:
        try:
            lock.acquire(blocking=False)
        except Timeout:
            waited = True
            if waiting is not None:
                waiting(f"another 'regtui data fetch {name}' is in progress in {shown(root)}; "
                        "waiting for it to finish")
            lock.acquire()
    except OSError as exc:
        raise DownloadError(f"cannot lock {shown(root / f'.{name}.lock')}: {reason(exc)}; "
                            f"{CACHE_FIX}") from None
    try:
        yield waited
    finally:
        lock.release()


def _fetch_archive(name: str, url: str | None, root: Path, progress: Progress | None) -> Path:
    """Download (or resume) and extract a zip data set; the caller holds its lock."""
    spec = DATASETS[name]
    archive = root / "downloads" / spec.archive.filename
    try:
        if not archive.exists():
            download(url or spec.archive.url, archive, progress)
        try:
            extract_zip(archive, root / name, spec.archive.train_dir)
        except DownloadError:
            archive.unlink(missing_ok=True)  # never keep a bad archive that a later fetch would trust
            raise
        archive.unlink()  # the extracted folder is what is used; keep the disk tidy
    except OSError as exc:  # disk full, permissions changed under us, a file in the way...
        where = shown(exc.filename) if exc.filename else shown(root)
        raise DownloadError(f"cannot write {where}: {reason(exc)}; free some space or {CACHE_FIX}") \
            from None
    return root / name / spec.archive.train_dir


def _fetch_cifar(cache: str | Path | None) -> Path:
    from torchvision.datasets import CIFAR10

    root = cache_dir(cache) / "cifar10"
    try:
        CIFAR10(str(root), train=True, download=True)
    except Exception as exc:  # URLError, HTTPError, OSError, checksum RuntimeError...
        raise DownloadError(f"could not download CIFAR-10 ({exc}); no network here?") from None
    return root


def load_cifar3(cache: str | Path | None = None, data_dir: str = ""):
    """CIFAR-10's training cat/deer/dog images as uint8 (N, 3, 32, 32) and labels 0..2."""
    import torch
    from torchvision.datasets import CIFAR10

    root = Path(data_dir).expanduser() if data_dir else cache_dir(cache) / "cifar10"
    try:
        ds = CIFAR10(str(root), train=True, download=False)
    except RuntimeError:
        raise DownloadError(f"CIFAR-10 is not in {root}; run 'regtui data fetch cifar3' "
                            "(needs a network)") from None
    x = torch.as_tensor(ds.data).permute(0, 3, 1, 2)  # (50000, 3, 32, 32) uint8
    y = torch.as_tensor(ds.targets)
    keep = torch.isin(y, torch.tensor(list(CIFAR_CLASSES)))
    labels = torch.zeros_like(y[keep])
    for i, c in enumerate(CIFAR_CLASSES):
        labels[y[keep] == c] = i
    return x[keep].contiguous(), labels, tuple(CIFAR_CLASSES.values())
