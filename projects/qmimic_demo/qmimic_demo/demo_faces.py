"""A small synthetic face set written in the official WIDER FACE layout.

Faces are the 100 LFW face crops that scikit-image ships offline
(``skimage/data/lfw_subset.npy``; its last 100 crops are non-faces, pasted
unlabelled as distractors), pasted at varied scales with blur, illumination
changes and partial occlusion onto crops of scikit-image's bundled scenes and
textures. Three splits, train / val / test, each with its own face crops
(one crop = one identity), non-face crops and scenes (:func:`split_assets`),
so val and test measure generalisation to unseen faces on unseen scenes.
The output mirrors the WIDER FACE release, so the same configs, dataset class
and evaluation code run on it and on the real data::

    out/WIDER_{train,val,test}/images/<event>/<image>.jpg
    out/wider_face_split/wider_face_{train,val,test}_bbx_gt.txt
    out/wider_face_split/wider_face_{train,val,test}.mat
    out/wider_face_split/wider_{easy,medium,hard}_{val,test}.mat

The official release publishes no test ground truth; the synthetic test
split carries it, named by analogy with val.
"""
import math
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from qmimic_mm.wider.format import (WiderImageAnnotation, format_wider_bbx_gt,
                                    save_wider_ground_truth)
from .demo_distractors import distractors_file, save_distractors

#: Event folders of the demo set (official naming ``<id>--<Name>``).
DEMO_EVENTS: Tuple[str, ...] = ('0--Parade', '1--Handshaking',
                                '2--Demonstration', '3--Riot')

#: Splits in generation order; the index is part of each image's seed.
DEMO_SPLITS: Tuple[str, ...] = ('train', 'val', 'test')

#: Bundled scikit-image images without human faces, used as backgrounds and
#: occluders, per split: each split has its own scenes. Every split mixes
#: kinds (texture, document, photo, dark sky, microscopy) so val and test are
#: as hard as train, not easier or harder by scene type.
BACKGROUND_SPLITS: Dict[str, Tuple[str, ...]] = {
    'train': ('brick.png', 'grass.png', 'text.png', 'coffee.png',
              'rocket.jpg', 'moon.png', 'coins.png'),
    'val': ('gravel.png', 'clock_motion.png', 'hubble_deep_field.jpg'),
    'test': ('page.png', 'motorcycle_left.png', 'cell.png'),
}

#: All background files.
BACKGROUND_FILES: Tuple[str, ...] = tuple(
    name for split in DEMO_SPLITS for name in BACKGROUND_SPLITS[split])

#: Number of face crops in ``lfw_subset.npy`` (the non-faces follow them).
NUM_LFW_FACES = 100

#: Non-face crops (0-based within the non-face half) that show eyes, a nose
#: or a mouth: pasted unlabelled they would be unannotated faces.
FACE_LIKE_NON_FACES: Tuple[int, ...] = (13, 25, 26, 30, 80)

#: Official attribute codes used by the generator.
BLUR_CLEAR, BLUR_NORMAL, BLUR_HEAVY = 0, 1, 2
OCC_NONE, OCC_PARTIAL, OCC_HEAVY = 0, 1, 2


