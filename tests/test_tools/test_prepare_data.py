"""tools/dataset_converters/prepare_fashion_mnist.py and prepare_celeba.py on data made by the tests."""
import gzip
import os
import struct
import subprocess

import cv2
import numpy as np
import pytest

from tests.helpers import PYTHON, REPO

FASHION_TOOL = 'tools/dataset_converters/prepare_fashion_mnist.py'
CELEBA_TOOL = 'tools/dataset_converters/prepare_celeba.py'


def run_tool(*args, check=True):
    proc = subprocess.run([PYTHON, *args], cwd=REPO, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stdout + proc.stderr)
    return proc


def write_idx(folder, num=5, gz=True):
    """A tiny IDX3 image file in Fashion-MNIST's format."""
    os.makedirs(folder, exist_ok=True)
    images = np.arange(num * 28 * 28, dtype=np.uint32).astype(np.uint8).reshape(num, 28, 28)
    data = struct.pack('>IIII', 2051, num, 28, 28) + images.tobytes()
    name = os.path.join(folder, 'train-images-idx3-ubyte' + ('.gz' if gz else ''))
    with (gzip.open if gz else open)(name, 'wb') as f:
        f.write(data)
    return images


@pytest.mark.integration
def test_prepare_fashion_mnist_writes_resumes_and_rejects(tmp_path):
    images = write_idx(tmp_path / 'src')
    out = tmp_path / 'out'
    proc = run_tool(FASHION_TOOL, '--src', str(tmp_path / 'src'), '--out', str(out),
                    '--splits', 'train')
    assert '5 written' in proc.stdout
    written = cv2.imread(str(out / 'train' / '00003.png'), cv2.IMREAD_UNCHANGED)
    assert written.shape == (28, 28) and np.array_equal(written, images[3])
    assert '0 written, 5 kept' in run_tool(FASHION_TOOL, '--src', str(tmp_path / 'src'),
                                           '--out', str(out), '--splits', 'train').stdout
    missing = run_tool(FASHION_TOOL, '--src', str(tmp_path / 'nowhere'), check=False)
    assert missing.returncode != 0 and 'is not a directory' in missing.stderr
    (tmp_path / 'bad').mkdir()
    (tmp_path / 'bad' / 'train-images-idx3-ubyte').write_bytes(b'\x00' * 40)
    bad = run_tool(FASHION_TOOL, '--src', str(tmp_path / 'bad'), '--out', str(out),
                   '--splits', 'train', check=False)
    assert bad.returncode != 0 and 'not a complete IDX file' in bad.stderr


def write_aligned_celeba(folder, num=3):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(num):
        cv2.imwrite(os.path.join(folder, f'{i + 1:06d}.jpg'), rng.integers(0, 256, (218, 178, 3), dtype=np.uint8))


@pytest.mark.integration
def test_prepare_celeba_crops_resumes_and_never_touches_the_source(tmp_path):
    src = tmp_path / 'img_align_celeba'
    write_aligned_celeba(src)
    before = {p: os.path.getmtime(src / p) for p in os.listdir(src)}
    out = tmp_path / 'celeba-cropped'
    run_tool(CELEBA_TOOL, str(src), '--out', str(out), '--sizes', '64', '128', '--workers', '2')
    img = cv2.imread(str(out / '128x128' / '000002.png'))
    source = cv2.imread(str(src / '000002.jpg'))
    assert img.shape == (128, 128, 3) and np.array_equal(img, source[50:178, 25:153])
    assert cv2.imread(str(out / '64x64' / '000001.png')).shape == (64, 64, 3)
    mtime = os.path.getmtime(out / '64x64' / '000001.png')
    run_tool(CELEBA_TOOL, str(src), '--out', str(out), '--sizes', '64')
    assert os.path.getmtime(out / '64x64' / '000001.png') == mtime  # resumed, not rewritten
    assert {p: os.path.getmtime(src / p) for p in os.listdir(src)} == before

    cv2.imwrite(str(src / '000009.jpg'), np.zeros((100, 100, 3), np.uint8))
    proc = run_tool(CELEBA_TOOL, str(src), '--out', str(out), check=False)
    assert proc.returncode != 0 and '000009.jpg: 100×100 px' in proc.stdout
    inside = run_tool(CELEBA_TOOL, str(src), '--out', str(src / 'crops'), check=False)
    assert inside.returncode != 0 and 'inside the source folder' in inside.stderr
    empty = tmp_path / 'empty'
    empty.mkdir()
    proc = run_tool(CELEBA_TOOL, str(empty), '--out', str(out), check=False)
    assert proc.returncode != 0 and 'no .jpg/.png images' in proc.stderr


@pytest.mark.integration
def test_train_coverage_classifier_from_a_labelled_folder(tmp_path):
    from tests.test_evaluation.test_coverage_classifier import bars
    images, labels = bars(30)
    for index, (image, label) in enumerate(zip(images, labels)):
        folder = tmp_path / 'labelled' / ['rows', 'columns', 'square'][label]
        folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / f'{index}.png'), image[0].numpy())
    out = tmp_path / 'cls.pth'
    args = ['tools/analysis_tools/train_coverage_classifier.py', '--folder', str(tmp_path / 'labelled'), '--out',
            str(out), '--epochs', '4', '--batch-size', '16']
    proc = run_tool(*args)
    assert '81 training and 9 held-out images of shape (1, 16, 16), 3 classes' in proc.stdout
    assert 'held-out accuracy' in proc.stdout and out.is_file()
    again = run_tool(*args, check=False)
    assert again.returncode != 0 and 'nothing was overwritten' in again.stderr
    empty = tmp_path / 'one_class' / 'only'
    empty.mkdir(parents=True)
    bad = run_tool('tools/analysis_tools/train_coverage_classifier.py', '--folder', str(tmp_path / 'one_class'),
                   '--out', str(tmp_path / 'x.pth'), check=False)
    assert bad.returncode != 0 and 'needs one subfolder per class' in bad.stderr
