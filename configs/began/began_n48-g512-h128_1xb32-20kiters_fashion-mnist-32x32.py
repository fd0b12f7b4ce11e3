# The n = 48 recipe at batch 32 (the paper's 16; Lucic et al. trained at 64), same learning rate: 1.9× the cost per
# iteration, FID-10k-Lucic 22.9 at 20k iterations (640k images), one seed (configs/began/README.md). Trained on,
# D blew up at 24.8k iterations, as at batch 16 near 25k.
_base_ = ['./began_n48-g512-h128_1xb16-25kiters_fashion-mnist-32x32.py']

train_dataloader = dict(batch_size=32)
train_cfg = dict(max_iters=20000)
