# Shared overrides of `make demo` (tools/demo.py): the real WIDER FACE
# configs shrunk to the synthetic face set of make_demo_faces.py (400 train /
# 100 val / 200 test images with disjoint identities and scenes, longer side
# 160-256 px, faces 10-80 px; official layout) and to a 2-core CPU. Only
# data, sizes and schedules change, never the method.
#
# mmengine refuses a key defined by two `_base_` files, and every real config
# already defines these keys, so they are gathered in the one dict `demo`
# (the schedule files below add theirs to it) and each demo config copies
# it over its real config's keys with `globals().update(_base_.demo)`; a
# dict there merges into the real one as any child config's dict does.
demo_data_root = 'data/demo_faces/'
demo_gt_dir = demo_data_root + 'wider_face_split'

# Model selection on val, the reported numbers on test (tools/demo.py).
demo = dict(
    # Train at a shorter side of 192 px (the demo images' typical size; the
    # real config's 600 is WIDER's); test, as there, at the original size.
    train_dataloader=dict(
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
            ])),
    val_dataloader=dict(
        num_workers=0,
        persistent_workers=False,
        dataset=dict(data_root=demo_data_root)),
    test_dataloader=dict(
        num_workers=0,
        persistent_workers=False,
        dataset=dict(
            data_root=demo_data_root,
            ann_file='wider_face_split/wider_face_test_bbx_gt.txt',
            data_prefix=dict(img='WIDER_test/images/'))),
    # the demo set also records its distractor patches: the demo's metric
    # (projects/qmimic_demo) adds the share of confident detections on them
    custom_imports=dict(
        imports=[
            'qmimic_mm.all_modules',
            'projects.qmimic_demo.qmimic_demo.demo_face_metric'
        ],
        allow_failed_imports=False),
    val_evaluator=dict(
        type='DemoFaceMetric',
        gt_dir=demo_gt_dir,
        split='val',
        distractor_file=demo_gt_dir + '/demo_distractors_val.json'),
    test_evaluator=dict(
        type='DemoFaceMetric',
        gt_dir=demo_gt_dir,
        split='test',
        distractor_file=demo_gt_dir + '/demo_distractors_test.json'),
    default_hooks=dict(
        logger=dict(interval=50),
        # a checkpoint every 500 iterations lets an interrupted stage resume
        # (tools/demo.py --skip-existing); the last one is always saved
        checkpoint=dict(interval=500, max_keep_ckpts=1)),
    # tools/demo.py sets one seed per repetition (--seeds)
    randomness=dict(seed=0, deterministic=False))

# Fewer RPN proposals per training image (the paper's 2000 are for 600 x
# 1000 inputs; a 192 x 256 map has 768 anchors): the OHEM scoring and the
# mimic RoIs shrink in proportion. A detector's `model`, or a distillation
# config's `model.architecture`.
demo_model = dict(train_cfg=dict(rpn_proposal=dict(max_per_img=300)))

# Every schedule (teacher.py, teacher_continued.py, student.py): a
# 50-iteration linear warmup, then lr x0.1 at 75% of the schedule (each file
# gives `end` and `milestones`).
demo_warmup = dict(
    type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=50)
demo_step = dict(type='MultiStepLR', by_epoch=False, begin=0, gamma=0.1)
