"""Smoke tests of tools/analysis_tools/{get_flops,benchmark,table1}.py at
tiny input sizes (the command lines are in tools/analysis_tools/, the library
code in qmimic_mm.analysis.{flops,benchmark})."""
import os.path as osp
import re
import sys

import pytest

from conftest import CONFIGS


from qmimic_mm.analysis import flops as get_flops  # noqa: E402


VGG1_4 = osp.join(CONFIGS, 'rfcn', 'rfcn_vgg1-4_80k_wider.py')
VGG1_32 = osp.join(CONFIGS, 'rfcn', 'rfcn_vgg1-32_80k_wider.py')
SHAPE = (64, 96)
UNITS = {'': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12}


def parse_size(text: str) -> float:
    """'19.632K' -> 19632.0 (mmengine's _format_size)."""
    number, unit = re.fullmatch(r'([\d.]+)([KMGT]?)', text).groups()
    return float(number) * UNITS[unit]


def build(config: str, fuse: bool = False):
    cfg = get_flops.load_detector_config(config)
    return get_flops.build_detector(cfg, fuse_conv_bn=fuse)


def test_get_flops_prints_detector_and_backbone(tool):
    result = tool(['tools/analysis_tools/get_flops.py', VGG1_32, '--shape',
                   *map(str, SHAPE)])
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    found = {
        part: (flops, params) for part, flops, params in re.findall(
            r'^(Detector|Backbone): Flops: (\S+)  Params: (\S+)$', out,
            re.M)
    }
    assert set(found) == {'Detector', 'Backbone'}, out
    assert 'Input shape: (1, 1, 64, 96)' in out  # gray, already /16
    assert 'PS-RoI pooling' in out
    model = build(VGG1_32)
    params = sum(p.numel() for p in model.parameters())
    backbone_params = sum(p.numel() for p in model.backbone.parameters())
    assert parse_size(found['Detector'][1]) == pytest.approx(params, 1e-3)
    assert parse_size(found['Backbone'][1]) == pytest.approx(
        backbone_params, 1e-3)
    # VGG-1-32 convs (no BN): 54 MACs per pixel in stage 1, then 216, 1440,
    # 5760, 6912 per pixel at strides 2, 4, 8, 16 -> 0.25 GMACs at 768x1024
    det_flops, bb_flops = (parse_size(found[k][0])
                           for k in ('Detector', 'Backbone'))
    h, w = SHAPE
    convs = h * w * (54 + 216 / 4 + 1440 / 16 + 5760 / 64 + 6912 / 256)
    assert convs < bb_flops < 1.2 * convs  # + 2 per element for BN
    assert bb_flops < det_flops < 1.2 * bb_flops


def test_backbone_flops_scale_with_width_squared():
    vgg1_4 = get_flops.count_complexity(build(VGG1_4, fuse=True), SHAPE)
    vgg1_32 = get_flops.count_complexity(build(VGG1_32, fuse=True), SHAPE)
    ratio = vgg1_32['backbone_flops'] / vgg1_4['backbone_flops']
    # Every conv shrinks by (1/8)^2 except conv1_1, whose single gray input
    # channel is not divided (1/8): the ratio is a bit above 1/64.
    assert 1 / 64 < ratio < 1 / 56
    assert vgg1_32['params'] == sum(
        p.numel() for p in build(VGG1_32, fuse=True).parameters())
    assert vgg1_32['input_shape'] == (1, 1, *SHAPE)
    assert vgg1_32['feat_shape'] == (1, 16, SHAPE[0] // 16, SHAPE[1] // 16)


def test_benchmark_prints_side_by_side_table(tool):
    result = tool([
        'tools/analysis_tools/benchmark.py', VGG1_4, VGG1_32, '--shape',
        *map(str, SHAPE), '--repeat', '2', '--warmup', '1', '--threads', '1'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith('| config'))
    assert 'speed-up' in header and 'backbone (ms)' in header
    rows = [line for line in lines
            if line.startswith('| rfcn_vgg1-')]
    assert [row.split('|')[1].strip() for row in rows] == [
        'rfcn_vgg1-4_80k_wider', 'rfcn_vgg1-32_80k_wider']
    cells = [row.split('|')[1:-1] for row in rows]
    assert cells[0][4].strip() == '1.00x'  # speed-up of the reference
    assert float(cells[1][4].strip().rstrip('x')) > 0
    assert '1 thread(s)' in result.stdout
    if sys.platform.startswith('linux'):  # glibc's mallopt
        assert 'malloc keeps freed memory' in result.stdout


def test_table1_markdown(tool):
    result = tool(['tools/analysis_tools/table1.py', '--shape',
                   *map(str, SHAPE), '--repeat', '1', '--warmup', '0',
                   '--threads', '1'])
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [line for line in result.stdout.splitlines()
            if line.startswith('| VGG')]
    assert [row.split('|')[1].strip() for row in rows] == [
        'VGG16 R-FCN', 'VGG-1-4 R-FCN', 'VGG-1-32 R-FCN',
        'VGG-1-4 pruned x8 R-FCN']
    assert rows[0].split('|')[6].strip() == '1.0x'
    # detector / backbone is the row's latency over its backbone latency
    # (both printed to 0.1 ms; one timed round, so no claim about its size)
    for row in rows:
        cells = [cell.strip() for cell in row.split('|')]
        ratio = float(cells[10].rstrip('x'))
        assert ratio == pytest.approx(float(cells[5]) / float(cells[8]),
                                      rel=0.1, abs=0.02)


def test_table1_subset_without_flops(tool):
    """--models times the rows given, in that order (speed-ups against the
    first of them); --no-flops leaves the FLOP columns as '-'."""
    result = tool(['tools/analysis_tools/table1.py', '--shape',
                   *map(str, SHAPE), '--repeat', '1', '--warmup', '0',
                   '--threads', '1', '--no-flops', '--models', 'vgg1-32',
                   'vgg1-4'])
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [[cell.strip() for cell in line.split('|')]
            for line in result.stdout.splitlines() if line.startswith('| VGG')]
    assert [row[1] for row in rows] == ['VGG-1-32 R-FCN', 'VGG-1-4 R-FCN']
    assert rows[0][6] == '1.0x'
    assert all(row[2] == '-' and row[7] == '-' for row in rows)
    assert rows[0][3] == '19.5K'  # params are still counted
    bad = tool(['tools/analysis_tools/table1.py', '--models', 'vgg2'])
    assert bad.returncode == 2 and 'invalid choice' in bad.stderr


@pytest.mark.parametrize('runtime', ['torch-graph', 'onnxruntime'])
def test_benchmark_runtimes(tool, runtime):
    """The detector graph runs in PyTorch and, exported whole, in ONNX
    Runtime."""
    if runtime == 'onnxruntime':
        pytest.importorskip('onnxruntime')
    result = tool(['tools/analysis_tools/benchmark.py', VGG1_32, '--shape',
                   *map(str, SHAPE), '--repeat', '1', '--warmup', '0',
                   '--threads', '1', '--no-flops', '--runtime', runtime])
    assert result.returncode == 0, result.stderr[-3000:]
    assert runtime in result.stdout


def test_cuda_graph_runtime_needs_a_gpu(tool):
    result = tool(['tools/analysis_tools/benchmark.py', VGG1_32,
                   '--no-flops', '--runtime', 'cuda-graph'])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        'error: --runtime cuda-graph needs --device cuda')


def test_bad_arguments_give_one_line_errors(tool):
    result = tool(['tools/analysis_tools/benchmark.py', VGG1_32,
                   'configs/rfcn/missing.py', '--no-flops'])
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        'error: config file not found: configs/rfcn/missing.py')


