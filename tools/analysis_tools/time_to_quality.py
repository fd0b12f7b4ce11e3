"""Time to quality of a training run: each checkpoint's minutes from the start and test metrics, and the first
checkpoint whose FID is at or below each threshold.

    python tools/analysis_tools/time_to_quality.py CONFIG WORK_DIR [--iters N ...] [--metrics PREFIX ...]
        [--fid-key FID-10k-Lucic/fid] [--thresholds 30 22.9] [--out rows.json] [--cfg-options ...]

CONFIG is the config the run trained (the copy mmengine writes into the work dir carries the run's
``--cfg-options``); WORK_DIR its work dir (``iter_N.pth`` and mmengine's logs). Minutes are
training wall clock from the logs (``mmbegan.apis.checkpoint_times``: start-up, validation and checkpointing
included). Each checkpoint (default: every ``iter_N.pth``) is evaluated with the config's test metrics whose prefix
``--metrics`` names (default: all of them), as ``tools/test.py`` does, into ``WORK_DIR/time_to_quality/iter_N/``,
in ascending order of N whatever the order of ``--iters``, so the first one at or below a threshold is reported.
Prints a Markdown table (per-class shares only in ``--out``).
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional, Tuple

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from mmbegan.apis import check_work_dir, checkpoint_times, load_config, run_test
from mmbegan.datasets import check_data_roots
from mmbegan.engine import check_checkpoint_file, numbered_checkpoints


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='the config the run trained')
    parser.add_argument('work_dir', help="the run's work dir")
    parser.add_argument('--iters', type=int, nargs='+', help='checkpoints to evaluate (default: all iter_N.pth)')
    parser.add_argument('--metrics', nargs='+', help="prefixes of the config's test metrics to compute (default: all)")
    parser.add_argument('--fid-key', default='FID-10k-Lucic/fid', help='the metric the thresholds apply to')
    parser.add_argument('--thresholds', type=float, nargs='+', default=[30.0, 22.9])
    parser.add_argument('--out', help='write every row (all metrics) to this JSON file')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help='override settings of the config')
    return parser.parse_args()


def select_metrics(cfg: Config, prefixes: Optional[List[str]], fid_key: str) -> None:
    """Keep the test metrics named by ``prefixes``; fail before any work if one is missing or none gives ``fid_key``."""
    evaluator = cfg.get('test_evaluator')
    if not isinstance(evaluator, dict) or 'metrics' not in evaluator:
        raise ValueError(f'the config has no test_evaluator = dict(metrics=[...]) (got {evaluator!r})')
    metrics = evaluator['metrics']
    names = [metric.get('prefix') for metric in metrics]
    if prefixes:
        missing = sorted(set(prefixes) - set(names))
        if missing:
            raise ValueError(f'--metrics {missing} not among the config\'s test metric prefixes {names}')
        cfg.test_evaluator['metrics'] = [metric for metric in metrics if metric.get('prefix') in prefixes]
    kept = [metric.get('prefix') for metric in cfg.test_evaluator['metrics']]
    if fid_key.split('/')[0] not in kept:
        raise ValueError(f'--fid-key {fid_key}: no test metric with prefix {fid_key.split("/")[0]} among {kept}')


def find_checkpoints(work_dir: str, iters: Optional[List[int]]) -> Dict[int, str]:
    """The ``iter_N.pth`` files to evaluate, keyed by N; each is checked before any evaluation starts."""
    found = {n: path for n, path in numbered_checkpoints(work_dir) if osp.basename(path).startswith('iter_')}
    if iters:
        missing = sorted(set(iters) - set(found))
        if missing:
            raise FileNotFoundError(f'no checkpoint iter_N.pth for --iters {missing} in {work_dir} '
                                    f'(it holds {sorted(found)})')
        found = {n: found[n] for n in sorted(iters)}
    if not found:
        raise FileNotFoundError(f'no iter_N.pth checkpoint in {work_dir}')
    for path in found.values():
        check_checkpoint_file(path, 'checkpoint')
    return found


def evaluate(cfg: Config, checkpoint: str, work_dir: str) -> Dict[str, float]:
    """The selected test metrics of one checkpoint (a fresh Runner per checkpoint, as tools/test.py builds one)."""
    cfg = cfg.copy()
    cfg.load_from = checkpoint
    cfg.work_dir = work_dir
    cfg.experiment_name = f'time_to_quality_{osp.basename(work_dir)}'
    return run_test(Runner.from_cfg(cfg))


def plan(args: argparse.Namespace) -> Tuple[Config, Dict[int, str], Dict[int, float]]:
    """The config with the chosen metrics, the checkpoints and their times; every input checked before any work."""
    if args.out and osp.exists(args.out):
        raise FileExistsError(f'--out {args.out} exists; name a new file')
    cfg = load_config(args.config, args.cfg_options)
    select_metrics(cfg, args.metrics, args.fid_key)
    check_data_roots(cfg, ('test_dataloader',))
    checkpoints = find_checkpoints(args.work_dir, args.iters)
    times = checkpoint_times(args.work_dir)
    unlogged = sorted(set(checkpoints) - set(times))
    if unlogged:
        raise ValueError(f'{args.work_dir}: no "Saving checkpoint at N iterations" log line for {unlogged}, so '
                         'their time is unknown; pass --iters to leave them out')
    check_work_dir(osp.join(args.work_dir, 'time_to_quality'))
    return cfg, checkpoints, times


def print_report(rows: List[dict], fid_key: str, thresholds: List[float]) -> None:
    """The Markdown table (scalar metrics but per-class shares) and the first checkpoint at or below each threshold."""
    columns = [key for key, value in rows[0].items()
               if key not in ('iteration', 'minutes') and '/share_' not in key and isinstance(value, (int, float))]
    print('| iterations | minutes from start | ' + ' | '.join(columns) + ' |')
    print('|---' * (len(columns) + 2) + '|')
    for row in rows:
        values = ' | '.join(f'{row[key]:.4g}' for key in columns)
        print(f"| {row['iteration']} | {row['minutes']:.1f} | {values} |")
    best = min(rows, key=lambda row: row[fid_key])
    for threshold in thresholds:
        reached = [row for row in rows if row[fid_key] <= threshold]
        verdict = (f"first at {reached[0]['iteration']} iterations, {reached[0]['minutes']:.1f} min" if reached
                   else f"not reached (best {best[fid_key]:.2f} at {best['iteration']} iterations)")
        print(f'{fid_key} <= {threshold:g}: {verdict}')


def main() -> None:
    args = parse_args()
    try:
        cfg, checkpoints, times = plan(args)
    except (OSError, ValueError) as err:
        sys.exit(f'time_to_quality.py: {err}')
    rows = []
    for iteration, path in checkpoints.items():
        metrics = evaluate(cfg, path, osp.join(args.work_dir, 'time_to_quality', f'iter_{iteration}'))
        if args.fid_key not in metrics:
            sys.exit(f'time_to_quality.py: --fid-key {args.fid_key} is not among the metrics {sorted(metrics)}')
        rows.append(dict(iteration=iteration, minutes=times[iteration] / 60, **metrics))
        if args.out:
            with open(args.out, 'w') as f:
                json.dump(rows, f, indent=1)
    print_report(rows, args.fid_key, args.thresholds)


if __name__ == '__main__':
    main()
