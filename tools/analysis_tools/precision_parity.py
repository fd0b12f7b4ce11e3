"""Precision parity: does training in another precision change sample quality more than a change of seed does?

    python tools/analysis_tools/precision_parity.py --fp32 DIR DIR [DIR ...] --other DIR DIR [DIR ...] [--name bf16]

Each DIR is the work dir of a run with FID-1k and class coverage in its last validation record (the 3k-iteration
runs of tools/analysis_tools/recipe_ablation.sh); the runs of one precision differ only in their seed, the same
seeds in the same order for both. For each metric it prints every run's value, the mean of each precision, |Δ|
between the means and the tolerance: the larger of the fp32 runs' seed gap (largest minus smallest) and the
metric's floor (1 FID point, 0.2 effective classes). Parity holds when every |Δ| is within its tolerance: exit
status 0, else 1.
"""
import argparse
import glob
import os.path as osp
import sys
from typing import Dict, List

from ablation_table import last_records

METRICS = [('FID-1k', 'FID-1k/fid', 1.0), ('effective classes', 'coverage-2k/effective_classes', 0.2),
           ('effective classes EMA', 'coverage-2k-ema/effective_classes', 0.2)]


def final_metrics(work_dir: str) -> Dict[str, float]:
    """The last validation record of the newest run in ``work_dir``, checked to hold every metric."""
    found = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise SystemExit(f'{work_dir}: no <timestamp>/vis_data/scalars.json; is it a finished run\'s work dir?')
    _, record = last_records(found[-1])
    missing = [key for _, key, _ in METRICS if key not in record]
    if missing:
        raise SystemExit(f'{found[-1]}: the last validation record lacks {", ".join(missing)}; did the run finish?')
    return record


def mean(values: List[float]) -> float:
    return sum(values) / len(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--fp32', nargs='+', required=True, metavar='DIR', help='fp32 runs, one per seed (≥ 2)')
    parser.add_argument('--other', nargs='+', required=True, metavar='DIR', help='the same seeds in the precision '
                        'under test')
    parser.add_argument('--name', default='bf16', help='name of the precision under test (default: %(default)s)')
    args = parser.parse_args()
    if len(args.fp32) < 2 or len(args.fp32) != len(args.other):
        parser.error(f'--fp32 and --other need the same seeds, at least 2: got {len(args.fp32)} and '
                     f'{len(args.other)} runs')
    runs = {'fp32': [final_metrics(d) for d in args.fp32], args.name: [final_metrics(d) for d in args.other]}

    print(f'| metric | fp32 runs | {args.name} runs | fp32 mean | {args.name} mean | abs. diff. | tolerance | '
          'parity |')
    print('|---' * 8 + '|')
    holds = True
    for label, key, floor in METRICS:
        values = {name: [record[key] for record in records] for name, records in runs.items()}
        diff = abs(mean(values[args.name]) - mean(values['fp32']))
        tolerance = max(max(values['fp32']) - min(values['fp32']), floor)
        holds &= diff <= tolerance
        cells = [' / '.join(f'{v:.2f}' for v in values['fp32']), ' / '.join(f'{v:.2f}' for v in values[args.name]),
                 f'{mean(values["fp32"]):.2f}', f'{mean(values[args.name]):.2f}', f'{diff:.2f}', f'{tolerance:.2f}',
                 'yes' if diff <= tolerance else 'no']
        print(f'| {label} | ' + ' | '.join(cells) + ' |')
    print(f'parity of {args.name} with fp32: {"holds" if holds else "does not hold"}')
    sys.exit(0 if holds else 1)


if __name__ == '__main__':
    main()