@dataclass
class DemoFacesConfig:
    """Knobs of the demo set generator.

    Attributes:
        num_train: Number of training images.
        num_val: Number of validation images.
        num_test: Number of test images.
        seed: Seed; the same seed gives byte-identical annotation files and
            identical images.
        img_size: ``(min, max)`` of each image's longer side, pixels.
        face_size: ``(min, max)`` face width, pixels (log-uniform).
        max_faces: Most faces per image.
        max_distractors: Most non-face crops pasted per image.
        zero_face_every: Every ``zero_face_every``-th image (index
            ``k * zero_face_every - 1``) has no face, as a few WIDER images do.
        invalid_occlusion: Faces occluded by at least this fraction are
            marked ``invalid = 1``.
        split_fractions: Shares of the 100 LFW faces (and of the non-faces)
            for train, val and test, taken as consecutive blocks, so no
            split sees another split's face crops.
        easy_min_size: Valid faces with ``min(w, h) >=`` this are kept in the
            easy setting.
        medium_min_size: Valid faces with ``min(w, h) >=`` this are kept in
            the medium setting (hard keeps every valid face).
        jpeg_quality: JPEG quality of the written images.
    """

    num_train: int = 400
    num_val: int = 100
    num_test: int = 200
    seed: int = 0
    img_size: Tuple[int, int] = (160, 256)
    face_size: Tuple[int, int] = (10, 80)
    max_faces: int = 6
    max_distractors: int = 3
    zero_face_every: int = 20
    invalid_occlusion: float = 0.6
    split_fractions: Tuple[float, float, float] = (0.6, 0.2, 0.2)
    easy_min_size: int = 40
    medium_min_size: int = 20
    jpeg_quality: int = 90


@dataclass
class DemoImage:
    """One generated image and its official-format annotation.

    Attributes:
        event: Event folder, e.g. ``'0--Parade'``.
        name: Image name without extension.
        image: Gray ``uint8`` array ``(H, W)``.
        boxes: ``(N, 10)`` int array of rows ``x y w h blur expression
            illumination invalid occlusion pose``; ``N == 0`` for zero-face
            images.
        distractors: ``(M, 4)`` int array of ``x y w h`` boxes of the
            non-face patches (metadata, not ground truth).
    """

    event: str
    name: str
    image: np.ndarray
    boxes: np.ndarray
    distractors: np.ndarray


def skimage_data_dir() -> str:
    """Return the folder of the data files in the scikit-image wheel."""
    import skimage
    return osp.join(osp.dirname(skimage.__file__), 'data')


@dataclass(frozen=True)
class SplitAssets:
    """The source material one split draws from.

    Attributes:
        face_ids: Indices of its face crops in ``lfw_subset.npy`` (0-99);
            each crop counts as one identity.
        non_face_ids: Indices of its non-face crops in ``lfw_subset.npy``
            (100-199, without :data:`FACE_LIKE_NON_FACES`).
        backgrounds: Its background (and occluder) files.
    """

    face_ids: Tuple[int, ...]
    non_face_ids: Tuple[int, ...]
    backgrounds: Tuple[str, ...]


def _blocks(items: Sequence[int],
            fractions: Sequence[float]) -> List[Tuple[int, ...]]:
    """Cut ``items`` into consecutive blocks holding ``fractions`` of it."""
    bounds = np.round(np.cumsum((0.0, ) + tuple(fractions)) *
                      len(items)).astype(int)
    return [tuple(items[lo:hi]) for lo, hi in zip(bounds[:-1], bounds[1:])]


def split_assets(
        cfg: Optional[DemoFacesConfig] = None) -> Dict[str, SplitAssets]:
    """Which identities, non-face crops and scenes each split uses.

    The partition depends only on ``cfg.split_fractions``, not on the seed:
    the pools of two splits never overlap.

    Args:
        cfg: Generator settings; defaults to :class:`DemoFacesConfig()`.

    Returns:
        :class:`SplitAssets` per split name of :data:`DEMO_SPLITS`.

    Raises:
        ValueError: ``split_fractions`` are not three positive shares
            summing to at most 1.
    """
    cfg = cfg or DemoFacesConfig()
    fractions = tuple(cfg.split_fractions)
    if (len(fractions) != len(DEMO_SPLITS) or min(fractions) <= 0
            or sum(fractions) > 1 + 1e-9):
        raise ValueError(f'split_fractions must be three positive shares '
                         f'(train, val, test) summing to <= 1, got '
                         f'{fractions}')
    face_ids = list(range(NUM_LFW_FACES))
    non_face_ids = [
        NUM_LFW_FACES + k for k in range(NUM_LFW_FACES)
        if k not in FACE_LIKE_NON_FACES
    ]
    return {
        split: SplitAssets(faces, non_faces, BACKGROUND_SPLITS[split])
        for split, faces, non_faces in zip(DEMO_SPLITS,
                                           _blocks(face_ids, fractions),
                                           _blocks(non_face_ids, fractions))
    }


