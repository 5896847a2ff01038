"""Per-unit channel targets and the build-time budget errors."""
import pytest

from qmimic_mm.pruning import channel_targets, step_targets

UNITS = {'conv1': 16, 'conv2': 128, 'rpn': 256}


def test_ratio_8_gives_vgg1_32_widths():
    assert channel_targets(UNITS, 8) == {'conv1': 2, 'conv2': 16, 'rpn': 32}
    assert channel_targets(UNITS, 1) == UNITS
    assert channel_targets(UNITS, 8, {'rpn': 40})['rpn'] == 40


def test_budget_that_cannot_be_met_names_the_numbers():
    with pytest.raises(ValueError, match=r'model.pruning_ratio=0.5: .* >= 1'):
        channel_targets(UNITS, 0.5)
    with pytest.raises(ValueError, match=r'removes every channel of conv1: '
                       r'16 channels / 64 = 0.25 rounds to 0.*largest ratio '
                       r'this model allows is 32'):
        channel_targets(UNITS, 64)
    with pytest.raises(ValueError, match=r"keep_channels\['conv2'\]=130: the "
                       r'unit has 128 channels, so -2 would be removed'):
        channel_targets(UNITS, 8, {'conv2': 130})
    with pytest.raises(ValueError, match=r"unknown unit 'conv9'"):
        channel_targets(UNITS, 8, {'conv9': 3})


def test_geometric_steps_end_on_the_target():
    final = channel_targets(UNITS, 8)
    widths = [step_targets(UNITS, final, s, 3) for s in (1, 2, 3)]
    assert [w['conv2'] for w in widths] == [64, 32, 16]
    assert widths[-1] == final
    with pytest.raises(ValueError, match='step must be in 1..3'):
        step_targets(UNITS, final, 4, 3)
