# Table 2's pruning baselines (Wei et al., ECCV 2018, Sec. 4.1): the R-FCN
# VGG-1-4 teacher pruned with "pruning ratio 8" — every prunable layer keeps
# 1/8 of its channels, which is exactly the widths of VGG-1-32 R-FCN
# (backbone 2/4/8/16/16, RPN conv 16, R-FCN reduce conv 32) — then
# finetuned with the paper's WIDER FACE schedule ("the same implementation
# details for all experiments"). Each config under configs/pruning sets the
# algorithm (how channels are chosen) and its arguments, and lists this
# model base with the dataset, schedule and runtime.
model = dict(
    _scope_='mmrazor',
    architecture=dict(cfg_path='rfcn/rfcn_vgg1-4_80k_wider.py'),
    # the trained teacher (tools/train.py configs/rfcn/rfcn_vgg1-4_80k_wider.py)
    init_ckpt='work_dirs/rfcn_vgg1-4_80k_wider/iter_80000.pth',
    pruning_ratio=8)

# He et al.'s one-shot pruning before the first iteration; the pruned
# detector saved as a plain mmdet checkpoint + config after training.
custom_hooks = [dict(type='ChannelPruningHook')]
