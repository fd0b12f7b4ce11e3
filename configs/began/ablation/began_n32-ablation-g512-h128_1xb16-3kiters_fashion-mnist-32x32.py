# Recipe ablation: the final Fashion-MNIST recipe at 3k iterations (512-channel batch-norm generator, bottleneck
# Nh = 128, no lr decay), for the bf16 parity recheck on it; the rest stays the ablation baseline's.
_base_ = ['./began_n32-ablation-no-lr-decay_1xb16-3kiters_fashion-mnist-32x32.py']

model = dict(
    generator=dict(_delete_=True, type='DCGANGenerator', output_scale=32, out_channels=1, base_channels=512,
                   noise_size=64),
    discriminator=dict(embedding_size=128))
