"""Where a training run starts: from scratch, ``--resume``, ``load_from``, or, after a torchrun restart, the newest
checkpoint the job wrote."""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.runner import find_latest_checkpoint

from mmbegan.engine import check_checkpoint_file
from mmbegan.engine.elastic_restart import checkpoint_folder, restart_checkpoint, restart_count


def choose_start(cfg: Config, resume: Optional[str]) -> str:
    """Set ``cfg.resume`` / ``cfg.load_from`` and return a line saying where the run starts.

    ``resume`` is train.py's ``--resume``: None (not given), ``'auto'`` (the work dir's ``last_checkpoint``) or a
    path. A first attempt starts as asked: a fresh run never picks up checkpoints already in its work dir. A
    torchrun restart (``TORCHELASTIC_RESTART_COUNT`` > 0) resumes the newest complete checkpoint this job wrote;
    when the job has written none yet, it starts as the first attempt did. A truncated or foreign checkpoint is
    refused with a ValueError naming it and the newest good one beside it, before anything is built.
    """
    if resume == 'auto':
        cfg.resume = True
    elif resume:
        cfg.resume, cfg.load_from = True, resume
    restarts = restart_count()
    restarted_from = restart_checkpoint(cfg.work_dir) if restarts else None
    if restarted_from:
        cfg.resume, cfg.load_from = True, restarted_from
    start_from = cfg.get('load_from') or (find_latest_checkpoint(cfg.work_dir) if cfg.get('resume') else None)
    if start_from and '://' not in start_from:
        check_checkpoint_file(start_from, '--resume' if cfg.get('resume') else 'load_from')
    if start_from:
        how = f'{"resuming" if cfg.get("resume") else "loading weights"} from {start_from}'
    else:
        how = f'starting from scratch{" (--resume found no checkpoint)" if cfg.get("resume") else ""}'
    if restarted_from:
        return f'torchrun restart {restarts}: {how}, the newest complete checkpoint this job wrote'
    if restarts:
        return (f'torchrun restart {restarts}: this job has written no complete checkpoint in '
                f'{checkpoint_folder(cfg.work_dir)} yet; {how}, as the first attempt did')
    if not cfg.get('resume') and osp.isfile(osp.join(cfg.work_dir, 'last_checkpoint')):
        return (f'start of training: {how}; the checkpoints already in {cfg.work_dir} are not resumed (pass '
                '--resume to continue them)')
    return f'start of training: {how}'
