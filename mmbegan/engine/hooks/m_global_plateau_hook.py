"""Learning-rate decay when BEGAN's convergence measure M_global stops improving (the paper's schedule)."""
from typing import Dict, Optional

from mmagic.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.optim import OptimWrapperDict, ReduceOnPlateauLR

CHECKPOINT_KEY = 'm_global_plateau'
# where checkpoints written before the decay had its own hook keep the same state
LEGACY_CHECKPOINT_KEY = 'began_equilibrium'


@HOOKS.register_module()
class MGlobalPlateauHook(Hook):
    """Multiply every learning rate by ``factor`` (not below ``min_lr``) after ``patience`` windows of ``window``
    iterations whose mean M_global did not improve by a relative ``threshold``.

    M_global is read from ``train/m_global``, logged every iteration by :class:`BEGANEquilibriumHook`. Each
    optimizer gets one of mmengine's ``ReduceOnPlateauLR``, which changes the lr in place, so the optimizer state
    is kept. Like mmengine's EMAHook, the detectors are built in ``before_run`` and their state is saved in every
    checkpoint and loaded back on ``--resume``; ``load_from`` (fine-tuning) starts them afresh.

    Args:
        window (int): iterations averaged into one M_global measurement.
        patience (int): windows without improvement before a decay.
        factor (float): multiplier applied to every learning rate at a decay, in (0, 1).
        min_lr (float): floor of the learning rates (decaying too far collapsed earlier BEGAN runs).
        threshold (float): relative improvement of the best window mean that counts as progress.
    """

    priority = 'NORMAL'  # after BEGANEquilibriumHook (ABOVE_NORMAL) has logged this iteration's M_global

    def __init__(self, window: int = 500, patience: int = 10, factor: float = 0.5, min_lr: float = 2e-5,
                 threshold: float = 1e-3) -> None:
        for value, name in ((window, 'window'), (patience, 'patience')):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f'MGlobalPlateauHook: {name} must be a positive integer, got {value!r}')
        if not 0 < factor < 1:
            raise ValueError(f'MGlobalPlateauHook: factor must be in (0, 1), got {factor!r}')
        if min_lr < 0 or threshold < 0:
            raise ValueError(f'MGlobalPlateauHook: min_lr and threshold must be >= 0, got {min_lr}, {threshold}')
        self.window = window
        self.patience = patience
        self.factor = factor
        self.min_lr = min_lr
        self.threshold = threshold
        self.schedulers: Dict[str, ReduceOnPlateauLR] = {}
        self.window_sum = 0.0
        self.window_count = 0

    def before_run(self, runner) -> None:
        """One plateau detector per optimizer of a training run (a test run has no built optimizers)."""
        if isinstance(runner.optim_wrapper, OptimWrapperDict):
            wrappers = dict(runner.optim_wrapper.items())
        elif hasattr(runner.optim_wrapper, 'param_groups'):
            wrappers = dict(optimizer=runner.optim_wrapper)
        else:
            return
        self.schedulers = {
            name: ReduceOnPlateauLR(wrapper, monitor='m_global', rule='less', factor=self.factor,
                                    patience=self.patience, threshold=self.threshold, min_value=self.min_lr)
            for name, wrapper in wrappers.items()}

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs: Optional[dict] = None) -> None:
        """Add this iteration's M_global to the window; at its end, let every detector judge the window mean."""
        if 'train/m_global' not in runner.message_hub.log_scalars:
            raise KeyError('MGlobalPlateauHook reads train/m_global, which BEGANEquilibriumHook logs: add '
                           "dict(type='BEGANEquilibriumHook') to custom_hooks")
        self.window_sum += runner.message_hub.get_scalar('train/m_global').current()
        self.window_count += 1
        if self.window_count == self.window:
            metrics = dict(m_global=self.window_sum / self.window_count)
            for scheduler in self.schedulers.values():
                scheduler.step(metrics)
            self.window_sum, self.window_count = 0.0, 0

    def state_dict(self) -> dict:
        """Plain-Python state of the window and the detectors (weights-only loadable)."""
        return dict(window_sum=self.window_sum, window_count=self.window_count,
                    schedulers={name: sched.state_dict() for name, sched in self.schedulers.items()})

    def load_state_dict(self, state: dict) -> None:
        """Restore :meth:`state_dict`; detectors of optimizers this run does not have are ignored."""
        self.window_sum = float(state['window_sum'])
        self.window_count = int(state['window_count'])
        for name, sched_state in state['schedulers'].items():
            if name in self.schedulers:
                self.schedulers[name].load_state_dict(sched_state)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CHECKPOINT_KEY] = self.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(CHECKPOINT_KEY, checkpoint.get(LEGACY_CHECKPOINT_KEY))
        if runner._resume and state is not None:
            self.load_state_dict(state)
