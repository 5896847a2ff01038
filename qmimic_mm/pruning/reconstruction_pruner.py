"""He et al.'s channel pruning, layer by layer, on an MMRazor-masked model."""
import copy
from typing import Callable, Dict, List, Mapping, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmrazor.models.mutables import MutableChannelUnit
from torch import Tensor, nn

from .feature_path import DetectorFeaturePath, consumer_convs
from .lasso_channel_selection import (channel_contributions,
                                      lasso_select_channels)
from .least_squares import reconstruct_weights


def _output_mask(conv: nn.Conv2d) -> Tensor:
    """Output channels a (dynamic) conv currently computes."""
    attrs = getattr(conv, 'mutable_attrs', {})
    if 'out_channels' in attrs:
        return attrs['out_channels'].current_mask.bool()
    return torch.ones(conv.out_channels, dtype=torch.bool)


class _AllSampled(Exception):
    """Stops a forward pass once every hooked conv has been sampled."""


def sample_conv_points(inputs: Tensor, outputs: Tensor, conv: nn.Conv2d,
                       index: Tensor) -> Tuple[Tensor, Tensor]:
    """Input patches and outputs of a conv at given output positions.

    He et al. (ICCV 2017, Sec. 4) sample 10 random points per feature map
    per image; ``index`` holds them.

    Args:
        inputs (Tensor): (B, c, H, W) the conv's input.
        outputs (Tensor): (B, n, Ho, Wo) an output map of the same geometry
            (the original network's, for the reconstruction target).
        conv (nn.Conv2d): Gives kernel, stride, padding, dilation.
        index (Tensor): (B, P) flat output positions per image.

    Returns:
        tuple: patches (B * P, c, kh * kw) and outputs (B * P, n).
    """
    cols = F.unfold(inputs, conv.kernel_size, dilation=conv.dilation,
                    padding=conv.padding, stride=conv.stride)
    batch, _, num_pos = cols.shape
    if num_pos != outputs.shape[2] * outputs.shape[3]:
        raise RuntimeError(f'{num_pos} patch positions but output map '
                           f'{tuple(outputs.shape)}')
    points = index.shape[1]
    taps = conv.kernel_size[0] * conv.kernel_size[1]
    cols = cols.view(batch, inputs.shape[1], taps, num_pos)
    patches = torch.gather(
        cols, 3, index[:, None, None, :].expand(-1, cols.shape[1], taps, -1))
    patches = patches.permute(0, 3, 1, 2).reshape(batch * points,
                                                  inputs.shape[1], taps)
    flat = outputs.flatten(2)
    picked = torch.gather(flat, 2,
                          index[:, None, :].expand(-1, flat.shape[1], -1))
    return patches, picked.permute(0, 2, 1).reshape(batch * points, -1)


