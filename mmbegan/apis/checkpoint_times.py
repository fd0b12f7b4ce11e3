"""When a run saved each of its checkpoints, in seconds of training wall clock, read from mmengine's text logs
(``<work_dir>/<timestamp>/<timestamp>.log``): the time axis of time-to-quality reports."""
import datetime
import glob
import os.path as osp
import re
from typing import Dict, List, Tuple

LINE = re.compile(r'^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) - mmengine - [A-Z]+ - (.*)$')
SAVED = re.compile(r'Saving checkpoint at (\d+) iterations')


def _read_launch(path: str) -> Tuple[float, float, Dict[int, float], bool]:
    """First and last timestamp of one launch's log (POSIX seconds), its checkpoint saves, and whether it trained."""
    stamps: List[float] = []
    saves: Dict[int, float] = {}
    trained = False
    with open(path, errors='replace') as f:
        for line in f:
            match = LINE.match(line)
            if not match:
                continue
            stamp = datetime.datetime.strptime(match.group(1), '%Y/%m/%d %H:%M:%S').timestamp()
            stamps.append(stamp)
            message = match.group(2)
            trained = trained or message.startswith('Iter(train)')
            saved = SAVED.search(message)
            if saved:
                saves[int(saved.group(1))] = stamp
    if not stamps:
        return 0.0, 0.0, saves, False
    return stamps[0], stamps[-1], saves, trained or bool(saves)


def checkpoint_times(work_dir: str) -> Dict[int, float]:
    """Seconds from the first log line of a run to each iteration checkpoint's save, keyed by iteration.

    Every launch that trained in ``work_dir`` counts (a resumed run: each earlier launch from its first log line to
    its last, iterations it redid included); test-only launches do not. Where two launches saved the same
    iteration, the later save (the file on disk) counts. Python's start-up before the first log line (a few
    seconds) is not included.
    """
    logs = [path for path in glob.glob(osp.join(work_dir, '*', '*.log'))
            if osp.basename(path) == osp.basename(osp.dirname(path)) + '.log']
    launches = sorted((launch for launch in map(_read_launch, logs) if launch[3]), key=lambda launch: launch[0])
    if not launches:
        raise FileNotFoundError(f'no training log (<timestamp>/<timestamp>.log with training iterations) under '
                                f'{work_dir}; is it the work dir of a tools/train.py run?')
    times: Dict[int, float] = {}
    earlier = 0.0
    for first, last, saves, _ in launches:
        for iteration, stamp in saves.items():
            times[iteration] = earlier + stamp - first
        earlier += last - first
    return times
