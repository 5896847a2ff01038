"""``tools/demo.py --pruning``: the two pruning stages in the demo plan."""
from mmengine.config import Config

from projects.qmimic_demo.qmimic_demo import plan as demo_plan
from toy_configs import load_tool


def test_pruning_stages_only_when_asked(tmp_path):
    plain = demo_plan.build_plan(
        demo_plan.DemoSettings(work_dir=str(tmp_path)))
    assert not plain.of('taylor') and not plain.of('lasso')

    settings = demo_plan.DemoSettings(work_dir=str(tmp_path), seed=2, seeds=2,
                                      pruning=True)
    plan = demo_plan.build_plan(settings)
    teacher = plan.runs['teacher']
    scratch = plan.get('scratch', 2)
    for key in ('taylor', 'lasso'):
        runs = plan.of(key)
        assert [r.seed for r in runs] == [2, 3]  # the students' seeds
        for run in runs:
            # starts from the base teacher, through the algorithm's init_ckpt
            assert run.options['model.init_ckpt'] == teacher.checkpoint
            assert 'load_from' not in run.options
            assert run.depends == ['teacher']
            assert run.stage.splits == scratch.stage.splits
            assert run.max_iters == scratch.max_iters  # students' schedule
            # their own finetune lr, chosen on val (configs/demo/*pruned8*)
            assert run.lr == 0.05 and scratch.lr == 0.1
            assert run.test_config == demo_plan.PRUNED_CONFIG
            assert run.test_checkpoint == f'{run.work_dir}/pruned_iter_' \
                f'{run.max_iters}.pth'
    order = list(plan.runs)
    assert order.index('teacher') < order.index('taylor/s2')
    # the exported detector's widths are the test config's
    cfg = Config.fromfile(f'{demo_plan.REPO}/{demo_plan.PRUNED_CONFIG}')
    assert cfg.model.backbone.channels == [2, 2, 4, 4, 8, 8, 8] + [16] * 6
    assert cfg.test_dataloader.dataset.data_root.endswith('demo_faces/')


def test_parse_args_pruning_flag():
    module = load_tool('tools/demo.py', 'qm_demo_tool')
    assert module.parse_args(['--pruning']).pruning is True
    assert module.parse_args([]).pruning is False