def load_lfw_crops() -> np.ndarray:
    """Load all 200 crops of the bundled LFW subset as ``(200, 25, 25)``
    ``uint8`` (100 faces, then 100 non-faces)."""
    crops = np.load(osp.join(skimage_data_dir(), 'lfw_subset.npy'))
    return np.round(crops * 255).astype(np.uint8)


def load_lfw_subset() -> Tuple[np.ndarray, np.ndarray]:
    """Load the bundled LFW subset as ``uint8``.

    Returns:
        ``(faces, non_faces)``: ``(100, 25, 25)`` uint8 faces and the non-face
        crops without :data:`FACE_LIKE_NON_FACES`.
    """
    crops = load_lfw_crops()
    non_faces = np.delete(crops[NUM_LFW_FACES:], FACE_LIKE_NON_FACES, axis=0)
    return crops[:NUM_LFW_FACES], non_faces


def load_backgrounds(
        files: Sequence[str] = BACKGROUND_FILES) -> List[np.ndarray]:
    """Load bundled images as gray ``uint8`` arrays.

    Args:
        files: File names in scikit-image's data folder.
    """
    images = []
    for name in files:
        # PIL rather than cv2: libpng in cv2 warns about the ICC profiles
        # of some bundled PNGs.
        with Image.open(osp.join(skimage_data_dir(), name)) as img:
            images.append(np.asarray(img.convert('L'), dtype=np.uint8))
    return images


def _overlaps(box: Tuple[int, int, int, int],
              others: Sequence[Tuple[int, int, int, int]],
              margin: int = 2) -> bool:
    """Whether ``box`` (x, y, w, h) touches any of ``others`` (with margin)."""
    x, y, w, h = box
    for ox, oy, ow, oh in others:
        if (x < ox + ow + margin and ox < x + w + margin
                and y < oy + oh + margin and oy < y + h + margin):
            return True
    return False


def _place(rng: np.random.Generator, w: int, h: int, img_w: int, img_h: int,
           taken: Sequence[Tuple[int, int, int, int]],
           tries: int = 30) -> Optional[Tuple[int, int, int, int]]:
    """Random free position for a ``w x h`` patch, or None if none found."""
    if w > img_w or h > img_h:
        return None
    for _ in range(tries):
        x = int(rng.integers(0, img_w - w + 1))
        y = int(rng.integers(0, img_h - h + 1))
        if not _overlaps((x, y, w, h), taken):
            return x, y, w, h
    return None


def _random_crop(rng: np.random.Generator, src: np.ndarray, w: int,
                 h: int) -> np.ndarray:
    """Crop a random region of ``src`` with the aspect of ``w x h`` and
    resize it to ``w x h``."""
    src_h, src_w = src.shape
    fit = min(src_w / w, src_h / h)
    scale = fit * rng.uniform(0.3, 1.0)
    cw = max(1, min(src_w, int(round(w * scale))))
    ch = max(1, min(src_h, int(round(h * scale))))
    x = int(rng.integers(0, src_w - cw + 1))
    y = int(rng.integers(0, src_h - ch + 1))
    crop = src[y:y + ch, x:x + cw]
    interp = cv2.INTER_AREA if cw > w else cv2.INTER_LINEAR
    return cv2.resize(crop, (w, h), interpolation=interp)


