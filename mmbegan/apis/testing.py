"""Running a Runner's test loop and getting its metrics back."""
from mmengine.hooks import Hook
from mmengine.runner import Runner


class MetricsRecorder(Hook):
    """Keep the metrics of the last test epoch (mmagic's MultiTestLoop.run returns nothing)."""

    def __init__(self):
        self.metrics = None

    def after_test_epoch(self, runner, metrics=None) -> None:
        self.metrics = metrics


def run_test(runner: Runner) -> dict:
    """``runner.test()`` that returns the computed metrics."""
    recorder = MetricsRecorder()
    runner.register_hook(recorder, 'LOWEST')
    runner.test()
    return recorder.metrics
