"""Downloads and archives against a local HTTP server: happy path, cut-off, corrupt, unsafe, 404."""

import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regtui.cli.main import app
from regtui.data.cache import local_path
from regtui.data.download import DownloadError, check_zip
from regtui.data.remote import fetch
from tests.unit.datahelpers import Server, make_image_folder, make_zip
from tests.unit.realrun import default_sigint


@pytest.fixture
def afhq_zip(tmp_path):
    folder = make_image_folder(tmp_path / "src" / "train")
    return make_zip(tmp_path / "afhq.zip", folder, "afhq/train").read_bytes()


@pytest.fixture
def server():
    with Server() as s:
        yield s


def test_fetch_downloads_verifies_and_extracts(server, afhq_zip, tmp_path):
    server.files["/afhq.zip"] = afhq_zip
    cache = tmp_path / "cache"
    path = fetch("afhq", url=f"{server.base}/afhq.zip", cache=cache)
    assert path == cache / "afhq" / "afhq" / "train"
    assert sorted(p.name for p in path.iterdir()) == ["cat", "dog", "wild"]
    assert local_path("afhq", cache=cache) == path
    assert not list((cache / "downloads").iterdir())  # no .part, archive removed once extracted
    assert fetch("afhq", cache=cache) == path and len(server.requests) == 1  # already there


def test_cut_off_transfer_is_never_finished_and_resumes(server, afhq_zip, tmp_path):
    server.files["/afhq.zip"] = afhq_zip
    server.cut_once.add("/afhq.zip")
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match="run the same command again to resume"):
        fetch("afhq", url=f"{server.base}/afhq.zip", cache=cache)
    downloads = cache / "downloads"
    assert not (downloads / "afhq.zip").exists()  # a partial file never takes the real name
    assert 0 < (downloads / "afhq.zip.part").stat().st_size < len(afhq_zip)
    assert local_path("afhq", cache=cache) is None
    path = fetch("afhq", url=f"{server.base}/afhq.zip", cache=cache)
    assert path.is_dir()
    assert server.requests[-1][1] == f"bytes={len(afhq_zip) // 2}-"  # resumed, not restarted