def _blur(patch: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with an explicit kernel so the result is reproducible."""
    if sigma <= 0:
        return patch
    k = 2 * int(math.ceil(3 * sigma)) + 1
    return cv2.GaussianBlur(patch, (k, k), sigmaX=sigma, sigmaY=sigma,
                            borderType=cv2.BORDER_REFLECT)


def _elliptical_alpha(w: int, h: int, feather: float) -> np.ndarray:
    """Soft elliptical mask of a ``w x h`` patch, float32 in [0, 1].

    The ellipse is inscribed in the patch; alpha is 1 inside the inner
    ellipse and falls to 0 along a smooth (smoothstep) ramp of relative width
    ``feather``, so it is 0 on the patch's rectangular border and no step
    marks the pasted region.
    """
    ys = (np.arange(h, dtype=np.float32) + 0.5) / h * 2 - 1
    xs = (np.arange(w, dtype=np.float32) + 0.5) / w * 2 - 1
    radius = np.sqrt(xs[None, :]**2 + ys[:, None]**2)
    t = np.clip((1.0 - radius) / feather, 0.0, 1.0)
    return t * t * (3 - 2 * t)


def _rotate(patch: np.ndarray, angle: float) -> np.ndarray:
    """Rotate ``patch`` about its centre by ``angle`` degrees, same size,
    reflecting at the border (the mask hides the corners)."""
    if angle == 0:
        return patch
    h, w = patch.shape
    mat = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    return cv2.warpAffine(patch, mat, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def _scene_noise(region: np.ndarray) -> float:
    """Sensor-like noise level of a scene region, for the pasted patch.

    A robust estimate (median absolute fine-scale residual), so edges and
    text in the region do not count as noise, capped so a busy texture does
    not turn the patch into static.
    """
    if min(region.shape) < 3:
        return 0.0
    smooth = cv2.GaussianBlur(region, (3, 3), 0.8,
                              borderType=cv2.BORDER_REFLECT)
    mad = float(np.median(np.abs(region - smooth)))
    return min(mad / 0.6745, 3.0)


def composite(rng: np.random.Generator, img: np.ndarray, crop: np.ndarray,
              box: Tuple[int, int, int, int], sigma: float,
              contrast_scale: float = 1.0,
              brightness_shift: float = 0.0) -> np.ndarray:
    """Blend ``crop`` into ``img`` at ``box`` without shortcut cues.

    Faces and distractors go through this same function, so whatever the
    blending leaves behind is shared by both and cannot tell them apart:

    * the crop is rotated by a small random angle (its aspect jitter comes
      from ``box``) and resized to the box;
    * its mean and contrast are set to the scene's under the box (mean of
      the alpha-weighted background, standard deviation with a floor so a
      patch on a flat sky stays visible, and a cap against text's
      black-on-white), then scaled by ``contrast_scale``
      and shifted by ``brightness_shift``;
    * it is blurred by ``sigma`` and gets the scene's own fine-scale noise;
    * it is blended through a feathered elliptical alpha mask.

    Args:
        rng: The image's random generator.
        img: Float32 ``(H, W)`` canvas, modified in place.
        crop: Gray ``uint8`` source crop (any size).
        box: ``(x, y, w, h)`` target region inside ``img``.
        sigma: Gaussian blur sigma of the patch (0: none).
        contrast_scale: Multiplies the matched contrast (< 1: washed out).
        brightness_shift: Added to the matched mean.

    Returns:
        The alpha mask used, ``(h, w)`` float32.
    """
    x, y, w, h = box
    angle = float(rng.uniform(-12, 12))
    src = _rotate(crop.astype(np.float32), angle)
    patch = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
    alpha = _elliptical_alpha(w, h, feather=float(rng.uniform(0.25, 0.45)))
    region = img[y:y + h, x:x + w]
    weight = alpha / max(float(alpha.sum()), 1e-6)
    bg_mean = float((region * weight).sum())
    bg_std = math.sqrt(float((((region - bg_mean)**2) * weight).sum()))
    p_mean = float((patch * weight).sum())
    p_std = math.sqrt(float((((patch - p_mean)**2) * weight).sum())) + 1e-6
    # A floor on the contrast: matching a flat sky's would erase the face.
    target_std = min(max(bg_std, 22.0), 60.0) * float(rng.uniform(0.8, 1.25))
    patch = ((patch - p_mean) / p_std * target_std * contrast_scale +
             bg_mean + brightness_shift)
    patch = _blur(patch, sigma)
    noise = _scene_noise(region)
    if noise > 0:
        patch = patch + rng.normal(0, noise, size=patch.shape)
    img[y:y + h, x:x + w] = alpha * patch + (1 - alpha) * region
    return alpha


def _occlude(rng: np.random.Generator, img: np.ndarray,
             box: Tuple[int, int, int, int], level: int,
             backgrounds: Sequence[np.ndarray], mask: np.ndarray) -> float:
    """Cover one side of ``box`` with a band of another scene.

    The band's inner edge is feathered over a few pixels and the band is
    limited to the patch's own soft ``mask``, so it leaves no straight step
    either. Faces and distractors are occluded alike.

    Returns:
        The covered share of the box (0 for :data:`OCC_NONE`).
    """
    if level == OCC_NONE:
        return 0.0
    x, y, w, h = box
    frac = (rng.uniform(0.1, 0.3) if level == OCC_PARTIAL else
            rng.uniform(0.35, 0.75))
    side = int(rng.integers(4))  # top, bottom, left, right band
    length = h if side < 2 else w
    band = max(1, int(round(frac * length)))
    ramp = max(1, int(round(0.15 * band)))
    # Alpha along the band's depth: 1 inside, a linear ramp at the inner
    # edge (the outer edge is the box's, where the face mask is 0 anyway).
    depth = np.ones(length, np.float32)
    depth[band:] = 0
    depth[band - ramp:band] = np.linspace(1, 0, ramp + 2, dtype=np.float32)[
        1:-1]
    if side in (1, 3):  # bands anchored at the bottom / right
        depth = depth[::-1]
    alpha = (np.repeat(depth[:, None], w, axis=1) if side < 2 else
             np.repeat(depth[None, :], h, axis=0)) * mask
    occluder = backgrounds[int(rng.integers(len(backgrounds)))]
    cover = _random_crop(rng, occluder, w, h).astype(np.float32)
    region = img[y:y + h, x:x + w]
    img[y:y + h, x:x + w] = alpha * cover + (1 - alpha) * region
    return band / float(length)


def _patch_size(rng: np.random.Generator, cfg: DemoFacesConfig,
                max_size: int) -> Tuple[int, int]:
    """``(w, h)`` of a face or distractor: log-uniform width, a box a
    little taller than wide (as WIDER boxes) with jitter."""
    w = int(round(math.exp(
        rng.uniform(math.log(cfg.face_size[0]), math.log(max_size)))))
    h = int(round(w * rng.uniform(1.0, 1.3)))
    return w, h


def render_image(
    rng: np.random.Generator, faces: np.ndarray, non_faces: np.ndarray,
    backgrounds: Sequence[np.ndarray], cfg: DemoFacesConfig,
    zero_faces: bool
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compose one gray image with faces, distractors and occluders.

    Faces and non-face distractors share the size distribution, the
    blending (:func:`composite`), the blur levels and the occlusion, so
    only the content of a patch tells a face from a distractor.

    Args:
        rng: Random generator owned by this image.
        faces: ``(K, 25, 25)`` uint8 face crops to draw from.
        non_faces: ``(M, 25, 25)`` uint8 non-face crops (distractors).
        backgrounds: Gray source images for backgrounds and occluders.
        cfg: Generator settings.
        zero_faces: Produce an image without any face.

    Returns:
        ``(image, boxes, distractors)``: uint8 ``(H, W)`` image, ``(N, 10)``
        int32 face rows in the official ``x y w h blur expression
        illumination invalid occlusion pose`` order, and ``(M, 4)`` int32
        ``x y w h`` distractor boxes (not ground truth).
    """
    long_side = int(rng.integers(cfg.img_size[0], cfg.img_size[1] + 1))
    aspect = float(rng.choice([0.75, 1.0, 4 / 3]))  # height / width
    if aspect <= 1:
        img_w, img_h = long_side, int(round(long_side * aspect))
    else:
        img_h, img_w = long_side, int(round(long_side / aspect))

    bg = backgrounds[int(rng.integers(len(backgrounds)))]
    img = _random_crop(rng, bg, img_w, img_h).astype(np.float32)
    img = img * rng.uniform(0.5, 1.0) + rng.uniform(0, 60)

    taken: List[Tuple[int, int, int, int]] = []
    num_faces = 0 if zero_faces else int(rng.integers(1, cfg.max_faces + 1))
    num_distractors = int(rng.integers(0, cfg.max_distractors + 1))
    # Faces and distractors in one shuffled queue: neither is placed first
    # into the emptier image.
    kinds = rng.permutation([1] * num_faces + [0] * num_distractors)
    max_size = min(cfg.face_size[1], int(0.6 * min(img_w, img_h)))
    rows: List[List[int]] = []
    distractors: List[List[int]] = []
    for is_face in kinds:
        fw, fh = _patch_size(rng, cfg, max_size)
        spot = _place(rng, fw, fh, img_w, img_h, taken)
        if spot is None:
            continue
        taken.append(spot)
        pool = faces if is_face else non_faces
        crop = pool[int(rng.integers(len(pool)))]
        if rng.random() < 0.5:
            crop = crop[:, ::-1]
        # Normal contrast, or an extreme one recorded as illumination.
        illumination = int(rng.random() < 0.1)
        if illumination:
            scale = float(rng.uniform(0.2, 0.4))
            shift = float(rng.choice([-1, 1]) * rng.uniform(20, 50))
        else:
            scale, shift = 1.0, float(rng.uniform(-10, 10))
        blur = int(rng.choice(3, p=[0.5, 0.3, 0.2]))
        # Sigma scales with size so "heavy" means heavy at any scale.
        sigma = (0.0, 0.3 + 0.015 * fw, 0.6 + 0.04 * fw)[blur]
        mask = composite(rng, img, np.ascontiguousarray(crop), spot, sigma,
                         scale, shift)
        level = int(rng.choice(3, p=[0.7, 0.2, 0.1]))
        covered = _occlude(rng, img, spot, level, backgrounds, mask)
        if not is_face:
            distractors.append(list(spot))
            continue
        occlusion = (OCC_NONE if level == OCC_NONE else
                     OCC_PARTIAL if covered <= 0.3 else OCC_HEAVY)
        # WIDER marks faces too occluded to recognise as invalid.
        invalid = int(covered >= cfg.invalid_occlusion)
        x, y = spot[:2]
        rows.append([x, y, fw, fh, blur, 0, illumination, invalid, occlusion,
                     0])

    img += rng.normal(0, 2.0, size=img.shape)
    image = np.clip(np.round(img), 0, 255).astype(np.uint8)
    boxes = np.asarray(rows, dtype=np.int32).reshape(-1, 10)
    return image, boxes, np.asarray(distractors, dtype=np.int32).reshape(-1, 4)


