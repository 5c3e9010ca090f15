"""plotext charts of finished runs, rendered to text for a terminal."""

from __future__ import annotations

import plotext as plt

from regtui.engine import RunResult
from regtui.experiments.aggregate import Group, epoch_band


def _start(width: int, height: int, title: str) -> None:
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.title(title)
    plt.theme("clear")  # no background colour blocks: reads well in any terminal theme


def accuracy_chart(results: list[RunResult], width: int = 100, height: int = 22) -> str:
    """Train (solid) and validation (dotted) accuracy of every run on one chart."""
    _start(width, height, "Accuracy (%): train ━  val ┅")
    for res in results:
        epochs = [r.epoch for r in res.history]
        name = res.info.config.name
        plt.plot(epochs, [r.train_acc for r in res.history], label=f"{name} train", marker="braille")
        plt.plot(epochs, [r.val_acc for r in res.history], label=f"{name} val", marker="dot")
    plt.ylim(0, 100)
    plt.xlabel("epoch")
    return plt.build()


def noisy_label_chart(results: list[RunResult], width: int = 100, height: int = 22) -> str | None:
    """Train accuracy on clean (solid) vs changed labels (dotted) for runs with noisy labels.

    Clean images are learned first; the changed ones are memorized late, which is why early
    stopping works under label noise. None when no run has partial or random labels.
    """
    noisy = [res for res in results if res.last is not None and res.last.noisy is not None]
    if not noisy:
        return None
    _start(width, height, "Train accuracy (%) by label: clean ━  changed (memorized) ┅")
    for res in noisy:
        epochs = [r.epoch for r in res.history]
        name = res.info.config.name
        plt.plot(epochs, [r.noisy.clean for r in res.history], label=f"{name} clean", marker="braille")
        plt.plot(epochs, [r.noisy.memorized for r in res.history], label=f"{name} changed",
                 marker="dot")
    plt.ylim(0, 100)
    plt.xlabel("epoch")
    return plt.build()


def toy_charts(results: list[RunResult], width: int = 100, height: int = 20) -> list[str]:
    """The toy regression: points, true line and each run's fitted curve; then train/test loss
    (log scale). Runs on other points (another seed) than the first are left out of the first chart."""
    results = [r for r in results if r.info.points is not None]  # the toy runs of the session
    first = results[0].info
    out = []
    _start(width, height, "Toy regression: 10 noisy points, true line y = 2x, network fit")
    xs, ys = first.points
    plt.scatter(list(xs), list(ys), label="train points", marker="o")
    plt.plot(list(first.x_test), [2 * x for x in first.x_test], label="true 2x", marker="dot")
    for res in results:
        if res.curves and res.info.points == first.points:
            epoch, curve = res.curves[-1]
            plt.plot(list(first.x_test), list(curve), marker="braille",
                     label=f"{res.info.config.name}: fit at step {epoch}")
    plt.xlabel("x")
    out.append(plt.build())
    _start(width, height, "Loss (log scale)")
    for res in results:
        name = f"{res.info.config.name} " if len(results) > 1 else ""
        steps = [r.epoch for r in res.history]
        plt.plot(steps, [max(r.train_loss, 1e-12) for r in res.history], label=f"{name}train",
                 marker="braille")
        plt.plot(steps, [max(r.val_loss, 1e-12) for r in res.history], label=f"{name}test vs 2x",
                 marker="braille")
    plt.yscale("log")
    plt.xlabel("step")
    out.append(plt.build())
    return out


COLORS = ("cyan", "orange", "magenta", "green", "red", "blue", "yellow", "gray")  # one per group


def _mean_and_band(group: Group, attr: str) -> tuple[list[int], list[float], list[float], list[float]]:
    """Per epoch (up to the shortest member): mean, min and max of `attr` over the members."""
    value = (lambda r: r.noisy.memorized) if attr == "memorized" else (lambda r: getattr(r, attr))
    mean, lo, hi = epoch_band([[value(r) for r in res.history] for res in group.results])
    return [r.epoch for r in group.results[0].history[:len(mean)]], mean, lo, hi


def band_chart(groups: list[Group], attr: str = "val_acc", width: int = 100, height: int = 22) -> str:
    """Each group's mean of `attr` per epoch (solid) inside its min–max band over seeds (dotted).

    `attr` is an EpochReport field, or "memorized": the share of changed labels memorized
    (labels partial or random; groups with none are left out)."""
    what = {"val_acc": "Validation accuracy (%)", "train_acc": "Train accuracy (%)",
            "memorized": "Changed labels memorized (%)"}.get(attr, attr)
    if attr == "memorized":
        groups = [g for g in groups if all(r.last and r.last.noisy and r.last.noisy.memorized is not None
                                           for r in g.results)]
    _start(width, height, f"{what}: mean over seeds ━, min–max band ┈")
    for i, g in enumerate(groups):
        color = COLORS[i % len(COLORS)]
        epochs, mean, lo, hi = _mean_and_band(g, attr)
        if len(g.results) > 1:  # a single run has no band
            plt.plot(epochs, lo, marker="dot", color=color)
            plt.plot(epochs, hi, marker="dot", color=color)
        plt.plot(epochs, mean, marker="braille", color=color, label=f"{g.name} (n={len(g.results)})")
    plt.ylim(0, 100)
    plt.xlabel("epoch")
    return plt.build()


def versus_chart(groups: list[Group], key: str, width: int = 100, height: int = 22) -> str:
    """Means over seeds against one setting: train and val accuracy and their gap (left axis, %),
    and the median epoch train accuracy first reached 100% (right axis, censored: a group where
    more than half never got there is drawn at its last epoch as an `x`, "censored (>N)")."""
    _start(width, height, f"Against {key}: mean over seeds")
    xs = [getattr(g.results[0].info.config, key) for g in groups]
    for metric, label, color in (("end_train_acc", "train acc %", "cyan"),
                                 ("end_val_acc", "val acc %", "orange"),
                                 ("gap", "gap (points)", "magenta")):
        pts = [(x, g.stats[metric].mean) for x, g in zip(xs, groups, strict=True) if g.stats[metric]]
        if pts:
            plt.plot([p[0] for p in pts], [p[1] for p in pts], marker="braille", color=color, label=label)
    fits = [(x, g.fits["fit_epoch"]) for x, g in zip(xs, groups, strict=True)]
    known = [(x, f.median()[0]) for x, f in fits if f.median()[0] is not None]
    censored = [(x, max(f.epochs)) for x, f in fits if f.median()[0] is None and f.n]
    if known:
        plt.scatter([p[0] for p in known], [p[1] for p in known], marker="o", color="green",
                    yside="right", label="median epoch to 100% train (right axis)")
    if censored:
        plt.scatter([p[0] for p in censored], [p[1] for p in censored], marker="x", color="red",
                    yside="right", label=f"censored: most never reached 100% (>{censored[0][1]})")
    plt.xlabel(key)
    return plt.build()
