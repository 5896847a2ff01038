"""WIDER FACE: the file formats (:mod:`.format`), the official
easy/medium/hard AP protocol (:mod:`.protocol`) and its PR plots
(:mod:`.plots`).

Needs numpy and scipy only (matplotlib when plotting), never torch or the
OpenMMLab stack: ``tools/analysis_tools/wider_eval.py`` starts fast.
"""
from .format import (WIDER_ATTRIBUTES, WIDER_NUM_FIELDS, WIDER_SETTINGS,
                     WiderAnnotationError, WiderGroundTruth,
                     WiderImageAnnotation, WiderImageGroundTruth,
                     build_wider_mat, format_wider_bbx_gt, keep_indices,
                     load_wider_ground_truth, parse_wider_bbx_gt,
                     read_wider_prediction_file, read_wider_predictions,
                     save_wider_ground_truth, save_wider_mat, wider_gt_files,
                     write_wider_predictions)
from .operating_points import (CONFIDENT_RECALL, CONFIDENT_SETTING,
                               best_f1_point, confident_score,
                               score_at_recall)
from .plots import plot_wider_pr_comparison, plot_wider_pr_curves
from .protocol import evaluate_wider

__all__ = [
    'WIDER_ATTRIBUTES', 'WIDER_NUM_FIELDS', 'WIDER_SETTINGS',
    'WiderAnnotationError', 'WiderGroundTruth', 'WiderImageAnnotation',
    'WiderImageGroundTruth', 'best_f1_point', 'build_wider_mat',
    'CONFIDENT_RECALL', 'CONFIDENT_SETTING', 'confident_score',
    'evaluate_wider', 'score_at_recall',
    'format_wider_bbx_gt', 'keep_indices', 'load_wider_ground_truth',
    'parse_wider_bbx_gt', 'plot_wider_pr_comparison', 'plot_wider_pr_curves',
    'read_wider_prediction_file', 'read_wider_predictions',
    'save_wider_ground_truth', 'save_wider_mat', 'wider_gt_files',
    'write_wider_predictions'
]
