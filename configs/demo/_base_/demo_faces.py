# Dataset base of `make demo` (tools/demo.py): WIDER FACE's gray pipeline
# (configs/_base_/datasets/wider_face_gray.py) on the synthetic face set of
# make_demo_faces.py (400 train / 100 val / 200 test images with disjoint
# identities and scenes, longer side 160-256 px, faces 10-80 px; official
# layout). Model selection on val, the reported numbers on test.
_base_ = '../../_base_/datasets/wider_face_gray.py'

demo_data_root = 'data/demo_faces/'
demo_gt_dir = demo_data_root + 'wider_face_split'

# Train at a shorter side of 192 px (the demo images' typical size; the
# real config's 600 is WIDER's); test, as there, at the original size.
train_dataloader = dict(
    batch_size=2,
    num_workers=0,  # decoding ~200 px JPEGs is cheaper than a worker
    persistent_workers=False,
    dataset=dict(
        data_root=demo_data_root,
        pipeline=[
            dict(type='LoadImageFromFile', color_type='grayscale'),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='Resize', scale=(100000, 192), keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
            dict(type='PackDetInputs')
        ]))
val_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=demo_data_root))
test_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=demo_data_root,
        ann_file='wider_face_split/wider_face_test_bbx_gt.txt',
        data_prefix=dict(img='WIDER_test/images/')))
# the demo set also records its distractor patches: the demo's metric
# (projects/qmimic_demo, imported by ./default_runtime.py) adds the share of
# confident detections that land on them
val_evaluator = dict(
    type='DemoFaceMetric',
    gt_dir=demo_gt_dir,
    split='val',
    distractor_file=demo_gt_dir + '/demo_distractors_val.json')
test_evaluator = dict(
    type='DemoFaceMetric',
    gt_dir=demo_gt_dir,
    split='test',
    distractor_file=demo_gt_dir + '/demo_distractors_test.json')

# Fewer RPN proposals per training image (the paper's 2000 are for 600 x
# 1000 inputs; a 192 x 256 map has 768 anchors): the OHEM scoring and the
# mimic RoIs shrink in proportion. The R-FCN configs merge it into their
# detector's `model` (a distillation config's `model.architecture`).
demo_model = dict(train_cfg=dict(rpn_proposal=dict(max_per_img=300)))
