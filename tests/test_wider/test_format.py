"""Round trips through qmimic_mm.wider.format: parse(format(x)) == x for the
bbx_gt txt, the eval_tools .mat files and the prediction files."""
import numpy as np
import pytest

from qmimic_mm.wider import (WIDER_SETTINGS, WiderAnnotationError,
                             WiderImageAnnotation, format_wider_bbx_gt,
                             keep_indices, load_wider_ground_truth,
                             parse_wider_bbx_gt, read_wider_predictions,
                             save_wider_ground_truth, write_wider_predictions)

RECORDS = [
    WiderImageAnnotation('0--Parade/0_Parade_a_1.jpg',
                         [[10, 20, 30, 40, 0, 0, 0, 0, 0, 0],
                          [5, 6, 8, 9, 2, 1, 0, 0, 1, 0],
                          [1, 1, 50, 60, 0, 0, 1, 1, 2, 1]], line=1),
    WiderImageAnnotation('0--Parade/0_Parade_a_2.jpg', [], line=6),
    WiderImageAnnotation('1--Handshaking/1_Handshaking_b_1.jpg',
                         [[0, 0, 25, 19, 1, 0, 0, 0, 0, 0]], line=9),
]
MIN_SIZES = dict(easy=30, medium=10, hard=0)


def test_bbx_gt_txt_round_trip():
    text = format_wider_bbx_gt(RECORDS)
    assert text.splitlines()[5:8] == ['0--Parade/0_Parade_a_2.jpg', '0',
                                      '0 0 0 0 0 0 0 0 0 0 ']
    assert parse_wider_bbx_gt(text) == RECORDS
    assert format_wider_bbx_gt(parse_wider_bbx_gt(text)) == text


def test_mat_round_trip_and_keep_policy(tmp_path):
    kept = save_wider_ground_truth(str(tmp_path), 'val', RECORDS, MIN_SIZES)
    # valid (invalid == 0) faces with min(w, h) >= the setting's size
    assert kept == dict(easy=1, medium=2, hard=3)
    gt = load_wider_ground_truth(str(tmp_path), 'val')
    assert len(gt) == len(RECORDS)
    for record in RECORDS:
        image = gt.images[record.event][record.name]
        rows = np.asarray(record.boxes or [[0] * 10]).reshape(-1, 10)
        np.testing.assert_array_equal(image.boxes, rows[:, :4])
        for setting in WIDER_SETTINGS:
            expected = (keep_indices(record.boxes, MIN_SIZES[setting]) - 1
                        if record.boxes else np.zeros(0))
            np.testing.assert_array_equal(image.keep[setting], expected)
    assert [gt.num_faces(s) for s in WIDER_SETTINGS] == [1, 2, 3]


def test_mat_files_are_byte_stable(tmp_path):
    for out in ('a', 'b'):
        (tmp_path / out).mkdir()
        save_wider_ground_truth(str(tmp_path / out), 'test', RECORDS,
                                MIN_SIZES)
    for name in ('wider_face_test.mat', 'wider_easy_test.mat'):
        assert (tmp_path / 'a' / name).read_bytes() == \
            (tmp_path / 'b' / name).read_bytes()


def test_prediction_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    preds = {
        '0--Parade': {'0_Parade_a_1': rng.random((4, 5)) * 100,
                      '0_Parade_a_2': np.zeros((0, 5))},
        '1--Handshaking': {'1_Handshaking_b_1': np.array(
            [[1.5, -2.25, 1e-7, 3e5, 0.1 + 0.2]])},
    }
    for event, images in preds.items():
        for name, boxes in images.items():
            write_wider_predictions(str(tmp_path), event, name, boxes)
    read = read_wider_predictions(str(tmp_path))
    assert read.keys() == preds.keys()
    for event, images in preds.items():
        assert read[event].keys() == images.keys()
        for name, boxes in images.items():
            # bit-identical float64 (shortest round-trip text)
            np.testing.assert_array_equal(read[event][name], boxes)


def test_malformed_txt_is_a_one_line_value_error():
    text = format_wider_bbx_gt(RECORDS).replace('5 6 8 9 2 1 0 0 1 0',
                                                '5 6 8 x 2 1 0 0 1 0')
    with pytest.raises(WiderAnnotationError) as err:
        parse_wider_bbx_gt(text, 'ann.txt')
    assert isinstance(err.value, ValueError)
    assert str(err.value).startswith('ann.txt:4: expected box row 2/3')
    assert '\n' not in str(err.value)