def generate_split(split: str, cfg: DemoFacesConfig, faces: np.ndarray,
                   non_faces: np.ndarray, backgrounds: Sequence[np.ndarray],
                   progress: bool = True) -> List[DemoImage]:
    """Generate every image of one split, ordered by event then index.

    Each image draws from its own generator seeded by ``(seed, split,
    index)``, so an image does not depend on how many came before it.

    Args:
        split: One of :data:`DEMO_SPLITS`.
        cfg: Generator settings.
        faces: Face crops reserved for this split.
        non_faces: Non-face crops reserved for this split.
        backgrounds: Gray background images reserved for this split.
        progress: Show a tqdm progress bar.

    Returns:
        The generated images with their annotations.
    """
    num = getattr(cfg, f'num_{split}')
    split_id = DEMO_SPLITS.index(split)
    out = []
    for idx in tqdm(range(num), desc=f'demo faces {split}',
                    disable=not progress):
        # Contiguous blocks of indices per event, like the official folders.
        event_idx = idx * len(DEMO_EVENTS) // max(num, 1)
        event = DEMO_EVENTS[event_idx]
        event_id, event_name = event.split('--', 1)
        rng = np.random.default_rng([cfg.seed, split_id, idx])
        zero = (idx % cfg.zero_face_every) == cfg.zero_face_every - 1
        image, boxes, distractors = render_image(rng, faces, non_faces,
                                                 backgrounds, cfg, zero)
        name = f'{event_id}_{event_name}_demo_{event_id}_{idx}'
        out.append(DemoImage(event, name, image, boxes, distractors))
    return out


