"""check_image: the cheap header check run over a data list."""
import numpy as np
import pytest
from PIL import Image

from qmimic_mm.datasets.image_check import BadImageError, check_image


@pytest.fixture
def jpeg(tmp_path) -> str:
    path = str(tmp_path / 'a.jpg')
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (60, 80), dtype=np.uint8)).save(
        path, quality=90)
    return path


def _rewrite(path: str, data: bytes) -> None:
    with open(path, 'wb') as f:
        f.write(data)


def test_whole_jpeg_gives_its_size(jpeg):
    assert check_image(jpeg) == (80, 60)


def test_padded_jpeg_is_whole(jpeg):
    with open(jpeg, 'rb') as f:
        data = f.read()
    _rewrite(jpeg, data + bytes(10000))  # end marker 10 KB before the end
    assert check_image(jpeg) == (80, 60)


@pytest.mark.parametrize('damage,expected', [
    (lambda d: d[:len(d) // 2], 'truncated or corrupt'),
    (lambda d: b'', '0 bytes'),
    (lambda d: b'not an image at all', 'not an image file'),
])
def test_bad_files_are_named(jpeg, damage, expected):
    with open(jpeg, 'rb') as f:
        data = f.read()
    _rewrite(jpeg, damage(data))
    with pytest.raises(BadImageError) as err:
        check_image(jpeg)
    assert err.value.path == jpeg and expected in err.value.detail
    line = str(err.value)
    assert line.startswith(f'bad image {jpeg}: ')
    assert "set bad_image='skip'" in line
    err.value.name_key('train_dataloader.dataset.bad_image')
    assert "set train_dataloader.dataset.bad_image='skip'" in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(BadImageError, match='file not found'):
        check_image(str(tmp_path / 'gone.jpg'))


def test_png_checksum(tmp_path):
    path = str(tmp_path / 'a.png')
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(path)
    assert check_image(path) == (8, 8)
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    data[-20] ^= 0xFF  # inside the last data chunk
    _rewrite(path, bytes(data))
    with pytest.raises(BadImageError, match='truncated or corrupt'):
        check_image(path)
