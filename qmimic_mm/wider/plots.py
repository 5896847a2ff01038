"""Precision-recall plots of WIDER FACE results, like the official ones.

matplotlib is imported only when a plot is drawn.
"""
import os
import os.path as osp
from typing import Dict, List

from .format import WIDER_SETTINGS


def plot_wider_pr_curves(result: dict,
                         out_dir: str,
                         label: str = 'model') -> List[str]:
    """Save one precision-recall PNG per setting, like the official plots.

    Args:
        result: Output of :func:`~qmimic_mm.wider.protocol.evaluate_wider`.
        out_dir: Folder for ``wider_pr_{easy,medium,hard}.png``.
        label: Method name for the legend (shown with the AP).

    Returns:
        The written paths.
    """
    return plot_wider_pr_comparison({label: result}, out_dir)


def plot_wider_pr_comparison(results: Dict[str, dict],
                             out_dir: str,
                             file_prefix: str = 'wider_pr',
                             title: str = 'Precision-Recall') -> List[str]:
    """One precision-recall PNG per setting with a curve per method.

    Args:
        results: Method name (legend, shown with its AP) -> output of
            :func:`~qmimic_mm.wider.protocol.evaluate_wider`.
        out_dir: Folder for ``<file_prefix>_{easy,medium,hard}.png``.
        file_prefix: File name start. Defaults to ``'wider_pr'``.
        title: Figure title; the setting is appended.

    Returns:
        The written paths.
    """
    # Figure + Agg canvas directly: no pyplot global backend state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for setting in WIDER_SETTINGS:
        fig = Figure(figsize=(6, 5) if len(results) == 1 else (7, 5.5))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
        for label, result in results.items():
            curve = result['pr_curves'][setting]
            recall, precision = curve['recall'], curve['precision']
            shown = recall > 0  # thresholds no box passes have no PR point
            ax.plot(recall[shown],
                    precision[shown],
                    linewidth=2,
                    label=f'{label}-{result[setting]:.3f}')
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel('Recall')
        ax.set_ylabel('Precision')
        ax.set_title(f'{title} ({setting})')
        ax.grid(True, linestyle=':')
        ax.legend(loc='lower left',
                  fontsize='medium' if len(results) == 1 else 'small')
        fig.tight_layout()
        path = osp.join(out_dir, f'{file_prefix}_{setting}.png')
        fig.savefig(path, dpi=100)
        paths.append(path)
    return paths
