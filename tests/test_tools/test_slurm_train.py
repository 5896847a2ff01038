"""tools/slurm_train.sh requeues a preempted job and resumes it, with
stand-ins for Slurm's srun and scontrol on PATH."""
import os
import os.path as osp
import stat
import subprocess

import pytest

from conftest import REPO

SCRIPT = osp.join(REPO, 'tools', 'slurm_train.sh')


def _stub(folder, name: str, body: str) -> None:
    path = osp.join(folder, name)
    with open(path, 'w') as f:
        f.write('#!/usr/bin/env bash\n' + body)
    os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)


def _run(tmp_path, srun_rc: int, job_id: str = '4242', marker=False,
         checkpoint=False):
    bin_dir, work = tmp_path / 'bin', tmp_path / 'work'
    bin_dir.mkdir()
    work.mkdir()
    calls = tmp_path / 'calls.txt'
    # srun records its command line (the train.py arguments) and exits
    # with the given status, writing the preemption marker like the hook
    _stub(str(bin_dir), 'srun', f'echo "srun $*" >> {calls}\n' +
          (f'echo x > {work}/preempted\n' if marker else '') +
          f'exit {srun_rc}\n')
    _stub(str(bin_dir), 'scontrol', f'echo "scontrol $*" >> {calls}\n')
    if checkpoint:
        (work / 'last_checkpoint').write_text(str(work / 'iter_4.pth'))
    env = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}',
               SLURM_JOB_ID=job_id)
    result = subprocess.run(
        ['bash', SCRIPT, 'part', 'job', 'cfg.py', str(work), '--amp'],
        env=env, capture_output=True, text=True, timeout=60)
    return result, calls.read_text().splitlines()


def test_exit_code_is_the_hooks():
    from qmimic_mm.engine.hooks.preemption_hook import PREEMPTED_EXIT_CODE
    with open(SCRIPT) as f:
        assert f'PREEMPTED_EXIT_CODE={PREEMPTED_EXIT_CODE}\n' in f.read()


def test_preempted_run_is_requeued(tmp_path):
    result, calls = _run(tmp_path, srun_rc=75)
    assert result.returncode == 75
    assert calls[-1] == 'scontrol requeue 4242'
    assert '--resume' not in calls[0]  # the first start: nothing to resume


@pytest.mark.parametrize('srun_rc', [137, 143])
def test_marker_requeues_when_srun_reports_a_killed_task(tmp_path, srun_rc):
    result, calls = _run(tmp_path, srun_rc=srun_rc, marker=True)
    assert result.returncode == 75
    assert calls[-1] == 'scontrol requeue 4242'


def test_requeued_run_resumes_and_a_crash_is_not_requeued(tmp_path):
    result, calls = _run(tmp_path, srun_rc=1, checkpoint=True)
    assert result.returncode == 1
    assert len(calls) == 1 and calls[0].endswith('--amp --resume')
