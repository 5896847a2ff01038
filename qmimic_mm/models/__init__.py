# Building a model imports mmrazor and may read a checkpoint (teacher_ckpt):
# the stack fixes must be in place first (idempotent).
from qmimic_mm.compat import apply_all as _apply_compat

_apply_compat()

from .algorithms import *  # noqa: F401,F403,E402
from .backbones import *  # noqa: F401,F403,E402
from .connectors import *  # noqa: F401,F403,E402
from .cpu_speedups import *  # noqa: F401,F403,E402
from .data_preprocessors import *  # noqa: F401,F403,E402
from .layers import *  # noqa: F401,F403,E402
from .losses import *  # noqa: F401,F403,E402
from .necks import *  # noqa: F401,F403,E402
from .quantizers import *  # noqa: F401,F403,E402
from .recorders import *  # noqa: F401,F403,E402
from .roi_heads import *  # noqa: F401,F403,E402
