# Shared overrides of `make demo` (tools/demo.py): the real WIDER FACE
# configs shrunk to the synthetic face set of make_demo_faces.py (200 train /
# 60 val images, longer side 160-256 px, faces 10-80 px; official layout) and
# to a 2-core CPU. Only sizes and schedules change, never the method.
#
# mmengine refuses a key defined by two `_base_` files, and every real
# config already defines the data keys, so this file only adds new `demo_*`
# keys; each demo config lists it as a second base and copies them in with
# `{{_base_.demo_*}}` (a dict there is merged into the real config's dict).
demo_data_root = 'data/demo_faces/'

# Train at a shorter side of 192 px (the demo images' typical size; the real
# config's 600 is WIDER's); test, as there, at the original size.
demo_train_dataloader = dict(
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
demo_val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(data_root=demo_data_root))
demo_val_evaluator = dict(gt_dir=demo_data_root + 'wider_face_split')

# Fewer RPN proposals per training image (the paper's 2000 are for 600 x
# 1000 inputs; a 192 x 256 map has 768 anchors): the OHEM scoring and the
# mimic RoIs shrink in proportion.
demo_model = dict(train_cfg=dict(rpn_proposal=dict(max_per_img=300)))

# Schedules: a 50-iteration linear warmup, then x0.1 for the last quarter
# (each demo config sets its own length). The paper's lr 0.001 barely moves
# a from-scratch teacher in a few hundred CPU iterations, so the teachers
# (both stages) use lr 0.02 (batch 2).
demo_teacher_optim_wrapper = dict(optimizer=dict(lr=0.02))
# All four students share one lr, the paper's 0.001 (Sec. 3.5). With
# lambda = 1 the mimic loss (a sum over every element of every RoI, Eq. 5/6)
# starts ~1000x the detection losses here; at lr 0.002 its first updates
# drove the mimic student's last BN shift negative until every conv5_3 unit
# was dead (all-zero features, AP 0; measured). Scratch and Q-only students
# get the same lr so that only the method differs.
demo_student_optim_wrapper = dict(optimizer=dict(lr=0.001))
demo_default_hooks = dict(
    logger=dict(interval=50),
    # a checkpoint every 500 iterations lets an interrupted stage resume
    # (tools/demo.py --skip-existing); the last one is always saved
    checkpoint=dict(interval=500, max_keep_ckpts=1))

# A fixed seed: the demo's numbers are reproducible on one machine.
randomness = dict(seed=0, deterministic=False)
