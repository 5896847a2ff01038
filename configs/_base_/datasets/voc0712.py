# Pascal VOC 07+12 trainval / 07 test (MMDetection's), sampled without end
# for iteration-based training. Point data_root at your VOCdevkit.
_base_ = 'mmdet::_base_/datasets/voc0712.py'

train_dataloader = dict(
    sampler=dict(_delete_=True, type='InfiniteSampler', shuffle=True))
