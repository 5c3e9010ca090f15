"""Benchmark: the 200-epoch BigAnimalNet memorization run, three ways, in one process.

1. reference: the tutorial's loop: PNG files read by torchvision's ImageFolder, DataLoader
   with 2 workers (train batch 128, val batch 1000), per-epoch test() on train and val and
   calculate_frobenius_norm(), exactly as in the reference text.
2. regtui: regtui's Trainer on the same images (decoded once, tensors on the device),
   timed from config to result, data loading included.
3. bare: the compute floor: the same model, optimizer, train step, evaluation and norms on
   in-memory tensors, with no reporting at all.

Prints times and the ratios reference/regtui and regtui/bare. Machines are shared and noisy,
so only the ratios within one invocation mean much. Usage:

    python benchmarks/bench_memorization.py [--epochs 200] [--repeats 3] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root, for tests/
from regtui.data.digits import load_digits3
from regtui.engine import Trainer
from regtui.engine.config import from_mapping
from regtui.models.nets import BigAnimalNet
from regtui.models.norms import squared_norms
from regtui.system.seeding import set_seed
from tests import reference_code as ref

SEED = 2021


def write_image_folder(root: Path) -> Path:
    """Save the embedded digits as 32x32 RGB PNGs in ImageFolder layout (one folder per class)."""
    from PIL import Image

    images = load_digits3()
    for c in images.classes:
        (root / c).mkdir(parents=True, exist_ok=True)
    pixels = ((images.x + 1) * 127.5).round().clamp(0, 255).to(torch.uint8)  # back to 0..255
    for i, (img, label) in enumerate(zip(pixels, images.y.tolist(), strict=True)):
        Image.fromarray(img.permute(1, 2, 0).numpy()).save(root / images.classes[label] / f"{i:04d}.png")
    return root


def reference_run(folder: Path, epochs: int, device: str) -> float:
    """The tutorial's code path, as written there (ImageFolder + DataLoader, 2 workers, main())."""
    from torchvision import transforms
    from torchvision.datasets import ImageFolder

    start = time.perf_counter()
    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    dataset = ImageFolder(str(folder), transform=transform)
    g = torch.Generator()
    g.manual_seed(SEED)
    train, val, _ = torch.utils.data.random_split(dataset, [100, 100, len(dataset) - 200], generator=g)
    kw = dict(num_workers=2, worker_init_fn=ref.seed_worker, generator=g)
    train_loader = torch.utils.data.DataLoader(train, batch_size=128, **kw)
    val_loader = torch.utils.data.DataLoader(val, batch_size=1000, **kw)
    ref.set_seed(SEED)
    ref.main({"epochs": epochs, "lr": 5e-3, "momentum": 0.9, "device": device},
             ref.BigAnimalNet(), train_loader, val_loader)
    return time.perf_counter() - start


def regtui_run(epochs: int, device: str) -> tuple[float, float]:
    """regtui's engine end to end; returns (total seconds incl. data loading, loop seconds)."""
    start = time.perf_counter()
    cfg = from_mapping({"model": "big_animal_net", "epochs": epochs, "lr": 5e-3, "momentum": 0.9,
                        "seed": SEED, "device": device}, "benchmark")
    result = Trainer(cfg).run()
    return time.perf_counter() - start, result.wall_time


def bare_run(epochs: int, device: str) -> float:
    """The compute floor: identical math on tensors already on the device, nothing reported."""
    images = load_digits3()
    perm = torch.randperm(len(images), generator=torch.Generator().manual_seed(SEED))
    dev = torch.device(device)
    xt, yt = images.x[perm[:100]].to(dev), images.y[perm[:100]].to(dev)
    xv, yv = images.x[perm[100:200]].to(dev), images.y[perm[100:200]].to(dev)
    set_seed(SEED)
    model = BigAnimalNet().to(dev)
    optimizer = torch.optim.SGD(model.parameters(), lr=5e-3, momentum=0.9)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        optimizer.zero_grad()
        F.nll_loss(model(xt), yt).backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            out_t, out_v = model(xt), model(xv)
            stats = torch.stack([(out_t.argmax(1) == yt).sum().float(), (out_v.argmax(1) == yv).sum().float(),
                                 F.nll_loss(out_t, yt), F.nll_loss(out_v, yv)])
            torch.cat([stats, squared_norms(model)]).tolist()  # one transfer, like the engine
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="repeats of regtui and bare (median)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--skip-reference", action="store_true", help="only regtui vs bare")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, device {args.device}, {torch.get_num_threads()} threads, "
          f"{args.epochs} epochs, BigAnimalNet on 100 train / 100 val digits")
    regtui_run(5, args.device)  # warm-up: imports, allocator, CPU kernels
    totals, loops, bares = [], [], []
    for _ in range(args.repeats):
        total, loop = regtui_run(args.epochs, args.device)
        totals.append(total)
        loops.append(loop)
        bares.append(bare_run(args.epochs, args.device))
    total, loop, bare = (statistics.median(v) for v in (totals, loops, bares))
    print(f"regtui engine : {total:7.2f} s end to end (loop {loop:.2f} s), median of {args.repeats}")
    print(f"bare loop     : {bare:7.2f} s, median of {args.repeats}")
    print(f"regtui / bare : {loop / bare:7.2f}x  (training loops compared; target <= 1.5x)")
    if not args.skip_reference:
        with tempfile.TemporaryDirectory() as tmp:
            folder = write_image_folder(Path(tmp) / "digits")
            ref = reference_run(folder, args.epochs, args.device)
        print(f"reference     : {ref:7.2f} s (ImageFolder of PNGs + DataLoader, 2 workers), once")
        print(f"reference / regtui : {ref / total:7.1f}x faster end to end  (target >= 50x)")


if __name__ == "__main__":
    main()
