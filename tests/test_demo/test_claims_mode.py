"""tools/demo.py --claims: the plan holds exactly the stages the claims
need; a one-seed run of the cheapest claim reports it on the image
bootstrap."""
import re

import pytest

from conftest import run_tool
from toy_configs import load_tool
from projects.qmimic_demo.qmimic_demo import plan as demo_plan
from projects.qmimic_demo.qmimic_demo.claims import CLAIM_STAGES


@pytest.fixture(scope='module')
def cli():
    return load_tool('tools/demo.py', 'qm_demo_claims_tool')


def _keys(tmp_path, claims, **kwargs):
    plan = demo_plan.build_plan(demo_plan.DemoSettings(
        work_dir=str(tmp_path), claims=claims, **kwargs))
    return plan, {r.stage.key for r in plan.runs.values()}


@pytest.mark.parametrize('claims, expected', [
    (['qm-vs-mimic'], {'teacher', 'teacher_fp', 'teacher_q', 'mimic',
                       'qmimic'}),
    (['qm-vs-scratch'], {'teacher', 'teacher_q', 'qmimic', 'scratch'}),
    (['q-only-vs-scratch'], {'q_only', 'scratch'}),
    (['teacher-q-vs-fp'], {'teacher', 'teacher_q', 'teacher_fp'}),
    (['matching-ratio'], {'teacher', 'teacher_fp', 'teacher_q', 'mimic',
                          'qmimic'}),
    (['qm-vs-scratch', 'mimic-vs-scratch'], {
        'teacher', 'teacher_fp', 'teacher_q', 'mimic', 'qmimic', 'scratch'}),
])
def test_claims_plan_exactly_their_stages(tmp_path, claims, expected):
    plan, keys = _keys(tmp_path, claims, seeds=8)
    assert keys == expected
    per_seed = len(expected - {'teacher'})
    assert len(plan.runs) == per_seed * 8 + ('teacher' in expected)
    for run in plan.runs.values():  # every dependency is in the plan
        assert all(dep in plan.runs for dep in run.depends)


def test_claims_keep_asked_ablations_and_pruning_with_their_teachers(
        tmp_path):
    _, keys = _keys(tmp_path, ['q-only-vs-scratch'], ablation=['lambda1'],
                    pruning=True)
    assert keys == {'q_only', 'scratch', 'qmimic[lambda1]', 'teacher_q',
                    'teacher', 'taylor', 'lasso'}
    _, every = _keys(tmp_path, None)
    assert every == {s.key for s in demo_plan.STAGES}
    with pytest.raises(ValueError, match='unknown claim'):
        demo_plan.claim_stages(['qm-vs-everything'], demo_plan.STAGES)


def test_parse_args_claims(cli):
    settings = cli.parse_args(['--claims', 'qm-vs-mimic', '--seeds', '8'])
    assert settings.claims == ['qm-vs-mimic'] and settings.seeds == 8
    assert cli.parse_args([]).claims is None
    with pytest.raises(SystemExit):
        cli.parse_args(['--claims', 'nope'])
    assert set(CLAIM_STAGES) == {
        'qm-vs-scratch', 'qm-vs-mimic', 'mimic-vs-scratch',
        'teacher-q-vs-fp', 'q-only-vs-scratch', 'matching-ratio'}


def test_one_seed_claim_run_reports_the_image_bootstrap(tmp_path):
    """Scratch and Q-only only (no teacher), 1-3 iterations, tiny data."""
    out = run_tool([
        'tools/demo.py', '--work-dir', str(tmp_path / 'work'), '--data-root',
        str(tmp_path / 'data'), '--iters-scale', '0.0015', '--num-train',
        '6', '--num-val', '4', '--num-test', '4', '--claims',
        'q-only-vs-scratch', '--in-process'
    ], env=dict(OMP_NUM_THREADS='1'))
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert '[plan] 2 trainings (1 seed(s), claims q-only-vs-scratch)' in \
        out.stdout
    text = (tmp_path / 'work' / 'results.md').read_text()
    claims = [line for line in text.splitlines()
              if re.match(r'- \*\*', line) and 'Sanity' not in line]
    assert len(claims) == 1
    assert re.match(r'- \*\*(not )?held on image sampling only\*\*: '
                    r'Quantization only gives no gain', claims[0])
    assert 'image bootstrap [' in claims[0]
    assert 'test images only (bootstrap, 1000 resamples)' in text
    assert '| Old rule (diff > std(a)+std(b)) |' in text
