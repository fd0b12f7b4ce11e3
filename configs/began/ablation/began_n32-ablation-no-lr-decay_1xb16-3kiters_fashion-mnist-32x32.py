# Recipe ablation: the baseline without the lr decay on an M_global stall (no MGlobalPlateauHook).
_base_ = ['./began_n32-ablation-base_1xb16-3kiters_fashion-mnist-32x32.py']

custom_hooks = [
    dict(type='BEGANEquilibriumHook'),
    dict(type='ResumableVisualizationHook', interval=1000, fixed_input=True,
         vis_kwargs_list=dict(type='GAN', name='fake_img')),
    dict(type='RandomStateHook'),
    dict(type='PreemptionHook'),
]
