"""Print the recipe-ablation table (markdown) from the runs of tools/analysis_tools/recipe_ablation.sh.

    python tools/analysis_tools/ablation_table.py [ABLATION_DIR]     # default: work_dirs/ablation

One row per run folder: the last validation record's FID-1k (orig generator) and class coverage (orig and EMA
generators), and the final k_t.
"""
import argparse
import glob
import json
import os.path as osp

COLUMNS = [('FID-1k', 'FID-1k/fid', '{:.1f}'), ('eff. classes', 'coverage-2k/effective_classes', '{:.2f}'),
           ('min share', 'coverage-2k/min_share', '{:.3f}'),
           ('eff. classes EMA', 'coverage-2k-ema/effective_classes', '{:.2f}'),
           ('min share EMA', 'coverage-2k-ema/min_share', '{:.3f}'), ('final k_t', 'k_t', '{:.3f}')]


def last_records(scalars: str):
    """The last training record and the last validation record of a scalars.json."""
    train, val = {}, {}
    with open(scalars) as f:
        for line in f:
            record = json.loads(line)
            if 'k_t' in record:
                train = record
            elif any(key.startswith('coverage') for key in record):
                val = record
    return train, val


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ablation_dir', nargs='?', default='work_dirs/ablation')
    args = parser.parse_args()
    print('| setting | ' + ' | '.join(name for name, _, _ in COLUMNS) + ' |')
    print('|---' * (len(COLUMNS) + 1) + '|')
    for scalars in sorted(glob.glob(osp.join(args.ablation_dir, '*', '*', 'vis_data', 'scalars.json'))):
        name = scalars.split(osp.sep)[-4]
        train, val = last_records(scalars)
        record = {**train, **val}
        cells = [fmt.format(record[key]) if key in record else '–' for _, key, fmt in COLUMNS]
        print(f'| {name} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
