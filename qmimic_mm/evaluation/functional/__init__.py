"""The WIDER FACE evaluation functions, re-exported from
:mod:`qmimic_mm.wider` (their owner; import that for a torch-free start)."""
from qmimic_mm.wider import (WIDER_SETTINGS, WiderGroundTruth,
                             WiderImageGroundTruth, evaluate_wider,
                             load_wider_ground_truth, plot_wider_pr_comparison,
                             plot_wider_pr_curves, read_wider_prediction_file,
                             read_wider_predictions, wider_gt_files,
                             write_wider_predictions)

__all__ = [
    'WIDER_SETTINGS', 'WiderGroundTruth', 'WiderImageGroundTruth',
    'evaluate_wider', 'load_wider_ground_truth', 'plot_wider_pr_comparison',
    'plot_wider_pr_curves', 'read_wider_prediction_file',
    'read_wider_predictions', 'wider_gt_files', 'write_wider_predictions'
]
