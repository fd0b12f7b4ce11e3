"""Summarise a BEGAN run: metrics of the trained vs the untrained generator, k_t and M_global, file locations.

    python tools/analysis_tools/demo_report.py CONFIG WORK_DIR [--train-seconds S] [--cfg-options ...]

The trained model's metrics are the last validation record of the run; the untrained generator (the config's
own initialisation) is evaluated here through mmagic's evaluator with the same metrics and sample counts.
Writes ``report.md`` and ``report.json`` into WORK_DIR and prints where every output is.
"""
import argparse
import glob
import json
import os.path as osp
import re

import mmbegan  # noqa: F401 I001  # isort: skip  (first: silences known third-party import warnings)
from mmengine.config import DictAction
from mmengine.runner import Runner

from mmbegan.apis import find_scalars, load_config, run_test

MIN_EFFECTIVE_CLASSES = 9  # of Fashion-MNIST's 10; held-out real images score 9.98


def read_records(scalars: str):
    """Training and validation records of a run's scalars.json."""
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    train = [r for r in records if 'k_t' in r]
    val = [r for r in records if 'k_t' not in r and any('/' in k for k in r)]
    if not train:
        raise ValueError(f'{scalars} has no training records')
    return train, val


def training_summary(train: list) -> dict:
    """k_t at the end and M_global over the first and the last 100 iterations (``m_global_avg``)."""
    first = min((r for r in train if r['iter'] >= 100), key=lambda r: r['iter'], default=train[-1])
    return dict(iterations=train[-1]['iter'], final_k_t=train[-1]['k_t'],
                m_global_first100=first['m_global_avg'], m_global_last100=train[-1]['m_global_avg'])


def evaluate_untrained(cfg) -> dict:
    """The config's test metrics for freshly initialised weights."""
    cfg.work_dir = osp.join(cfg.work_dir, 'untrained_eval')
    cfg.load_from, cfg.resume = None, False
    runner = Runner.from_cfg(cfg)
    runner.model.init_weights()
    return run_test(runner)


def latest_image(folder: str, name: str) -> str:
    """The ``<name>_<iter>.png`` of ``folder`` with the highest iteration, or 'none'."""
    paths = glob.glob(osp.join(folder, f'{name}_*.png'))
    return max(paths, key=lambda p: int(re.search(r'_(\d+)\.png$', p).group(1)), default='none')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('work_dir')
    parser.add_argument('--train-seconds', type=float, help='wall time of training, for the report')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir)
    scalars = find_scalars(args.work_dir)
    train, val = read_records(scalars)
    if not val:
        raise ValueError(f'{scalars} has no validation record: the run did not reach its final validation')
    summary = training_summary(train)
    trained = {k: v for k, v in val[-1].items() if '/' in k}
    untrained = evaluate_untrained(cfg)
    fid_key = next((k for k in trained if k.lower().startswith('fid') and k.endswith('/fid')), None)
    checks = {
        'k_t moved off 0': summary['final_k_t'] > 0,
        'M_global down by at least a third': summary['m_global_last100'] <= summary['m_global_first100'] * 2 / 3,
    }
    if fid_key:
        checks['FID at most half of the untrained generator'] = trained[fid_key] <= 0.5 * untrained[fid_key]
    coverage_key = next((k for k in trained if k.endswith('/effective_classes')), None)
    if coverage_key:
        checks[f'at least {MIN_EFFECTIVE_CLASSES} effective classes (no mode collapse)'] = \
            trained[coverage_key] >= MIN_EFFECTIVE_CLASSES
    report = dict(config=args.config, train_seconds=args.train_seconds, **summary, trained=trained,
                  untrained=untrained, checks=checks)
    with open(osp.join(args.work_dir, 'report.json'), 'w') as f:
        json.dump(report, f, indent=2)
    lines = [f'# BEGAN run report: {args.config}', '',
             f'- iterations: {summary["iterations"]}, training wall time: {args.train_seconds or "n/a"} s',
             f'- final k_t: {summary["final_k_t"]:.4f}',
             f'- M_global (mean of 100 iterations): first {summary["m_global_first100"]:.4f}, '
             f'last {summary["m_global_last100"]:.4f}', '',
             '| metric | trained | untrained |', '|---|---|---|']
    lines += [f'| {key} | {trained[key]:.4f} | {untrained.get(key, float("nan")):.4f} |' for key in sorted(trained)]
    lines += ['', 'FID here uses few samples: it is biased upwards and comparable only with FIDs of the same sample '
              'count and Inception (not with published 10k/50k-sample FIDs).', '']
    lines += [f'- [{"x" if ok else " "}] {name}' for name, ok in checks.items()]
    with open(osp.join(args.work_dir, 'report.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    images = osp.join(osp.dirname(osp.dirname(scalars)), 'vis_data', 'vis_image')
    print('\nOutputs:')
    print(f'  latest samples:         {latest_image(images, "fake_img")}')
    print(f'  latest reconstructions: {latest_image(images, "reconstruction")}  (rows: x, D(x), G(z), D(G(z)))')
    print(f'  all grids:              {images}')
    print(f'  curves:                 {osp.join(args.work_dir, "curves.png")}')
    print(f'  report:                 {osp.join(args.work_dir, "report.md")} (and report.json)')


if __name__ == '__main__':
    main()
