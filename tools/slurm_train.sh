#!/usr/bin/env bash
# Usage: tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
# Environment: GPUS (total, default 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5),
# SRUN_ARGS (extra srun arguments).
#
# Preemption (docs/en/user_guides/fault_tolerance.md): run it inside a
# requeueable allocation that signals the tasks before the end, e.g.
#   sbatch --requeue --signal=USR1@120 -p PARTITION --gres=gpu:8 \
#       --wrap "tools/slurm_train.sh PARTITION NAME CONFIG WORK_DIR"
# On SIGUSR1 or SIGTERM tools/train.py saves a checkpoint at the end of the
# iteration and exits with 75 (PREEMPTED_EXIT_CODE,
# qmimic_mm/engine/hooks/preemption_hook.py); this script then requeues the
# job (scontrol requeue), and the requeued run resumes from WORK_DIR.
set -x
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PY_ARGS=${@:5}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PREEMPTED_EXIT_CODE=75

# A requeued (or re-submitted) run goes on from its newest good checkpoint.
if [ -f "${WORK_DIR}/last_checkpoint" ] && [[ " ${PY_ARGS} " != *" --resume"* ]]; then
    PY_ARGS="${PY_ARGS} --resume"
fi
rm -f "${WORK_DIR}/preempted"  # written again only by a new preemption

PYTHONPATH="$ROOT:$PYTHONPATH" \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    --gres=gpu:"${GPUS_PER_NODE}" \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    python -u "$ROOT/tools/train.py" "${CONFIG}" --work-dir="${WORK_DIR}" --launcher="slurm" ${PY_ARGS}
RC=$?

# Preempted: the checkpoint is saved (the run wrote WORK_DIR/preempted;
# srun may report a killed task's status instead of 75 when the processes
# exit together). Requeue when inside an sbatch allocation.
if [ "$RC" -eq "$PREEMPTED_EXIT_CODE" ] || [ -f "${WORK_DIR}/preempted" ]; then
    if [ -n "${SLURM_JOB_ID}" ]; then
        scontrol requeue "${SLURM_JOB_ID}"
    else
        echo "preempted; resume with: $0 $*" >&2
    fi
    exit "$PREEMPTED_EXIT_CODE"
fi
exit "$RC"
