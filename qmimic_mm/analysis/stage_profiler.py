"""Where a detector's time goes: per-part CPU time from ``torch.profiler``.

The parts are methods of the model (backbone, RPN head, proposal decoding +
NMS, PS-RoI pooling ...). :class:`StageProfiler` wraps each of them, for the
duration of a ``with`` block, in a :func:`torch.profiler.record_function`
range named after the part; ``torch.profiler`` records the ranges (and every
ATen op inside them) and :func:`part_times` reads back, for each part, the
time spent in its ranges *minus* the time of the parts nested inside (e.g.
the PS-RoI pooling inside OHEM's scoring). What no part covers is reported
as ``other``, so the parts plus ``other`` are exactly the total.

Only methods that exist are wrapped: the same part list serves R-FCN,
Faster R-CNN and the distillation wrapper (its student and teacher).
"""
import statistics
from contextlib import contextmanager
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Optional,
                    Sequence, Tuple)

from torch import nn
from torch.autograd.profiler_util import FunctionEvent
from torch.profiler import ProfilerActivity, profile, record_function

#: Prefix of the profiler ranges this module creates.
RANGE_PREFIX = 'qm::'
#: Name of the range around one whole measured step.
TOTAL = 'total'

#: (part name, attribute path on the detector, method) of inference,
#: in pipeline order.
INFERENCE_PARTS: Tuple[Tuple[str, str, str], ...] = (
    ('preprocess', 'data_preprocessor', 'forward'),
    ('backbone', '', 'extract_feat'),
    ('RPN head', 'rpn_head', 'forward'),
    ('proposals (decode + NMS)', 'rpn_head', 'predict_by_feat'),
    ('R-FCN score maps', 'roi_head.bbox_head', 'forward_score_maps'),
    ('RoI pooling (PS-RoI / RoIAlign)', 'roi_head.bbox_head.ps_roi_pool',
     'forward'),
    ('RoI pooling (PS-RoI / RoIAlign)', 'roi_head.bbox_roi_extractor',
     'forward'),
    ('R-FCN voting / RoI head', 'roi_head.bbox_head', 'forward_rois'),
    ('R-FCN voting / RoI head', 'roi_head.bbox_head', 'forward'),
    ('box decoding + NMS', 'roi_head.bbox_head', 'predict_by_feat'),
    ('post-processing', '', 'add_pred_to_datasample'),
)

#: Parts of one training step on the detector (student); the step itself
#: adds ``data``, ``teacher extract_feat``, ``losses (parse)``,
#: ``backward`` and ``optimizer step``.
TRAIN_PARTS: Tuple[Tuple[str, str, str], ...] = (
    ('preprocess', 'data_preprocessor', 'forward'),
    ('student backbone', '', 'extract_feat'),
    ('RPN head', 'rpn_head', 'forward'),
    ('RPN targets + loss', 'rpn_head', 'loss_by_feat'),
    ('proposals (decode + NMS)', 'rpn_head', 'predict_by_feat'),
    ('RoI assign', 'roi_head.bbox_assigner', 'assign'),
    ('OHEM / RoI sampling', 'roi_head.bbox_sampler', 'sample'),
    ('R-FCN score maps', 'roi_head.bbox_head', 'forward_score_maps'),
    ('RoI pooling (PS-RoI / RoIAlign)', 'roi_head.bbox_head.ps_roi_pool',
     'forward'),
    ('RoI pooling (PS-RoI / RoIAlign)', 'roi_head.bbox_roi_extractor',
     'forward'),
    ('R-FCN voting / RoI head', 'roi_head.bbox_head', 'forward_rois'),
    ('R-FCN voting / RoI head', 'roi_head.bbox_head', 'forward'),
    ('R-CNN targets + loss', 'roi_head.bbox_head', 'loss_and_target'),
)


def _resolve(root: Any, path: str) -> Any:
    """``root.a.b`` for ``path='a.b'`` (``root`` for ``''``); None if any
    attribute is missing."""
    obj = root
    for name in filter(None, path.split('.')):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


