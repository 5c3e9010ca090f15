"""L1 and L2 weight penalties, as the reference's reg_function/lambda hooks add them to the loss.

The penalties' gradients are added to each parameter's `.grad` after `backward()` instead of
being differentiated by autograd: d(λ2·Σ‖W‖²)/dW = 2λ2·W and d(λ1·Σ|W|)/dW = λ1·sign(W) are
single exact-or-once-rounded products, the very numbers autograd's pow/abs backward produce,
so the weights stay bit-identical to the reference's `train()` (tests/unit/test_reference_l2.py)
while the memorization run costs ~1.1x instead of ~1.25x (autograd kept three full-size
temporaries per weight tensor alive for pow's backward).
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


@torch.no_grad()
def add_penalty_grads(params: Iterable[torch.Tensor], l1: float, l2: float) -> None:
    """Add the gradient of l1·Σ|W| + l2·Σ‖W‖²_F to every tensor's `.grad` (call after backward).

    Over every tensor in `params`, weights and biases, the scope of the reference's norms. With
    both at 0 nothing is done. Works for stacked parameters too (each slice gets its own).
    """
    if not (l1 or l2):
        return
    for p in params:
        if p.grad is None:  # a tensor the loss did not reach: autograd would leave it None too
            continue
        if l1 and l2:  # autograd sums the two penalty paths first, then adds them to the loss's
            p.grad.add_(torch.sign(p).mul_(l1).add_(p * (2 * l2)))
        elif l1:
            p.grad.add_(torch.sign(p).mul_(l1))
        else:
            p.grad.add_(p * (2 * l2))  # 2λ·W: the factor 2 is exact, so one rounding, as autograd's
