# CelebA face crops at 64×64 as tools/dataset_converters/prepare_celeba.py writes them (it owns the crop, so the
# pipeline only loads: images of another size are an error, not silently rescaled); batch 16, the paper's.
_base_ = ['mmagic::_base_/datasets/unconditional_imgs_64x64.py']

data_root = 'data/celeba-cropped/64x64'
pipeline = [dict(type='CheckedLoadImageFromFile', key='gt'), dict(type='PackInputs')]
batch_size = 16
# ResumableInfiniteSampler: mmengine's InfiniteSampler that --resume can start mid-stream (no replay)
train_dataloader = dict(batch_size=batch_size, num_workers=2, sampler=dict(type='ResumableInfiniteSampler'),
                        dataset=dict(data_root=data_root, pipeline=pipeline))
val_dataloader = dict(batch_size=batch_size, num_workers=2, dataset=dict(data_root=data_root, pipeline=pipeline))
test_dataloader = dict(batch_size=batch_size, num_workers=2, dataset=dict(data_root=data_root, pipeline=pipeline))
