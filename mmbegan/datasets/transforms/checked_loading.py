"""mmagic's LoadImageFromFile with a clear error for files that do not decode."""
import numpy as np
from mmagic.datasets.transforms import LoadImageFromFile
from mmagic.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CheckedLoadImageFromFile(LoadImageFromFile):
    """``LoadImageFromFile`` that names the file when it is unreadable or not an image.

    mmagic's transform passes the ``None`` of a failed decode on and fails later with
    ``'NoneType' object has no attribute 'ndim'``; here the error says which file to fix or remove.
    """

    def _load_image(self, filename: str) -> np.ndarray:
        try:
            img = super()._load_image(filename)
        except OSError as err:
            raise OSError(f'cannot read image {filename}: {err}') from err
        if img is None:
            raise ValueError(f'cannot decode image {filename}: the file is corrupt or not an image; '
                             'fix or remove it from the data folder')
        return img
