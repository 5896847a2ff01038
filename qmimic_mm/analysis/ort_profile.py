"""Per-part time of an exported detector graph from ONNX Runtime's profiler.

ONNX Runtime's profiler (``SessionOptions.enable_profiling``) writes one
JSON event per node execution (``<node>_kernel_time``) and one per
``session.run`` (``model_run``). The nodes of
:class:`~qmimic_mm.deployment.RFCNDetectionGraph` are named after the
submodule they come from, so a name prefix gives the detector part
(:data:`~qmimic_mm.deployment.rfcn_graph.GRAPH_PARTS`).
"""
import json
from collections import defaultdict
from typing import Dict, Sequence, Tuple

#: Part of graph nodes that match no prefix (shape arithmetic at the top).
UNNAMED_PART = 'graph (unscoped nodes)'


def part_of(node: str, prefixes: Sequence[Tuple[str, str]]) -> str:
    """The part of the first prefix ``node`` starts with."""
    for prefix, part in prefixes:
        if node.startswith(prefix):
            return part
    return UNNAMED_PART


def graph_part_times(profile_file: str, runs: int,
                     prefixes: Sequence[Tuple[str, str]]) -> Dict[str, float]:
    """Mean milliseconds per run of each part, over the last ``runs``
    ``session.run`` calls in ``profile_file`` (earlier ones are warm-up).

    Args:
        profile_file (str): JSON written by ONNX Runtime's profiler.
        runs (int): How many of the last runs to average.
        prefixes (Sequence[tuple[str, str]]): (node name prefix, part),
            most specific first.

    Returns:
        dict: part -> ms (parts in ``prefixes`` order, then
        :data:`UNNAMED_PART` if any node matched no prefix).
    """
    with open(profile_file) as f:
        events = json.load(f)
    windows = sorted((e['ts'], e['ts'] + e['dur']) for e in events
                     if e.get('name') == 'model_run')[-runs:]
    if len(windows) < runs:
        raise ValueError(f'{profile_file}: {len(windows)} runs recorded, '
                         f'{runs} asked for')
    times: Dict[str, float] = defaultdict(float)
    suffix = '_kernel_time'
    for event in events:
        name = event.get('name', '')
        if event.get('cat') != 'Node' or not name.endswith(suffix):
            continue
        if any(lo <= event['ts'] < hi for lo, hi in windows):
            times[part_of(name[:-len(suffix)], prefixes)] += event['dur']
    order = list(dict.fromkeys(p for _, p in prefixes)) + [UNNAMED_PART]
    return {part: times[part] / runs / 1e3 for part in order if part in times}
