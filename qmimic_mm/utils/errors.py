"""User errors as one ``error: ...`` line and exit status 2.

Standard library only, so that the light command-line tools (the WIDER
evaluation) can use it without importing torch or the OpenMMLab stack.
"""
import functools
import sys
from typing import Any, Callable, Optional

#: Command-line flag that turns the one-line report back into a traceback.
DEBUG_FLAG = '--debug'


class UserInputError(Exception):
    """A bad command line, config or input file, reported as one line."""


class InvalidInputError(UserInputError, ValueError):
    """Bad content in a file or config value the user gave (a malformed
    annotation, a checkpoint that does not fit); still a ``ValueError`` for
    library callers."""


class FileInputError(UserInputError):
    """A user error about one file, reported with the config key (or flag)
    that named it once a tool knows the key (:meth:`name_key`).

    Args:
        path (str): The file.
        detail (str): What is wrong with it, one line.
        key (str, optional): The config key or flag. Defaults to None.
    """

    def __init__(self,
                 path: str,
                 detail: str,
                 key: Optional[str] = None) -> None:
        self.path, self.detail, self.key = path, detail, key
        super().__init__(self.message())

    def message(self) -> str:
        """The one-line report; subclasses add the fix."""
        return f'{self.key}: {self.detail}' if self.key else self.detail

    def name_key(self, key: str) -> None:
        """Name the config key, unless one is named already."""
        if self.key is None:
            self.key = key
            self.args = (self.message(), )

    def __str__(self) -> str:
        return self.message()


class CheckpointReadError(FileInputError):
    """A checkpoint file that cannot be read: empty, truncated or corrupt.

    Args:
        path (str): The checkpoint file.
        detail (str): What the reader reported, shortened to one line.
        key (str, optional): The config key or flag that named the file;
            a tool that knows it sets it with :func:`name_checkpoint_key`.
    """

    def message(self) -> str:
        """The one-line report: key, file, what is wrong, the fix."""
        where = f'{self.key}: ' if self.key else ''
        return (f'{where}cannot read checkpoint {self.path}: {self.detail}. '
                'The file is empty, truncated or corrupt (an interrupted '
                'save or copy?); write it again, or point '
                f'{self.key or "it"} at another checkpoint')


class name_checkpoint_key:  # noqa: N801 - used like a function
    """Context manager: a :class:`CheckpointReadError` raised inside names
    ``key`` (the config key or flag the file came from) if it names none.

    Example:
        >>> with name_checkpoint_key('load_from'):
        ...     runner.train()
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __enter__(self) -> 'name_checkpoint_key':
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if isinstance(exc, CheckpointReadError):
            exc.name_key(self.key)
        return False


def add_debug_flag(parser: Any) -> None:
    """Declare ``--debug`` on an ``argparse`` parser (read by
    :func:`report_user_errors`)."""
    parser.add_argument(
        DEBUG_FLAG,
        action='store_true',
        help='show the full traceback of an error instead of one line')


def _user_error(err: BaseException) -> Optional[UserInputError]:
    """The :class:`UserInputError` behind ``err``, if any (builders and
    wrappers may re-raise it as another exception)."""
    seen = set()
    node: Optional[BaseException] = err
    while node is not None and id(node) not in seen:
        if isinstance(node, UserInputError):
            return node
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return None


def report_user_errors(main: Callable) -> Callable:
    """Run ``main``; a :class:`UserInputError` (also one re-raised by a
    builder) or a missing file becomes one ``error: ...`` line on stderr and
    exit status 2. With ``--debug`` on the command line the traceback is
    shown instead."""

    @functools.wraps(main)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return main(*args, **kwargs)
        except (Exception, SystemExit) as err:
            if isinstance(err, SystemExit) or DEBUG_FLAG in sys.argv[1:]:
                raise
            user_error = _user_error(err)
            if user_error is None and isinstance(err, FileNotFoundError):
                user_error = err
            if user_error is None:
                raise
            # An OSError's args[0] is its errno; str() gives the message.
            message = (str(user_error.args[0])
                       if isinstance(user_error, UserInputError)
                       and user_error.args else str(user_error))
            line = message.splitlines()[0] if message else repr(err)
            print(f'error: {line}', file=sys.stderr)
            sys.exit(2)

    return wrapped
