"""L1 and L2 weight penalties added to the loss, as the reference's reg_function/lambda hooks do."""

from __future__ import annotations

from collections.abc import Iterable

import torch


def regularized(loss: torch.Tensor, params: Iterable[torch.Tensor], l1: float, l2: float) -> torch.Tensor:
    """`loss` + l1·Σ|W| + l2·Σ‖W‖²_F over every tensor in `params` (weights and biases).

    One loop over the parameters computes both sums. Each is accumulated tensor by tensor from
    0.0 in `model.parameters()` order and added in the reference's order (criterion, then
    lambda1·reg1, then lambda2·reg2), so the result equals the reference's `train()` with
    reg_function1 = L1 and reg_function2 = L2 (or with one of them and args['lambda']) bit for
    bit. With both at 0 the loss is returned untouched: no extra work, identical numbers.
    """
    if not (l1 or l2):
        return loss
    abs_sum: torch.Tensor | float = 0.0
    sq_sum: torch.Tensor | float = 0.0
    for p in params:
        if l1:
            abs_sum = abs_sum + torch.sum(torch.abs(p))
        if l2:
            sq_sum = sq_sum + torch.sum(p**2)
    if l1:
        loss = loss + l1 * abs_sum
    if l2:
        loss = loss + l2 * sq_sum
    return loss
