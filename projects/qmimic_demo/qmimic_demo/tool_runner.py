"""Running the project's tools (``tools/*.py``) for the demo.

As subprocesses, which is what a user runs, with their output in a log file
and the progress lines on the console; or, for the smoke test, inside this
interpreter (no start-up per tool).
"""
import os
import re
import runpy
import subprocess
import sys
import threading
from collections import deque
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .plan import REPO


class DemoError(RuntimeError):
    """A step failed; the message names its log."""


class Console:
    """Thread-safe printing: stages running side by side share stdout."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def print(self, text: str = '') -> None:
        """Print one block of text at once."""
        with self._lock:
            print(text, flush=True)


def fmt_duration(seconds: float) -> str:
    """``754.2`` -> ``'12m34s'``."""
    seconds = max(0, int(round(seconds)))
    return (f'{seconds // 60}m{seconds % 60:02d}s'
            if seconds >= 60 else f'{seconds}s')


_MMENGINE_PREFIX = re.compile(r'^\d\d/\d\d \d\d:\d\d:\d\d - mmengine - \w+ - ')
_PROGRESS = re.compile(r'Iter\((train|val)\)\s*\[\s*(\d+)/(\d+)\]')
_FIELDS = re.compile(r'\s(eta|time|loss|wider/(?:easy|medium|hard)): (\S+)')


def progress_line(line: str) -> Optional[str]:
    """The short form of an mmengine log line worth showing, else None.

    Training lines keep their counter, eta, time and total loss; of the
    validation only the final metrics line is shown.
    """
    line = _MMENGINE_PREFIX.sub('', line.rstrip())
    match = _PROGRESS.search(line)
    if match:
        fields = dict(_FIELDS.findall(line))
        if match.group(1) == 'train':
            keep = ('eta', 'time', 'loss')
        elif any(k.startswith('wider/') for k in fields):
            keep = tuple(k for k in fields if k.startswith('wider/'))
        else:
            return None
        shown = '  '.join(f'{k}: {fields[k]}' for k in keep if k in fields)
        return f'{match.group(0)}  {shown}'
    if line.startswith(('error:', 'Traceback')) or 'Error:' in line:
        return line
    return None


def format_options(options: Mapping[str, Any]) -> List[str]:
    """``{'a.b': [1, 2], 'c': None}`` -> ``['--cfg-options', 'a.b=[1,2]',
    'c=None']``, in the syntax of mmengine's ``DictAction`` (which reads
    ``None`` back as None and ``[]`` as an empty list)."""
    if not options:
        return []
    items = []
    for key, value in options.items():
        if isinstance(value, (list, tuple)):
            value = '[' + ','.join(str(v) for v in value) + ']'
        items.append(f'{key}={value}')
    return ['--cfg-options', *items]


def thread_env(jobs: int, gpu: bool) -> Dict[str, str]:
    """Environment of the tools: OpenMP threads per tool.

    On CPU one thread each: two OpenMP threads per process on a shared
    2-core machine spin at every barrier while another process holds a core
    (measured 25x slower per iteration than one thread). On a GPU the CPU
    only feeds it: the cores are shared among the jobs. ``OMP_NUM_THREADS``
    set by the user wins.
    """
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    threads = max(1, (os.cpu_count() or 1) // jobs) if gpu else 1
    env.setdefault('OMP_NUM_THREADS', str(threads))
    env.setdefault('MKL_NUM_THREADS', env['OMP_NUM_THREADS'])
    return env


class ToolRunner:
    """Runs the project's tools as subprocesses or inside this interpreter.

    Args:
        console: Where the progress lines go.
        in_process: Run with ``runpy`` in this interpreter (one at a time).
        verbose: Show every output line, not only the progress lines.
        env: Environment of the subprocesses (:func:`thread_env`).
    """

    def __init__(self, console: Console, in_process: bool, verbose: bool,
                 env: Optional[Dict[str, str]] = None) -> None:
        self.console = console
        self.in_process = in_process
        self.verbose = verbose
        self.env = dict(env if env is not None else thread_env(1, False))
        self._procs: set = set()
        self._lock = threading.Lock()

    def terminate_all(self) -> None:
        """Stop the tools still running (another stage failed)."""
        with self._lock:
            for proc in self._procs:
                proc.terminate()

    @staticmethod
    def command_text(tool: str, args: Sequence[str]) -> str:
        """The command as a user would type it."""
        quoted = [a if re.fullmatch(r'[\w./=:,\-\[\]+]+', a) else repr(a)
                  for a in args]
        return ' '.join(['python', tool, *quoted])

    def run(self, tool: str, args: Sequence[str], log_file: str,
            prefix: str) -> None:
        """Run ``tool`` with ``args``; its output goes to ``log_file``.

        Raises:
            DemoError: The tool failed; with the tail of its output.
        """
        os.makedirs(os.path.dirname(log_file), exist_ok=True)
        self.console.print(f'{prefix} $ {self.command_text(tool, args)}')
        if self.in_process:
            self._run_in_process(tool, args, log_file)
            return
        tail: deque = deque(maxlen=25)
        with open(log_file, 'w') as log, subprocess.Popen(
                [sys.executable, tool, *args], cwd=REPO, env=self.env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                bufsize=1) as proc:
            with self._lock:
                self._procs.add(proc)
            for line in proc.stdout:
                log.write(line)
                tail.append(line.rstrip())
                shown = line.rstrip() if self.verbose else progress_line(line)
                if shown:
                    self.console.print(f'{prefix}   {shown}')
            code = proc.wait()
            with self._lock:
                self._procs.discard(proc)
        if code != 0:
            raise DemoError(
                f'{tool} failed (exit {code}); full output in {log_file}; '
                'its last lines:\n' + '\n'.join(tail))

    @staticmethod
    def _run_in_process(tool: str, args: Sequence[str],
                        log_file: str) -> None:
        argv, cwd = sys.argv, os.getcwd()
        sys.argv = [tool, *args]
        os.chdir(REPO)
        try:
            runpy.run_path(os.path.join(REPO, tool), run_name='__main__')
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise DemoError(f'{tool} failed (exit {exc.code})') from None
        finally:
            sys.argv = argv
            os.chdir(cwd)
        with open(log_file, 'w') as log:
            log.write('(run in-process; the output went to the console)\n')
