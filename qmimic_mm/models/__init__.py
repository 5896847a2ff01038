from .algorithms import *  # noqa: F401,F403
from .backbones import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .quantizers import *  # noqa: F401,F403
from .recorders import *  # noqa: F401,F403
from .roi_heads import *  # noqa: F401,F403