class ReconstructionChannelPruner:
    """Channel pruning by LASSO selection and least-squares reconstruction.

    He, Zhang, Sun, "Channel Pruning for Accelerating Very Deep Neural
    Networks" (ICCV 2017), Sec. 3.1-3.2, applied to every pruning unit of
    the detector in forward order (Sec. 3.2, "whole model pruning"): for a
    unit (a conv's output channels, read by one or more next convs),

    1. sample ``num_points`` positions per image of each next conv over
       ``images``, and take its input patches ``X`` from the network pruned
       so far and its output ``Y`` from the *original* network (the
       paper's fix for accumulated error);
    2. choose the channels to keep by LASSO on ``beta`` (Eq. 2, via
       :func:`lasso_select_channels`; the rows of several next convs are
       stacked, each block scaled by its RMS output so that every reader
       counts alike);
    3. set the unit's MMRazor mask, which removes the producer's filters,
       its batch-norm channels and the readers' input channels;
    4. refit each next conv's weights on the kept channels by least squares
       (:func:`reconstruct_weights`).

    Args:
        detector (nn.Module): The detector with MMRazor dynamic ops (see
            :func:`build_channel_mutator`); modified in place.
        units (Mapping[str, MutableChannelUnit]): The units, forward order.
        num_points (int): Sampled positions per image and next conv.
            Defaults to 10 (the paper's).
        max_rows (int): Cap on LASSO rows (point x output channel) per
            next conv, subsampled at random. Defaults to 50000.
        seed (int): Seed of the sampling. Defaults to 0.
    """

    def __init__(self,
                 detector: nn.Module,
                 units: Mapping[str, MutableChannelUnit],
                 num_points: int = 10,
                 max_rows: int = 50000,
                 seed: int = 0) -> None:
        self.detector = detector
        self.units = units
        self.num_points = num_points
        self.max_rows = max_rows
        self.seed = seed

    def _positions(self, key: Tuple[str, int], num_pos: int,
                   batch: int) -> Tensor:
        """Sampled output positions of a reader on one image batch, drawn
        once and reused (original and pruned network see the same)."""
        if key not in self._index:
            points = min(self.num_points, num_pos)
            self._index[key] = torch.stack([
                torch.randperm(num_pos, generator=self._generator)[:points]
                for _ in range(batch)
            ])
        return self._index[key]

    def _sample(self, path: DetectorFeaturePath, images: List[Tensor],
                modules: Mapping[str, nn.Module], names: List[str],
                want: str) -> Dict[str, List[Tensor]]:
        """Sampled input patches (``want='in'``) or outputs of the named
        convs on every image batch; a forward stops once they all ran."""
        store: Dict[str, List[Tensor]] = {n: [] for n in names}
        handles = []
        pending: set = set()
        batch_index = [0]

        def make_hook(name: str):

            def hook(module, inputs, output):
                x, y = inputs[0].detach(), output.detach()
                index = self._positions((name, batch_index[0]),
                                        y.shape[2] * y.shape[3], y.shape[0])
                patches, outs = sample_conv_points(x, y, module, index)
                store[name].append(patches if want == 'in' else outs)
                pending.discard(name)
                if not pending:
                    raise _AllSampled

            return hook

        for name in names:
            handles.append(modules[name].register_forward_hook(
                make_hook(name)))
        try:
            with torch.no_grad():
                for i, image in enumerate(images):
                    batch_index[0] = i
                    pending.update(names)
                    try:
                        path(image)
                    except _AllSampled:
                        pass
        finally:
            for handle in handles:
                handle.remove()
        return store

    def prune(self,
              images: List[Tensor],
              targets: Mapping[str, int],
              log: Optional[Callable[[str], None]] = None) -> Dict[str, dict]:
        """Prune every unit to ``targets`` (channels kept).

        Args:
            images (list[Tensor]): Preprocessed image batches (N, C, H, W).
            targets (Mapping[str, int]): Unit name -> channels kept.
            log (callable, optional): Receives one line per unit.

        Returns:
            dict: Per unit, ``kept`` (indices) and the relative
            reconstruction error of its readers before / after the
            least-squares refit (``err_selected``, ``err_refit``).
        """
        detector = self.detector
        was_training = detector.training
        detector.eval()  # batch norm on running statistics while sampling
        original = copy.deepcopy(detector)
        modules = dict(detector.named_modules())
        orig_modules = dict(original.named_modules())
        path, orig_path = (DetectorFeaturePath(detector),
                           DetectorFeaturePath(original))
        self._generator = torch.Generator().manual_seed(self.seed)
        self._index: Dict[Tuple[str, int], Tensor] = {}
        rng = np.random.default_rng(self.seed)
        readers = [n for unit in self.units.values()
                   for n, _ in consumer_convs(unit, modules)]
        # the original network's outputs at the sampled points, once
        outputs = self._sample(orig_path, images, orig_modules,
                               list(dict.fromkeys(readers)), 'out')
        report: Dict[str, dict] = {}
        try:
            for name, unit in self.units.items():
                report[name] = self._prune_unit(
                    name, unit, targets[name], images, modules, outputs,
                    path, rng)
                if log is not None:
                    r = report[name]
                    log(f'{name}: {unit.num_channels} -> {len(r["kept"])} '
                        f'channels; relative error of the next layer(s) '
                        f'{r["err_selected"]:.3f} (selected) -> '
                        f'{r["err_refit"]:.3f} (least squares)')
        finally:
            detector.train(was_training)
        return report

    def _prune_unit(self, name: str, unit: MutableChannelUnit, keep: int,
                    images: List[Tensor], modules, outputs, path,
                    rng) -> dict:
        readers = consumer_convs(unit, modules)
        reader_names = [n for n, _ in readers]
        if not readers:
            raise RuntimeError(f'unit {name} has no conv reading it')
        inputs = self._sample(path, images, modules, reader_names, 'in')
        samples = {}
        blocks, rows_y = [], []
        for reader, conv in readers:
            out_mask = _output_mask(conv)
            patches = torch.cat(inputs[reader]).double().numpy()
            target = torch.cat(outputs[reader]).double().numpy()
            if conv.bias is not None:
                target = target - conv.bias.detach().double().numpy()[None]
            target = target[:, out_mask.numpy()]
            weight = conv.weight.detach()[out_mask].double().numpy()
            weight = weight.reshape(weight.shape[0], weight.shape[1], -1)
            samples[reader] = (patches, target, weight, out_mask)
            design = channel_contributions(patches, weight)
            flat = target.reshape(-1)
            if len(flat) > self.max_rows:
                pick = rng.choice(len(flat), self.max_rows, replace=False)
                design, flat = design[pick], flat[pick]
            scale = max(np.sqrt(np.mean(flat**2)), 1e-12)
            blocks.append(design / scale)
            rows_y.append(flat / scale)
        kept, beta = lasso_select_channels(
            np.concatenate(blocks), np.concatenate(rows_y), keep)
        mask = torch.zeros(unit.num_channels, dtype=torch.bool)
        mask[torch.from_numpy(kept)] = True
        unit.mutable_channel.current_choice = mask

        errors_sel, errors_fit = [], []
        for reader, conv in readers:
            patches, target, weight, out_mask = samples[reader]
            kept_patches = patches[:, kept]
            norm = max(np.linalg.norm(target), 1e-12)
            selected = np.einsum('pck,nck->pn', kept_patches, weight[:, kept])
            errors_sel.append(np.linalg.norm(target - selected) / norm)
            new_w = reconstruct_weights(kept_patches, target,
                                        patches.shape[2])
            errors_fit.append(
                np.linalg.norm(target - np.einsum('pck,nck->pn', kept_patches,
                                                  new_w)) / norm)
            with torch.no_grad():
                w = conv.weight
                block = torch.from_numpy(new_w).to(w).view(
                    len(new_w), len(kept), *w.shape[2:])
                out_index = torch.nonzero(out_mask).flatten()
                full = w[out_index]
                full[:, torch.from_numpy(kept)] = block
                w[out_index] = full
        return dict(kept=kept.tolist(), beta=beta.tolist(),
                    err_selected=float(np.mean(errors_sel)),
                    err_refit=float(np.mean(errors_fit)))


__all__ = ['ReconstructionChannelPruner', 'sample_conv_points']
