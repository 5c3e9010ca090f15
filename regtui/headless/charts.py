"""plotext charts of finished runs, rendered to text for a terminal."""

from __future__ import annotations

import plotext as plt

from regtui.engine import RunResult


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


def toy_charts(result: RunResult, width: int = 100, height: int = 20) -> list[str]:
    """The toy regression: points, true line and fitted curve; then train/test loss (log scale)."""
    info = result.info
    out = []
    _start(width, height, "Toy regression: 10 noisy points, true line y = 2x, network fit")
    xs, ys = info.points
    plt.scatter(list(xs), list(ys), label="train points", marker="o")
    plt.plot(list(info.x_test), [2 * x for x in info.x_test], label="true 2x", marker="dot")
    if result.curves:
        epoch, curve = result.curves[-1]
        plt.plot(list(info.x_test), list(curve), label=f"fit at step {epoch}", marker="braille")
    plt.xlabel("x")
    out.append(plt.build())
    _start(width, height, "Loss (log scale)")
    steps = [r.epoch for r in result.history]
    plt.plot(steps, [max(r.train_loss, 1e-12) for r in result.history], label="train", marker="braille")
    plt.plot(steps, [max(r.val_loss, 1e-12) for r in result.history], label="test vs 2x", marker="braille")
    plt.yscale("log")
    plt.xlabel("step")
    out.append(plt.build())
    return out
