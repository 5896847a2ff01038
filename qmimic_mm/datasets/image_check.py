"""A cheap check that an image file is whole, before training reads it."""
from typing import Optional, Tuple

from PIL import Image, UnidentifiedImageError

from qmimic_mm.utils.errors import FileInputError

#: The JPEG end-of-image marker; a truncated JPEG has lost it.
_JPEG_EOI = b'\xff\xd9'
#: How far from the end the marker is looked for (some writers pad).
_TAIL = 4096


class BadImageError(FileInputError):
    """An image of a data set that cannot be read (missing, empty,
    truncated, not an image).

    Args:
        path (str): The image file.
        detail (str): What is wrong with it.
        ann_file (str): The annotation file listing it (to name the
            dataset's config key, see ``qmimic_mm.utils.cli``).
        key (str, optional): The config key of the dataset's ``bad_image``
            switch. Defaults to ``'bad_image'``.
    """

    def __init__(self, path: str, detail: str, ann_file: str = '',
                 key: Optional[str] = None) -> None:
        self.ann_file = ann_file
        super().__init__(path, detail, key)

    def message(self) -> str:
        key = self.key or 'bad_image'
        return (f'bad image {self.path}: {self.detail}; replace or remove '
                f"it, or set {key}='skip' to train without it")


def _jpeg_complete(f) -> bool:
    """Whether the JPEG ends with its end-of-image marker (header only);
    without it, decode it in full to tell padding from truncation."""
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - _TAIL))
    return _JPEG_EOI in f.read()


def check_image(local_path: str) -> Tuple[int, int]:
    """``(width, height)`` of an image, read from its header, after
    checking that the file is whole.

    Costs a header parse and, for a JPEG, a read of its last 4 KiB; only a
    JPEG without its end marker there is decoded in full (it may be padded
    rather than truncated).

    Raises:
        BadImageError: The file is missing, empty, not an image, or a
            truncated JPEG (``ann_file`` and the key are left to the caller).
    """
    try:
        with open(local_path, 'rb') as f:
            if not f.read(1):
                raise BadImageError(local_path, '0 bytes')
            f.seek(0)
            with Image.open(f) as img:
                size = img.size
                if img.format == 'JPEG' and not _jpeg_complete(f):
                    f.seek(0)
                    with Image.open(f) as full:
                        full.load()  # raises on truncation
                elif img.format != 'JPEG':
                    img.verify()  # PNG & co.: checksums, no decoding
            return size
    except FileNotFoundError:
        raise BadImageError(local_path, 'file not found') from None
    except UnidentifiedImageError:
        raise BadImageError(local_path, 'not an image file (PIL cannot '
                            'identify it)') from None
    except (OSError, SyntaxError, ValueError) as err:
        # PIL: 'image file is truncated', 'broken data stream', bad CRC
        raise BadImageError(local_path,
                            f'truncated or corrupt ({err})') from None
