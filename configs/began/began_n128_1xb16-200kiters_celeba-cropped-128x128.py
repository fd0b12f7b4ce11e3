# The paper's 128×128 CelebA BEGAN: n = 128 (17.0 M parameters in the authors' layout; the paper says 17.3 M).
#   python tools/dataset_converters/prepare_celeba.py /path/to/img_align_celeba --sizes 128
_base_ = ['./began_1xb16-200kiters_celeba-cropped-64x64.py']

model = dict(
    generator=dict(output_scale=128, base_channels=128),
    discriminator=dict(input_scale=128, base_channels=128))

# the 128 px crops of tools/dataset_converters/prepare_celeba.py, otherwise the 64 px data settings
data_root = 'data/celeba-cropped/128x128'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))

metrics = [
    dict(type='OfflineFID', prefix='FID-10k', fake_nums=10000, real_nums=10000, sample_model='orig'),
    dict(type='SWD', prefix='swd', fake_nums=16384, sample_model='orig', image_shape=(3, 128, 128)),
    dict(type='MS_SSIM', prefix='ms-ssim', fake_nums=10000, sample_model='orig'),
    dict(type='MGlobal', fake_nums=2048, sample_model='orig'),
]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
