"""Measure: which penalty makes the `overfitting-l2` preset's regularized fit smooth and better than
predicting 0? (Not a speed benchmark: it measures what the preset claims.)

Every candidate trains the preset's toy setup (the 1-300-500-1 Net, Adam lr 1e-4, 10,000 steps
on 10 points y = 2x + 2 N(0, 1)) once per seed and reports, at the last step:

- train MSE on the 10 points (the noise variance is 4: far below 4 means it threads the noise);
- test MSE against the true line 2x on 40 points of [0, 1] (the preset's "test loss");
- the fitted curve's range on [0, 1], f(0), and its bend: the RMS distance of the curve from its
  own least-squares line (0 for a straight line);
- the total Frobenius norm of the weights.

Two baselines per seed: predicting 0 everywhere (test MSE = mean of (2x)^2 over the 40 points,
1.35) and the least-squares line through the 10 points. Candidates, seeds and steps are options:

    python benchmarks/measure_overfitting_l2.py [--seeds 2021,1,2] [--steps 10000]
        [--candidate none] [--candidate l2=0.1] [--candidate weight_decay=0.2] ...
"""

from __future__ import annotations

import argparse
import statistics

import torch

from regtui.data.toy import make_toy_data
from regtui.engine import Trainer
from regtui.experiments.presets import load_preset

DEFAULT_CANDIDATES = ("none", "l2=0.01", "l2=0.03", "l2=0.1", "l2=0.3", "l2=1")


def parse_candidate(text: str) -> dict[str, float]:
    """'none' -> {}; 'l2=0.1' -> {'l2': 0.1}; 'l2=0.1,l1=0.001' -> both."""
    if text == "none":
        return {}
    return {k: float(v) for k, v in (part.split("=") for part in text.split(","))}


def bend(x: torch.Tensor, f: torch.Tensor) -> float:
    """RMS distance of the curve f(x) from its own least-squares line (0: a straight line)."""
    a = torch.cat([x, torch.ones_like(x)], dim=1)  # (n, 2): slope and intercept
    coef = torch.linalg.lstsq(a, f).solution
    return float((a @ coef - f).pow(2).mean().sqrt())


def baselines(seed: int) -> tuple[float, float]:
    """Test MSE against 2x of predicting 0, and of the least-squares line through the 10 points."""
    d = make_toy_data(seed)
    zero = float(d.y_test.pow(2).mean())
    a = torch.cat([d.x, torch.ones_like(d.x)], dim=1)
    coef = torch.linalg.lstsq(a, d.y).solution
    line = torch.cat([d.x_test, torch.ones_like(d.x_test)], dim=1) @ coef
    return zero, float((line - d.y_test).pow(2).mean())


def measure(settings: dict[str, float], seed: int, steps: int) -> dict[str, float]:
    """Train the preset's regularized run with `settings` and `seed`; the numbers at its last step."""
    (cfg,) = [c for c in load_preset("overfitting-l2", {"device": "cpu", "epochs": steps,
                                                         "snapshot_every": steps, "seed": seed}).runs
              if c.name == "none"]
    cfg = cfg.replace(**{"l2": 0.0, "l1": 0.0, "weight_decay": 0.0, **settings})
    result = Trainer(cfg).run()
    curve = torch.tensor(result.curves[-1][1]).reshape(-1, 1)  # f at the 40 test points
    x = torch.tensor(result.info.x_test).reshape(-1, 1)
    last = result.last
    return {"train": last.train_loss, "test": last.val_loss, "min": float(curve.min()),
            "max": float(curve.max()), "f0": float(curve[0]), "bend": bend(x, curve),
            "norm": last.total_norm}


def mean_sd(values: list[float]) -> str:
    mean = statistics.fmean(values)
    return f"{mean:.3g}" if len(values) < 2 else f"{mean:.3g} ± {statistics.stdev(values):.2g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="2021,1,2")
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--candidate", action="append", default=None,
                        help="none, or settings such as l2=0.1 (repeatable)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    seeds = [int(s) for s in args.seeds.split(",")]
    zero, line = zip(*(baselines(s) for s in seeds), strict=True)
    print(f"seeds {seeds}, {args.steps} steps; per seed: " + ", ".join(
        f"{s}: predict-0 {z:.3f}, least-squares line {ln:.3f}" for s, z, ln in zip(seeds, zero, line,
                                                                                   strict=True)))
    print(f"baselines (mean ± sd over seeds): predict 0: test MSE {mean_sd(list(zero))}; "
          f"least-squares line: test MSE {mean_sd(list(line))}")
    header = ("candidate", "train MSE", "test MSE", "f range on [0,1]", "f(0)", "bend (RMS)", "norm",
              "test < predict-0")
    print(" | ".join(header))
    for text in args.candidate or DEFAULT_CANDIDATES:
        rows = [measure(parse_candidate(text), s, args.steps) for s in seeds]
        better = sum(r["test"] < z for r, z in zip(rows, zero, strict=True))
        col = {k: [r[k] for r in rows] for k in rows[0]}
        print(" | ".join([text, mean_sd(col["train"]), mean_sd(col["test"]),
                          f"{min(col['min']):.2f} .. {max(col['max']):.2f}", mean_sd(col["f0"]),
                          mean_sd(col["bend"]), mean_sd(col["norm"]), f"{better}/{len(seeds)}"]),
              flush=True)
        for s, r in zip(seeds, rows, strict=True):
            print(f"    seed {s}: train {r['train']:.3g} test {r['test']:.3g} f {r['min']:.2f} .. "
                  f"{r['max']:.2f} f(0) {r['f0']:.2f} bend {r['bend']:.3f} norm {r['norm']:.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
