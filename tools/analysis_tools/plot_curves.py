"""Plot BEGAN's training curves from a run's JSON log: k_t, M_global, L(x), L(G(z)) and the learning rates.

    python tools/analysis_tools/plot_curves.py WORK_DIR_OR_SCALARS_JSON [--out curves.png]

WORK_DIR may be a work dir (the newest ``<timestamp>/vis_data/scalars.json`` inside is used) or the JSON
file itself. The PNG goes to ``--out`` (default: ``<work dir>/curves.png``).
"""
import argparse
import os.path as osp
from typing import Dict, List

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

from mmbegan.apis import find_scalars, read_training_log  # noqa: E402

PANELS = [
    ('k_t', ['k_t'], 'k_t'),
    ('M_global (convergence)', ['m_global', 'm_global_avg'], 'M_global'),
    ('reconstruction losses', ['recon_real', 'recon_fake'], 'L(x), L(G(z))'),
    ('learning rate', ['generator.lr', 'discriminator.lr'], 'lr'),
]


def plot(columns: Dict[str, List[float]], out: str) -> None:
    """Draw one panel per quantity of PANELS against the iteration and save the figure."""
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(8, 2.6 * len(PANELS)), sharex=True)
    for ax, (title, keys, ylabel) in zip(axes, PANELS):
        for key in keys:
            if key in columns:
                ax.plot(columns['iter'], columns[key], label=key, linewidth=1)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(loc='best', fontsize=8)
    axes[-1].set_xlabel('iteration')
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('path', help='work dir or scalars.json')
    parser.add_argument('--out', help='output PNG (default: <work dir>/curves.png)')
    args = parser.parse_args()
    scalars = find_scalars(args.path)
    out = args.out or osp.join(osp.dirname(osp.dirname(osp.dirname(scalars))), 'curves.png')
    plot(read_training_log(scalars), out)
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
