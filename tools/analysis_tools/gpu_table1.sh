#!/usr/bin/env bash
# Table 1 with --device cuda on a lent GPU machine: the R-FCN students and
# teachers beside the one-stage ones (RTMDet CSPNeXt-1-32 / -1-4), one run
# per runtime, following ../shared/docs/gpu.md (mmcv 2.1.0 built with its
# CUDA ops on the machine, everything else from wheels carried in .gpu/).
#
#   bash tools/analysis_tools/gpu_table1.sh prepare
#       here, once, in the project root: downloads the wheels and mmcv's
#       sdist into .gpu/ (git-ignored through .git/info/exclude). Only what
#       gpu.md lists, to stay under the 64 MiB a `run` call carries.
#   device tool: run(command="bash tools/analysis_tools/gpu_table1.sh",
#                    carry=[".gpu"], timeout_s=570)
#       on the GPU machine: ~5 min for the mmcv build, then Table 1 in
#       torch, torch-graph and cuda-graph runtimes at 768x1024, cuda-graph
#       at the demo's 192x256, and a check that the one-stage graph detects
#       on CUDA as test_step does. Everything it prints is also under $OUT.
#
# FLOPs and params are device-independent and counting them took over 70 s
# on the GPU machine: the tables here run with --no-flops (the CPU Table 1
# has them). Every step is bounded by `timeout`, so the call ends in time
# and returns what it has.
set -u
MODELS=${MODELS:-"vgg1-32 rtmdet1-32 vgg1-4 rtmdet1-4 vgg16"}
RUNTIMES=${RUNTIMES:-"torch torch-graph cuda-graph"}
SMALL_SHAPE=${SMALL_SHAPE:-1}  # 0 skips the 192x256 table

if [ "${1:-device}" = prepare ]; then
  PYTHON=${PYTHON:-.venv/bin/python}
  [ -x "$PYTHON" ] || PYTHON=python3
  EXCLUDE=$(git rev-parse --git-path info/exclude)
  grep -qx '/.gpu/' "$EXCLUDE" 2>/dev/null || echo '/.gpu/' >> "$EXCLUDE"
  mkdir -p .gpu/whl
  python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d .gpu/whl mmengine==0.10.7 mmdet==3.3.0 mmrazor==1.0.0 addict yapf \
    termcolor ordered-set terminaltables pycocotools shapely platformdirs \
    setuptools==80.9.0 || exit 1
  "$PYTHON" -m pip download --no-build-isolation --no-deps --no-binary :all: \
    -d .gpu mmcv==2.1.0 || exit 1
  du -sh .gpu
  exit 0
fi

OUT=${OUT:-/tmp/gpu_table1_out}
mkdir -p "$OUT"
T0=$(date +%s)
ROOT=$PWD
python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site \
  .gpu/whl/*.whl || exit 1
export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1
mkdir -p /tmp/b && tar xzf .gpu/mmcv-2.1.0.tar.gz -C /tmp/b || exit 1
(cd /tmp/b/mmcv-2.1.0 && TORCH_CUDA_ARCH_LIST=9.0 MAX_JOBS=16 FORCE_CUDA=1 \
  MMCV_WITH_OPS=1 timeout 360 python3 setup.py build_ext --inplace \
  > "$OUT/mmcv_build.log" 2>&1) || { tail -20 "$OUT/mmcv_build.log"; exit 1; }
export PYTHONPATH=/tmp/b/mmcv-2.1.0:/tmp/site:$ROOT
echo "mmcv built after $(( $(date +%s) - T0 )) s"

# the one-stage graph on CUDA against test_step (the CUDA NMS of mmcv)
timeout 60 python3 - <<'EOF' 2>&1 | grep -v Warning | tee "$OUT/one_stage_cuda_check.txt"
import math
import torch
from qmimic_mm.analysis.flops import (build_detector, load_detector_config,
                                      synthetic_batch)
from qmimic_mm.deployment import TorchGraphDetector
from qmimic_mm.deployment.detection_match import (matched_share,
                                                  paired_difference)
model = build_detector(load_detector_config(
    'configs/rtmdet/rtmdet_cspnext-1-32_80k_wider.py'))
# as tests/test_deployment/test_one_stage_export.py seeds it: activations
# O(1), many scores above score_thr, boxes of a cell's size
gen = torch.Generator().manual_seed(0)
with torch.no_grad():
    for param in model.parameters():
        std = 1.5 / math.sqrt(param[0].numel()) if param.dim() > 1 else 0.3
        param.copy_(torch.randn(param.shape, generator=gen) * std)
    for conv in model.bbox_head.rtm_reg:
        conv.weight.mul_(0.1)
        conv.bias.fill_(1.)
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.momentum = 1.
    model.train()
    calib = synthetic_batch(model, (160, 224), seed=7)
    model.bbox_head(model.extract_feat(
        model.data_preprocessor(calib, False)['inputs']))
model = model.cuda().eval()
batch = synthetic_batch(model, (768, 1024))
with torch.no_grad():
    ref = model.test_step(batch)[0].pred_instances
for cuda_graph in (False, True):
    got = TorchGraphDetector(model, cuda_graph).test_step(
        batch)[0].pred_instances
    print(f'cuda_graph={cuda_graph}: {len(got)} detections (test_step '
          f'{len(ref)}), paired difference (box px, score) '
          f'{paired_difference(ref.cpu(), got.cpu())}, matched '
          f'{matched_share(ref.cpu(), got.cpu()):.3f}')
EOF

for runtime in $RUNTIMES; do
  echo "=== $runtime, 768x1024 (after $(( $(date +%s) - T0 )) s)"
  timeout 75 python3 tools/analysis_tools/table1.py --device cuda --no-flops \
    --repeat 30 --warmup 5 --runtime $runtime --models $MODELS 2>&1 \
    | grep -v Warning | tee "$OUT/table1_cuda_${runtime}.txt"
done
if [ "$SMALL_SHAPE" = 1 ]; then
  echo "=== cuda-graph, 192x256 (after $(( $(date +%s) - T0 )) s)"
  timeout 60 python3 tools/analysis_tools/table1.py --device cuda --no-flops \
    --repeat 30 --warmup 5 --runtime cuda-graph --shape 192 256 \
    --models $MODELS 2>&1 | grep -v Warning \
    | tee "$OUT/table1_cuda_cuda-graph_192x256.txt"
fi
echo "took $(( $(date +%s) - T0 )) s"
