"""tools/analysis_tools/folder_fid.py: one reference folder against several, each with its own border crop, with
either resize."""
import os
import re
import subprocess

import cv2
import pytest

from tests.helpers import PYTHON, REPO, write_images

TOOL = 'tools/analysis_tools/folder_fid.py'


def folder_fid(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, TOOL, *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def transformed_copy(src: str, dst: str, transform) -> str:
    """Write ``transform(image)`` of every image of ``src`` under the same name into ``dst``."""
    os.makedirs(dst)
    for name in os.listdir(src):
        cv2.imwrite(os.path.join(dst, name), transform(cv2.imread(os.path.join(src, name), cv2.IMREAD_UNCHANGED)))
    return dst


@pytest.mark.integration
def test_padded_copy_scores_zero_and_other_images_do_not(tmp_path):
    reference = write_images(tmp_path / 'reference', 6, 28, channels=1)
    padded = transformed_copy(reference, str(tmp_path / 'padded'),
                              lambda im: cv2.copyMakeBorder(im, 2, 2, 2, 2, cv2.BORDER_CONSTANT, value=0))
    inverted = transformed_copy(reference, str(tmp_path / 'inverted'), lambda im: 255 - im)
    for resize in ('pytorch', 'tf1'):
        proc = folder_fid(reference, padded, inverted, '--num', '6', '--crop', '0', '2', '0', '--resize', resize)
        assert proc.returncode == 0, proc.stderr[-3000:]
        fids = [float(v) for v in re.findall(rf'^FID (\S+) .*, {resize} resize;', proc.stdout, re.M)]
        assert len(fids) == 2, proc.stdout
        assert abs(fids[0]) < 1e-2 < 10 < fids[1], proc.stdout  # crop 2 undoes the padding exactly


@pytest.mark.integration
def test_bad_arguments_are_named_before_any_features(tmp_path):
    reference = write_images(tmp_path / 'reference', 3, 28, channels=1)
    proc = folder_fid(reference, reference, '--num', '3', '--crop', '0')
    assert proc.returncode != 0 and 'one value per folder' in proc.stderr
    proc = folder_fid(reference, str(tmp_path / 'missing'), '--num', '3')
    assert proc.returncode != 0 and 'missing is not a directory' in proc.stderr
    proc = folder_fid(reference, reference, '--num', '5')
    assert proc.returncode != 0 and 'holds 3 images, fewer than --num 5' in proc.stderr