RTMDET1_32 = osp.join(CONFIGS, 'rtmdet', 'rtmdet_cspnext-1-32_80k_wider.py')


def test_get_flops_counts_the_neck_of_a_one_stage_detector(tool):
    result = tool(['tools/analysis_tools/get_flops.py', RTMDET1_32,
                   '--shape', *map(str, SHAPE), '--fuse-conv-bn'])
    assert result.returncode == 0, result.stderr[-3000:]
    found = dict(re.findall(r'^(Detector|Backbone|Backbone \+ neck|Dense '
                            r'head \(detector - backbone - neck\)): Flops: '
                            r'\S+  Params: (\S+)$', result.stdout, re.M))
    model = build(RTMDET1_32, fuse=True)
    count = {
        'Detector': model, 'Backbone': model.backbone,
        'Dense head (detector - backbone - neck)': model.bbox_head}
    for part, module in count.items():
        assert parse_size(found[part]) == pytest.approx(
            sum(p.numel() for p in module.parameters()), 1e-3), part
    assert parse_size(found['Backbone + neck']) == pytest.approx(
        parse_size(found['Backbone']) + sum(
            p.numel() for p in model.neck.parameters()), 1e-3)


@pytest.mark.parametrize('runtime', ['torch', 'onnxruntime'])
def test_table1_one_stage_rows(tool, runtime):
    """The one-stage student and teacher beside VGG-1-32 R-FCN, in one
    run of either runtime: params and FLOPs of the fused detectors, the
    backbone columns over backbone + neck."""
    if runtime == 'onnxruntime':
        pytest.importorskip('onnxruntime')
    result = tool(['tools/analysis_tools/table1.py', '--shape',
                   *map(str, SHAPE), '--repeat', '1', '--warmup', '0',
                   '--threads', '1', '--runtime', runtime, '--models',
                   'vgg1-32', 'rtmdet1-32', 'rtmdet1-4'])
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [[cell.strip() for cell in line.split('|')[1:-1]]
            for line in result.stdout.splitlines()
            if line.startswith(('| VGG', '| CSPNeXt'))]
    assert [row[0] for row in rows] == [
        'VGG-1-32 R-FCN', 'CSPNeXt-1-32 RTMDet', 'CSPNeXt-1-4 RTMDet']
    assert f'(gray, {runtime}, input 64x96' in result.stdout
    assert 'for the RTMDet rows backbone + neck' in result.stdout
    for row, config in zip(rows[1:], [RTMDET1_32, RTMDET1_32.replace(
            '1-32', '1-4')]):
        model = build(config, fuse=True)
        counted = get_flops.count_complexity(model, SHAPE)
        assert parse_size(row[2]) == pytest.approx(
            sum(p.numel() for p in model.parameters()), 1e-3)
        assert parse_size(row[1]) == pytest.approx(counted['flops'], 1e-3)
        assert parse_size(row[6]) == pytest.approx(counted['feature_flops'],
                                                   1e-3)
        assert counted['feature_flops'] > counted['backbone_flops']
        assert float(row[4]) > 0 and float(row[7]) > 0
    assert rows[1][2] == '36.095K'  # CSPNeXt-1-32 RTMDet, bn fused
    # the one-stage student costs fewer MACs than VGG-1-32 R-FCN
    assert parse_size(rows[1][1]) < parse_size(rows[0][1])
