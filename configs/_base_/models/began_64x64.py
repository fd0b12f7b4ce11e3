# BEGAN at 64×64 in the authors' layout (paper Sec. 3.5): 3×3 convs + ELU, two per scale, linear channel
# growth in the encoder, FC bottleneck h of size Nh = 64, z ~ U(−1, 1)^64 (Nz = 64).
model = dict(
    type='BEGAN',
    data_preprocessor=dict(type='BatchedDataPreprocessor'),  # mmagic's DataPreprocessor, batched: same output
    generator=dict(type='BEGANGenerator', output_scale=64, out_channels=3, base_channels=64, noise_size=64,
                   num_convs=2),
    discriminator=dict(type='BEGANDiscriminator', input_scale=64, in_channels=3, base_channels=64,
                       embedding_size=64, num_convs=2),
    gamma=0.5,  # the paper's default diversity ratio (it shows 0.3 / 0.5 / 0.7)
    lambda_k=1e-3,  # the paper's proportional gain of k_t
    k_init=0.0,  # k_0 = 0
    recon_norm='l1',  # L(v) = |v − D(v)| (η = 1)
    update_mode='alternating',
    channels_last=True)  # faster convs on CPU (oneDNN) and GPU; same values up to rounding