class StageProfiler:
    """Attribute a model's CPU time to named parts with ``torch.profiler``.

    Args:
        parts (Iterable[tuple]): ``(part name, object, method name)``; the
            method of that object is run inside a profiler range of the
            part while :meth:`instrument` is active. Several methods may
            share a part name.

    Example:
        >>> prof = StageProfiler(parts_of(model, INFERENCE_PARTS))
        >>> times = prof.run(lambda: model.test_step(batch), repeat=5)
    """

    def __init__(self, parts: Iterable[Tuple[str, Any, str]]) -> None:
        self.parts = [(name, obj, method) for name, obj, method in parts
                      if obj is not None and callable(
                          getattr(obj, method, None))]

    @contextmanager
    def instrument(self) -> Iterator[None]:
        """Wrap every part's method in a ``record_function`` range."""
        patched: List[Tuple[Any, str, bool, Any]] = []
        try:
            for name, obj, method in self.parts:
                original = getattr(obj, method)
                had_own = method in vars(obj)
                setattr(obj, method, _ranged(RANGE_PREFIX + name, original))
                patched.append((obj, method, had_own, original))
            yield
        finally:
            for obj, method, had_own, original in reversed(patched):
                if had_own:
                    setattr(obj, method, original)
                else:
                    delattr(obj, method)

    def run(self, step: Callable[[], Any], repeat: int = 5,
            warmup: int = 1) -> Dict[str, float]:
        """Profile ``repeat`` calls of ``step`` (after ``warmup`` untimed
        ones) and return each part's mean milliseconds per call, plus
        ``other`` and ``total``."""
        with self.instrument():
            for _ in range(warmup):
                step()
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for _ in range(repeat):
                    with record_function(RANGE_PREFIX + TOTAL):
                        step()
        return part_times(prof.events(), [name for name, _, _ in self.parts])


def _ranged(label: str, fn: Callable) -> Callable:
    """``fn`` run inside a profiler range named ``label``."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with record_function(label):
            return fn(*args, **kwargs)

    return wrapped


def parts_of(model: nn.Module,
             table: Sequence[Tuple[str, str, str]],
             prefix: str = '') -> List[Tuple[str, Any, str]]:
    """Resolve a part table (:data:`INFERENCE_PARTS`, :data:`TRAIN_PARTS`)
    on ``model``; ``prefix`` is prepended to every part name."""
    return [(prefix + name, _resolve(model, path), method)
            for name, path, method in table]


def _nearest_ranges(event: FunctionEvent) -> Iterator[FunctionEvent]:
    """The outermost ``qm::`` ranges below ``event``."""
    for child in event.cpu_children:
        if child.name.startswith(RANGE_PREFIX):
            yield child
        else:
            yield from _nearest_ranges(child)


def part_times(events: Iterable[FunctionEvent],
               names: Sequence[str]) -> Dict[str, float]:
    """Exclusive milliseconds per part, mean over the ``total`` ranges
    (a mean, so that the parts and ``other`` add up to ``total``).

    Args:
        events: ``prof.events()`` of a run whose steps are each wrapped in
            a ``qm::total`` range.
        names (Sequence[str]): Part names, for the order of the result.

    Returns:
        dict: ``{part: ms}`` in order of ``names`` (parts that never ran
        give 0), then ``other`` (inside ``total`` but in no part) and
        ``total``.
    """
    order = list(dict.fromkeys(names))
    steps: List[Dict[str, float]] = []
    for event in events:
        if event.name != RANGE_PREFIX + TOTAL:
            continue
        per_part = dict.fromkeys(order, 0.)
        stack = [event]
        while stack:
            node = stack.pop()
            children = list(_nearest_ranges(node))
            own = node.cpu_time_total - sum(c.cpu_time_total
                                            for c in children)
            name = node.name[len(RANGE_PREFIX):]
            key = 'other' if node is event else name
            per_part[key] = per_part.get(key, 0.) + own / 1e3
            stack.extend(children)
        per_part['total'] = event.cpu_time_total / 1e3
        steps.append(per_part)
    if not steps:
        raise RuntimeError('no profiled step found')
    keys = order + ['other', 'total']
    return {key: statistics.fmean(s.get(key, 0.) for s in steps)
            for key in keys}


def format_parts(times: Dict[str, float],
                 before: Optional[Dict[str, float]] = None) -> str:
    """A markdown table of :func:`part_times` (and a second column)."""
    total = times['total']
    header = ['part', 'ms', 'share']
    if before is not None:
        header = ['part', 'ms (before)', 'ms', 'share']
    rows = [header, ['---'] + ['---:'] * (len(header) - 1)]
    for name, ms in times.items():
        if name == 'total':
            continue
        row = [name, f'{ms:.2f}', f'{100 * ms / total:.1f}%']
        if before is not None:
            row.insert(1, f'{before.get(name, 0.):.2f}')
        rows.append(row)
    row = ['**total**', f'**{total:.2f}**', '100%']
    if before is not None:
        row.insert(1, f'{before["total"]:.2f}')
    rows.append(row)
    return '\n'.join('| ' + ' | '.join(r) + ' |' for r in rows)