def test_corrupt_archive_is_detected_before_use(server, afhq_zip, tmp_path):
    broken = bytearray(afhq_zip)
    broken[len(broken) // 3: len(broken) // 3 + 64] = b"\x00" * 64  # damage file data
    server.files["/afhq.zip"] = bytes(broken)
    cache = tmp_path / "cache"
    with pytest.raises(DownloadError, match=r"corrupt|not a zip"):
        fetch("afhq", url=f"{server.base}/afhq.zip", cache=cache)
    assert not (cache / "afhq").exists()
    assert not (cache / "downloads" / "afhq.zip").exists()  # the bad file is not kept


def test_an_error_page_saved_as_zip_is_refused(server, tmp_path):
    server.files["/afhq.zip"] = b"<html>Too many requests</html>"
    with pytest.raises(DownloadError, match="not a zip archive"):
        fetch("afhq", url=f"{server.base}/afhq.zip", cache=tmp_path / "cache")


def test_wrong_archive_is_refused(server, tmp_path):
    folder = make_image_folder(tmp_path / "src")
    server.files["/other.zip"] = make_zip(tmp_path / "o.zip", folder, "something/else").read_bytes()
    with pytest.raises(DownloadError, match="expected folder 'afhq/train'"):
        fetch("afhq", url=f"{server.base}/other.zip", cache=tmp_path / "cache")
    assert not (tmp_path / "cache" / "afhq").exists()


def test_entry_escaping_the_folder_is_refused(server, tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("afhq/train/cat/ok.png", b"x")
        zf.writestr("../../escaped.txt", b"gotcha")
    server.files["/evil.zip"] = evil.read_bytes()
    cache = tmp_path / "deep" / "cache"
    with pytest.raises(DownloadError, match="outside the target folder"):
        fetch("afhq", url=f"{server.base}/evil.zip", cache=cache)
    assert not list(tmp_path.rglob("escaped.txt"))


def test_symbolic_links_in_archives_are_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("afhq/train/cat/link.png")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DownloadError, match="symbolic link"):
        check_zip(path)


def test_404_says_what_to_do(server, tmp_path):
    with pytest.raises(DownloadError, match=r"HTTP 404.*--url"):
        fetch("afhq", url=f"{server.base}/nothing.zip", cache=tmp_path / "cache")


def test_unreachable_host_says_so(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError, match="cannot reach"):
        fetch("afhq", url=f"http://127.0.0.1:{port}/afhq.zip", cache=tmp_path / "cache")


def test_cli_fetch_then_list_then_run(server, afhq_zip, tmp_path, monkeypatch):
    server.files["/afhq.zip"] = afhq_zip
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    result = runner.invoke(app, ["data", "fetch", "afhq", "--url", f"{server.base}/afhq.zip"])
    assert result.exit_code == 0, result.output
    assert "ready" in result.output
    listing = runner.invoke(app, ["data", "list"]).output
    assert "here" in listing.split("afhq ")[1].splitlines()[0]
    run = runner.invoke(app, ["run", "quick", "--dataset", "afhq", "--n-train", "12", "--n-val", "6",
                              "--epochs", "3", "--device", "cpu", "--out", str(tmp_path / "runs")])
    assert run.exit_code == 0, run.output
    assert "image folder" in run.output


def test_cli_fetch_failure_exits_1_with_manual_instructions(server, tmp_path):
    result = CliRunner().invoke(app, ["data", "fetch", "afhq", "--url", f"{server.base}/missing",
                                      "--cache-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "HTTP 404" in result.output and "save it as" in result.output
    assert "Traceback" not in result.output
    bad = CliRunner().invoke(app, ["data", "fetch", "digits"])
    assert bad.exit_code == 2 and "not a downloadable data set" in bad.output


def test_label_noise_archives_validate_on_the_clean_set(server, tmp_path, monkeypatch):
    import torch

    from regtui.data.classification import load_classification_data
    from regtui.engine.config import from_mapping

    clean = make_image_folder(tmp_path / "clean", per_class=10)
    noisy = make_image_folder(tmp_path / "noisy", per_class=10, classes=("dog", "wild", "cat"))
    server.files["/a.zip"] = make_zip(tmp_path / "a.zip", clean, "afhq/train").read_bytes()
    server.files["/r.zip"] = make_zip(tmp_path / "r.zip", noisy,
                                      "afhq_random_32x32/afhq_random/train").read_bytes()
    cache = tmp_path / "cache"
    fetch("afhq", url=f"{server.base}/a.zip", cache=cache)
    fetch("afhq_random", url=f"{server.base}/r.zip", cache=cache)
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(cache))
    cfg = from_mapping({"dataset": "afhq_random", "n_train": 12, "n_val": 9, "device": "cpu"}, "t")
    data = load_classification_data(cfg, torch.device("cpu"))
    clean_cfg = cfg.replace(dataset="afhq")
    reference = load_classification_data(clean_cfg, torch.device("cpu"))
    assert torch.equal(data.y_val, reference.y_val) and torch.equal(data.x_val, reference.x_val)
    assert "validated on clean afhq" in data.source


def test_cifar_without_network_or_data_is_explained(tmp_path, monkeypatch):
    import urllib.error

    import torchvision.datasets

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(torchvision.datasets, "CIFAR10", offline)
    result = CliRunner().invoke(app, ["data", "fetch", "cifar3", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "could not download CIFAR-10" in result.output and "cifar-10-python.tar.gz" in result.output
    monkeypatch.undo()
    run = CliRunner().invoke(app, ["run", "cifar-memorization", "--cache-dir", str(tmp_path),
                                   "--out", str(tmp_path / "runs")])
    assert run.exit_code == 2 and "regtui data fetch cifar3" in run.output


@pytest.mark.parametrize("url", ["notaurl", "ftp://x/afhq.zip", "http://[::1", "file:///etc/passwd",
                                 "http://", "https://host:99999/a.zip", "javascript:alert(1)",
                                 "http://exa mple.com/x", "http://example.com/a\tb", "http://x/\x00",
                                 "http://user:pa ss@example.com/x", "http://a..b/x",
                                 "http://" + "a" * 300 + "/x", " https://example.com/x"])
def test_cli_fetch_refuses_a_malformed_url_with_exit_2(tmp_path, url):
    result = CliRunner().invoke(app, ["data", "fetch", "afhq", "--url", url,
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 2, result.output
    assert "--url" in result.output and "https://" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "cache").exists()  # refused before anything was written


def test_cli_fetch_refuses_url_for_cifar(tmp_path):
    result = CliRunner().invoke(app, ["data", "fetch", "cifar3", "--url", "https://x/y",
                                      "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2 and "--url is not used for cifar3" in result.output


def test_cli_fetch_into_a_cache_that_is_a_file_or_read_only_says_so(server, afhq_zip, tmp_path,
                                                                    monkeypatch):
    server.files["/afhq.zip"] = afhq_zip
    url = ["--url", f"{server.base}/afhq.zip"]
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    runner = CliRunner()
    as_option = runner.invoke(app, ["data", "fetch", "afhq", *url, "--cache-dir", str(blocker)])
    assert as_option.exit_code == 2, as_option.output
    assert f"{blocker} is a file, not a folder" in as_option.output and "--cache-dir" in as_option.output
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(blocker / "sub"))
    as_env = runner.invoke(app, ["data", "fetch", "afhq", *url])
    assert as_env.exit_code == 2 and "part of that path is a file" in as_env.output
    assert "Traceback" not in as_option.output + as_env.output and blocker.read_text() == "keep me"

    def read_only(*args, **kwargs):  # what a read-only folder does (root ignores chmod)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("regtui.data.files.tempfile.mkstemp", read_only)
    monkeypatch.setenv("REGTUI_CACHE_DIR", str(tmp_path / "ro"))
    denied = runner.invoke(app, ["data", "fetch", "afhq", *url])
    assert denied.exit_code == 2, denied.output
    assert f"cannot write to the data cache folder {tmp_path / 'ro'}: Permission denied" in denied.output
    assert len(server.requests) == 0  # nothing was downloaded


def test_a_disk_error_during_the_transfer_names_the_file_and_exits_1(server, afhq_zip, tmp_path,
                                                                     monkeypatch):
    import builtins

    server.files["/afhq.zip"] = afhq_zip
    real_open = builtins.open

    def full_disk(path, mode="r", *args, **kwargs):
        if str(path).endswith(".part"):
            raise OSError(28, "No space left on device")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", full_disk)
    result = CliRunner().invoke(app, ["data", "fetch", "afhq", "--url", f"{server.base}/afhq.zip",
                                      "--cache-dir", str(tmp_path / "cache")])
    assert result.exit_code == 1, result.output
    assert "afhq.zip.part: No space left on device" in result.output and "Traceback" not in result.output


def test_a_non_ascii_address_is_encoded_as_a_browser_would(server, afhq_zip, tmp_path):
    server.files["/f%C3%BCr%20dich.zip"] = afhq_zip
    path = fetch("afhq", url=f"{server.base}/für%20dich.zip", cache=tmp_path / "cache")
    assert path.is_dir() and server.requests == [("/f%C3%BCr%20dich.zip", None)]


def fetch_process(url: str, cache: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "regtui", "data", "fetch", "afhq", "--url", url,
                             "--cache-dir", str(cache)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)


def wait_for_bytes(part: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not (part.exists() and part.stat().st_size > 0):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_during_fetch_keeps_the_part_exits_130_and_the_next_fetch_resumes(
        server, afhq_zip, tmp_path, name):
    server.files["/afhq.zip"] = afhq_zip
    server.hold.add("/afhq.zip")  # half arrives, then the transfer waits
    cache = tmp_path / "cache"
    part = cache / "downloads" / "afhq.zip.part"
    proc = fetch_process(f"{server.base}/afhq.zip", cache)
    try:
        wait_for_bytes(part, proc)
        proc.send_signal(getattr(signal, name))
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    label = "Ctrl-C (SIGINT)" if name == "SIGINT" else name
    assert f"Interrupted by {label}" in err and "run the same command again" in err
    assert "Traceback" not in err
    assert part.stat().st_size == len(afhq_zip) // 2  # what arrived is kept for the resume
    server.hold.clear()
    assert fetch("afhq", url=f"{server.base}/afhq.zip", cache=cache).is_dir()
    assert server.requests[-1][1] == f"bytes={len(afhq_zip) // 2}-"


def test_two_fetches_of_one_set_at_once_share_nothing_and_both_end_well(server, afhq_zip, tmp_path):
    server.files["/afhq.zip"] = afhq_zip
    server.hold.add("/afhq.zip")
    cache = tmp_path / "cache"
    first = fetch_process(f"{server.base}/afhq.zip", cache)
    second = None
    try:
        wait_for_bytes(cache / "downloads" / "afhq.zip.part", first)
        second = fetch_process(f"{server.base}/afhq.zip", cache)
        waiting = second.stderr.readline()  # it says so, then waits for the first
        assert "another 'regtui data fetch afhq' is in progress" in waiting
        assert second.poll() is None and len(server.requests) == 1
        server.release.set()
        assert first.wait(timeout=120) == 0, first.communicate()
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        assert "ready in" in out
    finally:
        first.kill()
        if second is not None:
            second.kill()
    assert len(server.requests) == 1  # the second found the set there and fetched nothing
    assert sorted(p.name for p in (cache / "afhq" / "afhq" / "train").iterdir()) == ["cat", "dog", "wild"]
    assert not list((cache / "downloads").iterdir())
