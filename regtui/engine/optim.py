"""Optimizer construction and stepping shared by both loops.

Speed: torch's optimizers import torch._dynamo (about 2 s with sympy, most of a short run's
start-up) only to keep torch.compile out of their methods: `add_param_group` and `zero_grad`
are wrapped by `torch._compile._disable_dynamo`, which imports torch._dynamo on the first call
to build a `torch._dynamo.disable` wrapper, and `step` by `_use_grad_for_differentiable`,
which imports it on every call to insert two graph breaks. Outside torch.compile both are
plain calls (disable switches off a frame hook that is already off; graph_break's body is
empty). regtui never compiles, so it keeps torch's own SGD and Adam and skips only those two
wrappers: `make_optimizer` fills the first one's cache with the plain method, and the loops
call `optimizer_step(opt)`, which runs the plain step as `_use_grad` would. Each is guarded:
where torch's wrappers are not the ones described here (another torch version), torch._dynamo
is loaded anyway, or hooks are registered on the step, torch's normal path runs.
tests/unit/test_optim_nodynamo.py checks that SGD with momentum and Adam, with and without
weight decay, give bit-identical weights and state to torch's normal path.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import torch
import torch.optim.optimizer as _optimizer
from torch import nn

from regtui.engine.config import RunConfig

# Optimizer methods wrapped by torch._compile._disable_dynamo that the loops call.
_LAZY_DISABLED = ("add_param_group", "zero_grad")
_CACHE = "__dynamo_disable"  # where that wrapper caches its torch._dynamo.disable(fn)
_USE_GRAD_NAMES = {"torch._dynamo", "cast", "Optimizer", "is_grad_enabled", "set_grad_enabled",
                   "defaults", "_dynamo", "graph_break"}  # all that `_use_grad` looks up


def _dynamo_loaded() -> bool:
    return "torch._dynamo" in sys.modules


def _skip_disable_wrappers() -> None:
    """Let `_disable_dynamo` call add_param_group and zero_grad directly (see the module doc).

    Only where the wrapper is torch 2.x's lazy one (its code reads the `__dynamo_disable`
    cache) and torch._dynamo is not loaded; once torch._dynamo is loaded the wrapper's own
    first call is cheap and runs unchanged.
    """
    if _dynamo_loaded():
        return
    for name in _LAZY_DISABLED:
        wrapper = getattr(torch.optim.Optimizer, name, None)
        fn = getattr(wrapper, "__wrapped__", None)
        code = getattr(wrapper, "__code__", None)
        if fn is None or code is None or _CACHE not in code.co_consts \
                or not code.co_filename.endswith("_compile.py"):
            continue  # not the wrapper this relies on: torch's path
        if getattr(fn, _CACHE, None) is None:
            setattr(fn, _CACHE, fn)


def make_optimizer(cfg: RunConfig, model: nn.Module) -> torch.optim.Optimizer:
    """SGD with momentum (the reference's classifier) or Adam (its regression), built as the
    reference builds them, so a seed gives the reference's numbers step for step.

    `cfg.fused` opts into fused Adam: faster per step on CPU (1.4x on the toy net here), but
    it rounds differently, so the toy trajectory drifts from the reference's after a few
    dozen steps (final train loss 2.6e-8 instead of 6.8e-12).
    """
    _skip_disable_wrappers()
    if cfg.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay,
                                fused=cfg.fused or None)
    return torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                           weight_decay=cfg.weight_decay)


def _plain_step(cls: type) -> Callable[..., Any] | None:
    """`cls.step` without torch's `_use_grad` wrapper (and the profiler hook around it), or
    None when that wrapper is not the one described in the module doc."""
    fn = getattr(cls, "step", None)
    for _ in range(4):  # profile_hook_step -> _use_grad -> the optimizer's own step
        code = getattr(fn, "__code__", None)
        if code is None:
            return None
        if code.co_name == "_use_grad" and code.co_filename == _optimizer.__file__ \
                and set(code.co_names) <= _USE_GRAD_NAMES:
            return getattr(fn, "__wrapped__", None)
        fn = getattr(fn, "__wrapped__", None)
    return None


def _hooked(optimizer: torch.optim.Optimizer) -> bool:
    """True when anything hooks or replaces the step (hooks, an LR scheduler's patch)."""
    return bool(getattr(_optimizer, "_global_optimizer_pre_hooks", True)
                or getattr(_optimizer, "_global_optimizer_post_hooks", True)
                or getattr(optimizer, "_optimizer_step_pre_hooks", True)
                or getattr(optimizer, "_optimizer_step_post_hooks", True)
                or "step" in vars(optimizer))


def optimizer_step(optimizer: torch.optim.Optimizer) -> None:
    """`optimizer.step()`: torch's own step, called as its `_use_grad` wrapper calls it, less
    the wrapper's import of torch._dynamo for two no-op graph breaks (see the module doc)."""
    plain = None if _dynamo_loaded() or _hooked(optimizer) else _plain_step(type(optimizer))
    if plain is None:
        optimizer.step()
        return
    prev = torch.is_grad_enabled()
    try:
        torch.set_grad_enabled(optimizer.defaults["differentiable"])
        plain(optimizer)
    finally:
        torch.set_grad_enabled(prev)
