"""How many classes a generator covers, counted by a classifier of the real data's classes."""
import re
from typing import Optional, Sequence

import torch
from mmagic.evaluation.metrics.base_gen_metric import GenerativeMetric
from mmagic.registry import METRICS

from .coverage_classifier import DEFAULT_CLASSIFIER, effective_classes, load_classifier


@METRICS.register_module()
class ClassCoverage(GenerativeMetric):
    """Classify ``fake_nums`` generated images and report how evenly they spread over the classes.

    Keys: ``effective_classes`` = exp(H) of the predicted-class histogram (from 1, one class, to the number of
    classes, uniform; a mode-collapsed generator scores low), ``min_share`` (the rarest class's share of the
    samples) and ``share_<i>_<class name>`` for every class. Held-out real images score close to the maximum
    (Fashion-MNIST test split: 9.98 of 10 with the shipped classifier).

    Args:
        fake_nums (int): number of generated images.
        classifier (str): a file written by ``tools/analysis_tools/train_coverage_classifier.py``; default: the
            shipped Fashion-MNIST classifier (28 px images padded to 32 px, grayscale).
        sample_model (str): 'orig' or 'ema'.
        prefix (str): prefix of the logged keys.
    """

    name = 'ClassCoverage'

    def __init__(self, fake_nums: int, classifier: Optional[str] = None, sample_model: str = 'orig',
                 prefix: str = 'coverage', **kwargs):
        super().__init__(fake_nums, sample_model=sample_model, prefix=prefix, **kwargs)
        self.classifier, meta = load_classifier(classifier or DEFAULT_CLASSIFIER)
        self.class_names = meta['class_names']
        self.image_shape = tuple(meta['image_shape'])

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Store the predicted class of every generated image of the batch."""
        images = torch.stack([(sample[self.sample_model] if self.sample_model in sample else sample)['fake_img']
                              for sample in data_samples]).cpu()
        if tuple(images.shape[1:]) != self.image_shape:
            raise ValueError(f'ClassCoverage: the classifier takes images of shape {self.image_shape} (C, H, W), '
                             f'the generator makes {tuple(images.shape[1:])}; train a classifier on images as '
                             'this model sees them')
        self.fake_results.append(self.classifier.predict(images))

    def compute_metrics(self, results_fake) -> dict:
        counts = torch.bincount(torch.cat(list(results_fake)).flatten(), minlength=len(self.class_names))
        shares = (counts.double() / counts.sum()).tolist()
        metrics = dict(effective_classes=effective_classes(counts), min_share=min(shares))
        for index, (name, share) in enumerate(zip(self.class_names, shares)):
            metrics[f'share_{index}_{re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")}'] = share
        return metrics
