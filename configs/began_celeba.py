# Short name for the 64×64 CelebA BEGAN: python tools/train.py configs/began_celeba.py
# It points to the full recipe (Kaiming init of D, γ 1.0, λ_k 0.02, Adam 3e-4, EMA generator, mmagic's batch-norm
# DCGANGenerator), not the paper reproduction (began_1xb16-200kiters_celeba-cropped-64x64.py): the paper settings
# gave one grey blob for every z at 1,000 iterations, and on Fashion-MNIST, the one dataset measured here, BEGAN's
# own generator covered 6.4 of 10 classes at 3k iterations and fewer as training went on, the batch-norm generator
# 8.7–8.9 and held them. Evidence: configs/began/README.md.
_base_ = ['./began/began_dcgan-generator-ema_1xb16-200kiters_celeba-cropped-64x64.py']
