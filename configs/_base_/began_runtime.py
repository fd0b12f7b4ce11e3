# Runtime shared by every BEGAN config: mmagic's generative runtime plus what BEGAN needs.
_base_ = ['mmagic::_base_/gen_default_runtime.py']

# register mmbegan's models, hooks, metrics and wrappers (and its checkpoint-loading fix)
custom_imports = dict(imports=['mmbegan'], allow_failed_imports=False)

# mmagic's separate DDP, also on CPU/gloo (mmengine passes device_ids, which CPU DDP rejects)
model_wrapper_cfg = dict(type='DeviceAwareSeparateDDP', broadcast_buffers=False, find_unused_parameters=False)

# tools/train.py's precision: bf16 where it is fast (a CPU with native bf16, a CUDA device with bf16), fp16 AMP on
# older GPUs, fp32 elsewhere; bf16 matched fp32's FID and class coverage on the Fashion-MNIST recipe (README)
precision = 'auto'

# BEGANEquilibriumHook owns k_t: without it training stops at the first iteration with an error.
equilibrium_hook = dict(type='BEGANEquilibriumHook')
# lr decay: halve both learning rates when the mean M_global of 500-iteration windows has not improved for
# 10 windows (the stall rule of tensorpack's BEGAN), never below 2e-5 (carpedm20's floor, added after a
# collapse caused by decaying too far).
lr_decay_hook = dict(type='MGlobalPlateauHook', window=500, patience=10, factor=0.5, min_lr=2e-5)
# sample grids from fixed noise (kept in checkpoints), so successive frames are comparable, also across --resume
vis_hook = dict(type='ResumableVisualizationHook', interval=5000, fixed_input=True,
                vis_kwargs_list=dict(type='GAN', name='fake_img'))
# BEGAN's diagnostic: rows x, D(x), G(z), D(G(z)) for fixed x and z
recon_hook = dict(type='BEGANReconstructionHook', interval=5000, n_samples=8)
# RNG states of every rank in each checkpoint, so --resume continues the same noise stream
rng_hook = dict(type='RandomStateHook')
# on SIGTERM (pre-emption): finish the iteration, save a checkpoint, stop (exit code 143)
preemption_hook = dict(type='PreemptionHook')
custom_hooks = [equilibrium_hook, lr_decay_hook, vis_hook, recon_hook, rng_hook, preemption_hook]

# mmengine's iteration loop whose --resume starts the sampler (ResumableInfiniteSampler, set by the dataset bases)
# at the saved data position instead of loading every consumed batch again
train_cfg = dict(_delete_=True, type='ResumableIterBasedTrainLoop', val_begin=1, val_interval=10000)

# checkpoints are written to a temporary file and renamed: a crash mid-save never leaves a truncated iter_N.pth;
# a run stopped early (SIGTERM) also saves the iteration it stops at. A resumed lr schedule's end comes from this
# launch's config (by default its max_iters), not from the checkpoint: a short first launch does not cut it short
default_hooks = dict(checkpoint=dict(type='ResumableCheckpointHook', backend_args=dict(backend='atomic_local')),
                     param_scheduler=dict(type='ResumableParamSchedulerHook'))

# k_t, m_global and balance are logged unsmoothed every logging step; m_global_avg is M_global averaged
# over the last 100 iterations
log_processor = dict(
    type='LogProcessor', by_epoch=False,
    custom_cfg=[dict(data_src='m_global', log_name='m_global_avg', method_name='mean', window_size=100)])
