# Fashion-MNIST, grayscale 28 px padded by 2 px of background (black) to 32 px, no resizing. Training reads the
# 60k training images; validation and test compare with the 10k test images (Lucic et al.'s FID protocol).
# Prepare both splits first (from Debian's dataset-fashion-mnist, or --src DIR):
#   python tools/dataset_converters/prepare_fashion_mnist.py
dataset_type = 'BasicImageDataset'
data_root = 'data/fashion-mnist'
pipeline = [
    dict(type='CheckedLoadImageFromFile', key='gt', color_type='grayscale'),
    dict(type='NumpyPad', keys='gt', padding=((2, 2), (2, 2), (0, 0))),
    dict(type='PackInputs'),
]
# loaded in the main process (≈ 3 ms per batch): on 2 cores, loader workers slowed training up to 1.6× (README);
# with cores to spare (a GPU machine), raise num_workers: the batches stay the same
train_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='ResumableInfiniteSampler', shuffle=True),  # --resume starts it mid-stream (no replay)
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix=dict(gt='train'), pipeline=pipeline))
val_dataloader = dict(
    batch_size=50, num_workers=2, persistent_workers=True, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, data_prefix=dict(gt='test'), pipeline=pipeline))
test_dataloader = val_dataloader
