#!/usr/bin/env bash
# The demo's one-stage Quantization Mimic student trained with --amp and in
# fp32 side by side on a lent GPU (issue: mixed precision), then tested on
# the demo's test split: step time and AP of both.
#
#   device tool, after gpu_table1.sh in the same call (it builds mmcv):
#     run(command="bash tools/analysis_tools/gpu_table1.sh && "
#                 "bash tools/analysis_tools/gpu_amp_check.sh",
#         carry=[".gpu", "data/demo_faces"])
#
# TEACHER: the quantized teacher's checkpoint (state_dict only), e.g. the
# demo's work_dirs/demo_one-stage/seed0/rtmdet_cspnext-1-4-quant_demo/
# iter_400.pth, copied under .gpu/ so that it travels. ITERS shortens the
# schedule (its milestone and warm-up scale with it).
set -u
OUT=${OUT:-/tmp/gpu_amp_out}
TEACHER=${TEACHER:-.gpu/teacher_q.pth}
ITERS=${ITERS:-2000}
CONFIG=configs/demo/qmimic_rtmdet_cspnext-1-32_demo.py
STUDENT=configs/demo/rtmdet_cspnext-1-32_demo.py
export PYTHONPATH=/tmp/b/mmcv-2.1.0:/tmp/site:$PWD PYTHONUNBUFFERED=1
mkdir -p "$OUT"
T0=$(date +%s)
OPTS="model.teacher_ckpt=$TEACHER train_cfg.max_iters=$ITERS \
train_cfg.val_interval=$ITERS param_scheduler.1.end=$ITERS \
param_scheduler.1.milestones=[$(( ITERS * 3 / 4 ))] \
custom_hooks.0.warmup_iters=$(( ITERS / 20 )) \
default_hooks.checkpoint.interval=$ITERS"
for mode in fp32 amp; do
  flag=""; [ $mode = amp ] && flag=--amp
  timeout 240 python3 tools/train.py $CONFIG --work-dir /tmp/amp_$mode $flag \
    --cfg-options $OPTS > "$OUT/train_$mode.log" 2>&1 &
done
wait
for mode in fp32 amp; do
  echo "=== $mode (after $(( $(date +%s) - T0 )) s)"
  grep -E "Iter\(train\)" "$OUT/train_$mode.log" | tail -2 | cut -c1-230
  grep -ciE "nan|overflow|skipped" "$OUT/train_$mode.log"
  timeout 60 python3 tools/model_converters/extract_student.py \
    /tmp/amp_$mode/iter_$ITERS.pth /tmp/amp_$mode/student.pth > /dev/null 2>&1
  timeout 90 python3 tools/test.py $STUDENT /tmp/amp_$mode/student.pth \
    --work-dir /tmp/amp_test_$mode > "$OUT/test_$mode.log" 2>&1
  grep -oE "wider/(easy|medium|hard): [0-9.]+" "$OUT/test_$mode.log" | tr '\n' ' '
  echo
done
echo "took $(( $(date +%s) - T0 )) s"
