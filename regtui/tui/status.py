"""The two status lines above the charts: the current run and its numbers; how it ended or a hint.

Line 1 is built from fields ranked by importance; when the width is short the least
important fields go first, so no field is ever cut mid-word. Line 2 is cut at a word.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from regtui.engine import STOP_REASONS, stop_phrase
from regtui.experiments.presets import Preset
from regtui.tui.session import SessionRun

SEP = "  "


@dataclass(frozen=True)
class Field:
    """One piece of line 1: its text, style and rank (0 is kept longest)."""

    text: str
    rank: int
    style: str = ""


@lru_cache(maxsize=8)
def gpu_name(device: str) -> str:
    """The CUDA device's name, e.g. 'NVIDIA H100 80GB HBM3' (asked once per device)."""
    import torch

    return torch.cuda.get_device_name(device)


def gpu_memory(device: str) -> int:
    """Bytes of tensors the process holds on the CUDA device right now."""
    import torch

    return torch.cuda.memory_allocated(device)


def percent(value: float | None) -> str:
    """A share in whole percent, '-' where there is none (no changed labels)."""
    return "-" if value is None else f"{value:.0f}%"


def duration(seconds: float) -> str:
    """Seconds as 42s, 3m05s or 1h02m: short, and stable in width as it counts down."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def gpu_here() -> bool:
    """Whether this process has loaded torch and it sees a GPU (the viewer loads no torch)."""
    torch = sys.modules.get("torch")
    return torch is not None and torch.cuda.is_available()


def device_fields(device: str) -> list[Field]:
    """The device; on CUDA also its name and the memory in use (dropped first when short).

    Only where this process has loaded torch and sees a GPU: `regtui show` of a run trained
    on a GPU server opens on a laptop without loading torch or asking a driver it lacks.
    """
    fields = [Field(device, 4)]
    if device.startswith("cuda") and gpu_here():
        fields.append(Field(gpu_name(device), 8))
        fields.append(Field(f"{gpu_memory(device) / 2**30:.1f} GiB", 7))
    return fields


def run_fields(preset: Preset, run: SessionRun, screen: tuple[float | None, float] | None = None,
               ) -> list[Field]:
    """Line 1's fields for a run with at least one epoch, in display order; `screen`: the seconds
    until the screen shows its last epoch and the epochs a second it shows (Pacer.screen_pace)."""
    r = run.last
    assert r is not None
    fields = [Field(preset.name, 9, "bold"), Field(f"{run.name} {r.epoch}/{r.epochs}", 0, "bold")]
    if r.train_acc is not None:
        fields.append(Field(f"train {r.train_acc:.1f}% val {r.val_acc:.1f}%", 1))
        if r.best_epoch:
            fields.append(Field(f"best {r.best_val_acc:.1f}% @ {r.best_epoch}", 3, "bold green"))
        if r.noisy is not None:  # partial/random labels: clean learned first, changed memorized late
            # the memorized share is what shrinkage and early-stopping-noisy are about: it stays
            # as long as the ETA does; the clean share goes with the device
            clean, memorized = r.noisy.clean, r.noisy.memorized
            fields += [Field(f"clean {percent(clean)}", 4), Field(f"memorized {percent(memorized)}", 2)]
    else:
        fields.append(Field(f"train loss {r.train_loss:.3g} test loss {r.val_loss:.3g}", 1))
    fields.append(Field(f"norm {r.total_norm:.2f}", 6))
    rate = r.epoch / r.elapsed if r.elapsed > 0 else 0.0
    if run.result is None:  # still on its way: how long until the screen shows its last epoch
        eta, rate = screen if screen is not None else ((r.epochs - r.epoch) / rate if rate else None, rate)
        if eta is not None:
            fields.append(Field(f"ETA {duration(eta)}", 2))
    else:
        fields.append(Field(f"took {duration(r.elapsed)}", 5))
    if rate > 0:  # the toy trains in full-batch steps: it counts steps, not epochs
        fields.append(Field(f"{rate:.3g} {'ep' if run.kind.has_accuracy else 'steps'}/s", 5))
    return fields + device_fields(run.info.device)


def fit_fields(fields: list[Field], width: int) -> Text:
    """The fields joined by spaces, dropping the highest ranks until the line fits `width`."""
    kept = list(fields)
    while len(kept) > 1 and sum(len(f.text) for f in kept) + len(SEP) * (len(kept) - 1) > width:
        kept.remove(max(kept, key=lambda f: f.rank))
    text = Text()
    for i, f in enumerate(kept):
        if i:
            text.append(SEP)
        text.append(f.text, style=f.style)
    return cut_at_word(text, width)


def cut_at_word(text: Text, width: int) -> Text:
    """`text` on one line of `width` cells: whole words only, '…' where some were left off."""
    if text.cell_len <= width:
        return text
    plain = text.plain
    cut = plain.rfind(" ", 0, max(0, width - 1))
    text = text[: cut if cut > 0 else max(0, width - 1)]
    text.rstrip()
    text.append("…")
    return text


@dataclass
class StatusLines:
    """A rich renderable of the two lines that lays itself out for the width it is given."""

    line1: list[Field] | Text  # fields to fit, or a text to cut at a word
    line2: Text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        line1 = self.line1
        yield cut_at_word(line1, width) if isinstance(line1, Text) else fit_fields(line1, width)
        yield cut_at_word(self.line2, width)


def status_text(preset: Preset, run: SessionRun | None, message: str,
                screen: tuple[float | None, float] | None = None) -> StatusLines:
    """Line 1: preset, run, epoch, accuracies (or losses), best epoch, norm, ETA, speed, device.
    Line 2: how the run ended, then the hint or message."""
    if run is None or run.last is None:
        line1 = Text.assemble((preset.name, "bold"), SEP, (preset.description, "dim"))
        return StatusLines(line1, Text(message))
    line2 = Text()
    if run.result is not None:
        r, reason = run.last, run.result.stop_reason
        comma = "," if run.result.restored_best else ""  # "stopped early at epoch 92, best epoch 71 restored"
        line2.append(f"{stop_phrase(reason)} at epoch {r.epoch}{comma} ",
                     style="bold yellow" if reason != "finished" else "bold")
        if run.result.restored_best:
            line2.append(f"best epoch {r.best_epoch} restored ", style="bold green")
        line2.append(f"({STOP_REASONS[reason]}). ")
    line2.append(message, style="dim")
    return StatusLines(run_fields(preset, run, screen), line2)
