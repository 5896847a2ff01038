from .wider_eval import (WIDER_SETTINGS, WiderGroundTruth,
                         WiderImageGroundTruth, evaluate_wider,
                         load_wider_ground_truth, plot_wider_pr_comparison,
                         plot_wider_pr_curves,
                         read_wider_prediction_file, read_wider_predictions,
                         wider_gt_files, write_wider_predictions)
from .wider_eval_reference import evaluate_wider_reference

__all__ = [
    'WIDER_SETTINGS', 'WiderGroundTruth', 'WiderImageGroundTruth',
    'evaluate_wider', 'evaluate_wider_reference', 'load_wider_ground_truth',
    'plot_wider_pr_comparison', 'plot_wider_pr_curves',
    'read_wider_prediction_file',
    'read_wider_predictions', 'wider_gt_files', 'write_wider_predictions'
]
