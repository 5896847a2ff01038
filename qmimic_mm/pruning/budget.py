"""Per-layer channel targets of a pruning ratio, checked at build time."""
import math
from typing import Dict, Mapping, Optional

from qmimic_mm.utils.errors import InvalidInputError


def channel_targets(unit_channels: Mapping[str, int],
                    pruning_ratio: float,
                    keep_channels: Optional[Mapping[str, int]] = None,
                    key: str = 'model.pruning_ratio') -> Dict[str, int]:
    """Channels each unit keeps: ``round(c / pruning_ratio)``.

    Wei et al. (ECCV 2018, Sec. 4.1) compare against pruning "with pruning
    ratio 8, which means the model we get after pruning has the same size
    with VGG-1-32": every layer of the VGG-1-4 teacher keeps 1/8 of its
    channels (16 -> 2 ... 128 -> 16; RPN 128 -> 16; R-FCN reduce conv
    256 -> 32), which is exactly VGG-1-32 R-FCN.

    Args:
        unit_channels (Mapping[str, int]): Channels of each unit.
        pruning_ratio (float): Channels before / after, >= 1.
        keep_channels (Mapping[str, int], optional): Explicit counts for
            some units (by unit name), overriding the ratio.
        key (str): Config key named in errors.

    Returns:
        dict: Unit name -> channels kept.

    Raises:
        ValueError: A ratio below 1, a unit left with no channel, a count
            above the unit's channels, or an unknown unit name; the message
            gives the numbers.
    """
    if not pruning_ratio >= 1:
        raise InvalidInputError(
            f'{key}={pruning_ratio}: a pruning ratio is channels before / '
            'after and must be >= 1 (8 prunes VGG-1-4 to the size of '
            'VGG-1-32)')
    targets = {}
    for name, channels in unit_channels.items():
        keep = int(math.floor(channels / pruning_ratio + 0.5))
        if keep < 1:
            raise InvalidInputError(
                f'{key}={pruning_ratio} removes every channel of {name}: '
                f'{channels} channels / {pruning_ratio} = '
                f'{channels / pruning_ratio:.3g} rounds to 0. The largest '
                f'ratio this model allows is '
                f'{min(unit_channels.values()) / 0.5:g}; or give the unit '
                'an explicit count in keep_channels')
        targets[name] = keep
    for name, keep in (keep_channels or {}).items():
        if name not in unit_channels:
            raise InvalidInputError(
                f'keep_channels: unknown unit {name!r}; the units are '
                f'{list(unit_channels)}')
        channels = unit_channels[name]
        if not 1 <= keep <= channels:
            raise InvalidInputError(
                f'keep_channels[{name!r}]={keep}: the unit has {channels} '
                f'channels, so {channels - keep} would be removed; keep '
                f'between 1 and {channels}')
        targets[name] = int(keep)
    return targets


def step_targets(unit_channels: Mapping[str, int],
                 final: Mapping[str, int], step: int,
                 num_steps: int) -> Dict[str, int]:
    """Channels kept after pruning step ``step`` of ``num_steps`` (1-based).

    Each step removes the same fraction of what remains (a geometric
    schedule, ``c * (final / c) ** (step / num_steps)``), so the last step
    reaches ``final`` and early steps remove most channels where most are
    redundant.
    """
    if not 1 <= step <= num_steps:
        raise InvalidInputError(f'step must be in 1..{num_steps}, got {step}')
    out = {}
    for name, channels in unit_channels.items():
        keep = channels * (final[name] / channels)**(step / num_steps)
        out[name] = max(final[name], min(channels, int(round(keep))))
    return out


__all__ = ['channel_targets', 'step_targets']
