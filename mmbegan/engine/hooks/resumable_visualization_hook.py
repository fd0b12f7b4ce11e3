"""mmagic's sample-grid hook with its fixed inputs in the checkpoint, so a resumed run neither redraws them nor
shifts the training noise stream."""
from collections import defaultdict

from mmagic.engine.hooks import VisualizationHook
from mmagic.registry import HOOKS
from mmengine.config import ConfigDict

CHECKPOINT_KEY = 'visualization_inputs'


@HOOKS.register_module()
class ResumableVisualizationHook(VisualizationHook):
    """:class:`mmagic.engine.VisualizationHook` whose ``fixed_input`` noise survives ``--resume``.

    mmagic draws the fixed noise from the global RNG at the first grid and keeps it in memory only. After a resume
    the first grid draws it again: the grids no longer match the frames before the resume, and the draw shifts the
    training noise stream, so the run leaves the path of an uninterrupted one. This hook writes the drawn inputs
    into every checkpoint and restores them on ``--resume``; ``load_from`` (fine-tuning) draws them afresh.
    """

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if any(self.inputs_buffer.values()):
            # plain dicts (the buffer holds ConfigDicts), so the checkpoint loads with torch's weights_only
            checkpoint[CHECKPOINT_KEY] = ConfigDict(dict(self.inputs_buffer)).to_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        if runner._resume and CHECKPOINT_KEY in checkpoint:
            self.inputs_buffer = defaultdict(list, checkpoint[CHECKPOINT_KEY])

