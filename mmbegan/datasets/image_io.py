"""Image writing for the data-preparation tools."""
import os

import cv2
import numpy as np


def write_png_atomic(path: str, image: np.ndarray) -> None:
    """Write a PNG through a temporary name, so an interrupted run never leaves a truncated image."""
    ok, buf = cv2.imencode('.png', image)
    if not ok:
        raise OSError(f'could not encode {path}')
    with open(path + '.part', 'wb') as f:
        f.write(buf.tobytes())
    os.replace(path + '.part', path)
