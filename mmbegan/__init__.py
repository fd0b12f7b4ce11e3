"""mmbegan: BEGAN as a plugin of mmagic.

Importing this package registers its models, hooks, metrics and wrappers into mmagic's / mmengine's
registries and allow-lists the globals that mmengine checkpoints need under torch's weights-only loading
(which also covers mmagic's own tools and inferencers in the same process).
"""
from . import numpy_compat, third_party_warnings  # noqa: F401  first: before anything imports mmagic
from .apis import *  # noqa: F401,F403
from .datasets import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .engine import register_checkpoint_globals
from .evaluation import *  # noqa: F401,F403
from .models import *  # noqa: F401,F403
from .version import __version__

register_checkpoint_globals()

__all__ = ['__version__']
