"""What a measured number was measured on: benchmarks print and store it beside their figures."""
import datetime
import os
import os.path as osp
import resource
from typing import Dict

import torch


def machine_info(device: str = 'cpu') -> Dict[str, str]:
    """CPU model, core count, torch threads, load average (the machine may be shared), torch version, device
    (and GPU name) and the date."""
    cpu = 'unknown CPU'
    if osp.isfile('/proc/cpuinfo'):
        with open('/proc/cpuinfo') as f:
            cpu = next((line.split(':', 1)[1].strip() for line in f if line.startswith('model name')), cpu)
    info = dict(cpu=cpu, cpu_count=str(os.cpu_count()), torch_threads=str(torch.get_num_threads()),
                load_average=' '.join(f'{load:.2f}' for load in os.getloadavg()), torch=torch.__version__,
                device=device, date=datetime.datetime.now().astimezone().isoformat(timespec='seconds'))
    if device == 'cuda':
        info['gpu'] = torch.cuda.get_device_name()
    return info


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
