"""First-order Taylor importance of channels (Molchanov et al., ICLR 2017)."""
from typing import Dict, List, Mapping, Sequence, Tuple

import torch
from torch import Tensor, nn
from torch.utils.hooks import RemovableHandle


def taylor_scores(activation: Tensor, grad: Tensor) -> Tensor:
    """Per-example, per-channel Taylor criterion of one feature map.

    Molchanov et al., "Pruning Convolutional Neural Networks for Resource
    Efficient Inference" (ICLR 2017), Eq. 8: removing feature map ``z_k``
    changes the cost by about
    ``Theta(z_k) = | 1/M sum_m dC/dz_{k,m} * z_{k,m} |``, the absolute mean
    over its ``M`` spatial positions of activation times gradient.

    Args:
        activation (Tensor): (N, C, H, W) or (N, C) activations.
        grad (Tensor): The loss gradient w.r.t. ``activation``.

    Returns:
        Tensor: (N, C) scores, one per example and channel.
    """
    if activation.shape != grad.shape:
        raise ValueError(f'activation {tuple(activation.shape)} and grad '
                         f'{tuple(grad.shape)} differ in shape')
    product = activation * grad
    if product.dim() > 2:
        product = product.flatten(2).mean(dim=2)
    return product.abs()


class TaylorCriterion:
    """Accumulate Molchanov's Taylor criterion per channel over batches.

    Hooks the convs that read each pruning unit's channels: on every
    training forward the input they receive (the unit's activation ``z``)
    gets a gradient hook, and backward adds :func:`taylor_scores` (summed
    over the batch) into that unit's running sum. A tensor read by several
    convs (conv5_3: RPN and R-FCN) is counted once, with its total
    gradient. :meth:`scores` averages over the examples seen and, as in the
    paper, divides each unit's scores by their L2 norm (the ranking within a
    unit is unchanged; it makes units comparable).

    Channels already masked out (MMRazor dynamic ops slice them away) get
    no score; :meth:`scores` returns full-length vectors, zero there.

    Args:
        consumers (Mapping[str, Sequence[nn.Module]]): Unit name -> the
            convs reading its channels.
        masks (Mapping[str, callable]): Unit name -> a function returning
            its current (C,) bool mask.

    Example:
        >>> criterion = TaylorCriterion({'conv1': [conv2]}, {'conv1': mask})
        >>> with criterion: loss.backward()
    """

    def __init__(self, consumers: Mapping[str, Sequence[nn.Module]],
                 masks: Mapping[str, 'callable']) -> None:
        self.consumers = {k: list(v) for k, v in consumers.items()}
        self.masks = dict(masks)
        self.sums: Dict[str, Tensor] = {}
        self.examples: Dict[str, int] = {k: 0 for k in self.consumers}
        self._handles: List[RemovableHandle] = []
        self._seen: Dict[str, List[Tensor]] = {k: [] for k in self.consumers}

    # recording
    def __enter__(self) -> 'TaylorCriterion':
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Hook the consumers (idempotent)."""
        self.stop()
        for name, modules in self.consumers.items():
            for module in modules:
                self._handles.append(
                    module.register_forward_hook(self._forward_hook(name)))

    def stop(self) -> None:
        """Remove the hooks; forget tensors of an unfinished backward."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self._seen = {k: [] for k in self.consumers}

    def _forward_hook(self, name: str):

        def hook(module: nn.Module, inputs: Tuple[Tensor, ...],
                 output: Tensor) -> None:
            activation = inputs[0]
            if not (torch.is_grad_enabled() and activation.requires_grad):
                return
            if any(t is activation for t in self._seen[name]):
                return  # another consumer of the same tensor
            self._seen[name].append(activation)
            detached = activation.detach()

            def grad_hook(grad: Tensor) -> None:
                self._add(name, taylor_scores(detached, grad.detach()))

            activation.register_hook(grad_hook)

        return hook

    @torch.no_grad()
    def _add(self, name: str, scores: Tensor) -> None:
        mask = self.masks[name]().to(scores.device)
        if scores.shape[1] != int(mask.sum()):
            raise RuntimeError(
                f'{name}: {scores.shape[1]} active channels recorded, the '
                f'mask keeps {int(mask.sum())}')
        full = scores.new_zeros(mask.numel())
        full[mask] = scores.sum(0).to(full.dtype)
        self.sums[name] = self.sums.get(name, 0) + full.double()
        self.examples[name] += scores.shape[0]
        self._seen[name] = []

    # results
    def scores(self, normalize: bool = True) -> Dict[str, Tensor]:
        """Mean Taylor criterion per channel of every unit seen.

        Args:
            normalize (bool): Divide each unit's vector by its L2 norm
                (Molchanov et al.'s layer-wise normalisation).
        """
        out = {}
        for name, total in self.sums.items():
            mean = total / max(1, self.examples[name])
            if normalize:
                mean = mean / mean.norm().clamp_min(1e-12)
            out[name] = mean
        return out

    def reset(self) -> None:
        """Forget the accumulated scores (after a pruning step)."""
        self.sums = {}
        self.examples = {k: 0 for k in self.consumers}


__all__ = ['TaylorCriterion', 'taylor_scores']
