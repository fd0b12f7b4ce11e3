"""Reading a run's scalar log (mmengine's ``<timestamp>/vis_data/scalars.json``), for reports and plots."""
import glob
import json
import os.path as osp
from typing import Dict, List


def find_scalars(path: str) -> str:
    """The scalars.json of ``path`` (a file, or the newest run inside a work dir)."""
    if osp.isfile(path):
        return path
    found = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(f'no <timestamp>/vis_data/scalars.json under {path}; is it a training work dir?')
    return found[-1]


def read_training_log(path: str) -> Dict[str, List[float]]:
    """Training records of a scalars.json (one JSON object per line) as columns keyed by name."""
    columns: Dict[str, List[float]] = {}
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            if 'k_t' not in record:  # validation or test records
                continue
            for key, value in record.items():
                columns.setdefault(key, []).append(value)
    if not columns:
        raise ValueError(f'{path} holds no training records with k_t; was the model trained with BEGAN?')
    return columns
