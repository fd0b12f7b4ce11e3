# mmagic's LSGAN (least-squares loss, LSGANDiscriminator) with mmbegan's BEGANGenerator.
# (mmagic's DCGANDiscriminator is avoided: its init_weights fails under mmengine 0.10.7.)
_base_ = [
    '../_base_/datasets/celeba-cropped-64x64.py',
    'mmagic::_base_/gen_default_runtime.py',
]
custom_imports = dict(imports=['mmbegan'], allow_failed_imports=False)
model_wrapper_cfg = dict(type='DeviceAwareSeparateDDP', broadcast_buffers=False, find_unused_parameters=False)

model = dict(
    type='LSGAN',
    noise_size=64,
    data_preprocessor=dict(type='DataPreprocessor'),
    generator=dict(type='BEGANGenerator', output_scale=64, base_channels=64, noise_size=64),
    discriminator=dict(type='LSGANDiscriminator', in_channels=3, input_scale=64, output_scale=8,
                       base_channels=64, out_channels=1))

optim_wrapper = dict(
    generator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.99))),
    discriminator=dict(optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.99))))
custom_hooks = [dict(type='ResumableVisualizationHook', interval=5000, fixed_input=True,
                     vis_kwargs_list=dict(type='GAN', name='fake_img'))]
train_cfg = dict(max_iters=200000, val_interval=10000)

metrics = [dict(type='SWD', prefix='swd', fake_nums=16384, sample_model='orig', image_shape=(3, 64, 64))]
val_evaluator = dict(metrics=metrics)
test_evaluator = dict(metrics=metrics)
# mmbegan's checkpoint hook: it also saves where a run stops early (PreemptionHook) and keeps the last good file;
# its scheduler hook: a resumed schedule's end follows this launch's max_iters
default_hooks = dict(checkpoint=dict(type='ResumableCheckpointHook', interval=10000, save_best='swd/avg',
                                     rule='less'),
                     param_scheduler=dict(type='ResumableParamSchedulerHook'))