def _write_split(out_dir: str, split: str, images: Sequence[DemoImage],
                 cfg: DemoFacesConfig) -> Dict[str, int]:
    """Write one split's images, bbx_gt file and eval ``.mat`` files.

    Returns:
        The split's counts (see :func:`make_demo_faces`).
    """
    split_dir = osp.join(out_dir, 'wider_face_split')
    for item in images:
        folder = osp.join(out_dir, f'WIDER_{split}', 'images', item.event)
        os.makedirs(folder, exist_ok=True)
        ok, data = cv2.imencode(
            '.jpg', item.image,
            [int(cv2.IMWRITE_JPEG_QUALITY), cfg.jpeg_quality])
        if not ok:
            raise RuntimeError(f'JPEG encoding failed for {item.name}')
        with open(osp.join(folder, f'{item.name}.jpg'), 'wb') as f:
            f.write(data.tobytes())
    records = [
        WiderImageAnnotation(f'{item.event}/{item.name}.jpg', item.boxes)
        for item in images
    ]
    with open(osp.join(split_dir, f'wider_face_{split}_bbx_gt.txt'),
              'w', newline='\n') as f:
        f.write(format_wider_bbx_gt(records))
    save_distractors(
        distractors_file(split_dir, split),
        {f'{i.event}/{i.name}.jpg': i.distractors
         for i in images}, split)
    stats = {
        f'{split}_images': len(images),
        f'{split}_faces': int(sum(len(i.boxes) for i in images)),
        f'{split}_distractors': int(sum(len(i.distractors) for i in images)),
    }
    if split == 'train':  # evaluated splits only need keep lists
        save_wider_ground_truth(split_dir, split, records)
        return stats
    stats[f'{split}_invalid'] = int(
        sum(int((i.boxes[:, 7] == 1).sum()) for i in images))
    kept = save_wider_ground_truth(
        split_dir, split, records,
        dict(easy=cfg.easy_min_size, medium=cfg.medium_min_size, hard=0))
    stats.update({f'{split}_{s}': n for s, n in kept.items()})
    return stats


def make_demo_faces(out_dir: str,
                    cfg: Optional[DemoFacesConfig] = None,
                    progress: bool = True) -> Dict[str, int]:
    """Write the demo face set in the official WIDER FACE layout.

    Args:
        out_dir: Output root (``data_root`` of the dataset configs).
        cfg: Generator settings; defaults to :class:`DemoFacesConfig()`.
        progress: Show tqdm progress bars.

    Returns:
        Counts: ``<split>_images`` and ``<split>_faces`` for every split,
        plus ``<split>_invalid`` and ``<split>_{easy,medium,hard}`` (faces
        counted per setting) for val and test.
    """
    cfg = cfg or DemoFacesConfig()
    crops = load_lfw_crops()
    os.makedirs(osp.join(out_dir, 'wider_face_split'), exist_ok=True)
    stats: Dict[str, int] = {}
    for split, assets in split_assets(cfg).items():
        images = generate_split(split, cfg, crops[list(assets.face_ids)],
                                crops[list(assets.non_face_ids)],
                                load_backgrounds(assets.backgrounds),
                                progress=progress)
        stats.update(_write_split(out_dir, split, images, cfg))
    return stats
