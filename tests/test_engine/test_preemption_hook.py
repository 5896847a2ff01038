"""PreemptionHook's signal handling outside a training iteration and in
forked processes (each case in its own interpreter: it installs
process-wide signal handlers)."""
import signal
import subprocess
import sys
import textwrap

from conftest import REPO


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                          cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def test_outside_training_a_signal_has_its_default_action():
    # e.g. tools/test.py, whose runner builds the same default_hooks
    result = _python('''
        import os, signal, time
        from qmimic_mm.engine.hooks.preemption_hook import PreemptionHook
        hook = PreemptionHook()
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
        print('survived')
    ''')
    assert result.returncode == -signal.SIGTERM
    assert 'survived' not in result.stdout


def test_during_training_the_signal_is_only_noted():
    result = _python('''
        import os, signal
        from qmimic_mm.engine.hooks.preemption_hook import PreemptionHook
        hook = PreemptionHook()
        hook.flag.training = True
        os.kill(os.getpid(), signal.SIGUSR1)
        print(hook.flag.signal_name)
    ''')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'SIGUSR1'


def test_forked_workers_end_on_sigterm_and_ignore_sigusr1():
    # multiprocessing.Pool.terminate() sends SIGTERM (mmdet's VOC metric
    # uses a pool); Slurm's --signal=USR1 reaches data loader workers
    result = _python('''
        import multiprocessing as mp, os, signal, time
        from qmimic_mm.engine.hooks.preemption_hook import PreemptionHook
        hook = PreemptionHook()
        hook.flag.training = True
        ctx = mp.get_context('fork')
        worker = ctx.Process(target=time.sleep, args=(60,))
        worker.start()
        time.sleep(0.5)
        os.kill(worker.pid, signal.SIGUSR1)
        time.sleep(0.5)
        print('alive after SIGUSR1:', worker.is_alive())
        worker.terminate()
        worker.join(10)
        print('exit code after SIGTERM:', worker.exitcode)
    ''')
    assert result.returncode == 0, result.stderr
    assert 'alive after SIGUSR1: True' in result.stdout
    assert f'exit code after SIGTERM: {-signal.SIGTERM}' in result.stdout
