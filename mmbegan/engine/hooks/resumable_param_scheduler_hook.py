"""mmengine's ParamSchedulerHook whose resumed schedules span this launch's length, not the first launch's."""
import copy
from typing import Iterator, List, Tuple

from mmagic.registry import HOOKS
from mmengine.hooks import ParamSchedulerHook
from mmengine.optim import _ParamScheduler

# a scheduler's extent: `end` (mmengine's default is the train loop's max_iters or max_epochs) and the attributes
# mmengine's schedulers derive from it when built (LinearLR, PolyLR: total_iters; CosineAnnealingLR: T_max;
# OneCycleLR: total_steps and its phases)
EXTENT_KEYS = ('end', 'total_iters', 'T_max', 'total_steps', '_schedule_phases')


@HOOKS.register_module()
class ResumableParamSchedulerHook(ParamSchedulerHook):
    """ParamSchedulerHook (same stepping) whose ``--resume`` restores each scheduler's progress from the checkpoint
    but takes its extent (:data:`EXTENT_KEYS`) from the scheduler this launch's config built.

    mmengine saves a scheduler's ``end``, by default the first launch's ``max_iters``, and restores it on resume: a run
    first launched with fewer iterations (a short look, then ``--resume`` with the config's length) silently stops
    its schedule at the shorter length, so a milestone after it never applies. Here the resumed launch's config
    sets the schedule's extent as it sets ``max_iters``; every change is logged. Steps the shorter extent left out
    (a launch that ran to its end makes its last step outside it) are applied before training goes on, so the
    resumed schedule equals an uninterrupted one.
    """

    def __init__(self) -> None:
        self.extended: List[Tuple[_ParamScheduler, int]] = []

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Overwrite the saved extents before mmengine loads the schedulers' state (it does so right after this);
        a checkpoint loaded without ``--resume`` (``load_from``) keeps no schedule and is left as it is."""
        if not runner._resume:
            return
        saved = checkpoint.get('param_schedulers')
        for name, scheduler, state in self._built_and_saved(runner.param_schedulers, saved):
            if state.get('end', scheduler.end) < scheduler.end:
                self.extended.append((scheduler, state['end']))
            for key in EXTENT_KEYS:
                if key not in state or not hasattr(scheduler, key):
                    continue
                value = getattr(scheduler, key)
                if state[key] != value:
                    runner.logger.info(f'{name} {type(scheduler).__name__}: {key} {state[key]!r} in the checkpoint, '
                                       f'{value!r} from this launch\'s config (used)')
                    state[key] = copy.deepcopy(value)

    def before_train(self, runner) -> None:
        """Step each extended scheduler through the steps its old extent skipped (from the old ``end`` to the step
        count it was saved at), as the uninterrupted schedule stepped through them."""
        for scheduler, old_end in self.extended:
            stepped, first_skipped = scheduler._global_step, max(old_end, scheduler.begin)
            if stepped >= first_skipped:
                scheduler._global_step = first_skipped - 1
                while scheduler._global_step < stepped:
                    scheduler.step()
        self.extended = []

    @staticmethod
    def _built_and_saved(built, saved) -> Iterator[Tuple[str, _ParamScheduler, dict]]:
        """(optimizer name, built scheduler, its saved state) for every built scheduler the checkpoint holds: one list
        of schedulers, or one list per optimizer as a GAN's; nothing while the schedulers are still configs."""
        if isinstance(built, dict) and isinstance(saved, dict):
            groups = [(name, schedulers, saved.get(name, [])) for name, schedulers in built.items()]
        elif isinstance(built, list) and isinstance(saved, list):
            groups = [('optimizer', built, saved)]
        else:
            return
        for name, schedulers, states in groups:
            if isinstance(schedulers, list):
                for scheduler, state in zip(schedulers, states):
                    if isinstance(scheduler, _ParamScheduler):
                        yield name, scheduler, state
