"""``make demo`` (``tools/demo.py``): Quantization Mimic end to end on the
synthetic face set, as an experiment with splits and seeds.

- :mod:`.demo_faces` and :mod:`.demo_distractors`: the synthetic face set
  and where its non-face patches are;
- :mod:`.demo_face_metric` (with :mod:`.distractor_share`): the WIDER metric
  plus the share of confident detections on those patches; the demo configs
  register it through ``custom_imports``;
- :mod:`.plan`: stages, configs, dependencies, checkpoints, options;
- :mod:`.tool_runner` and :mod:`.runner`: the project's tools as
  subprocesses, stages side by side, resume;
- :mod:`.stats`, :mod:`.paired` and :mod:`.claims`: mean ± std over seeds,
  the paired interval that decides a claim (the image bootstrap of
  :mod:`qmimic_mm.wider.bootstrap` with one seed), the old rule;
- :mod:`.report`: evaluation, matching ratios, figures, ``results.md``.

It sits beside the library, not in it: run it from a checkout, with the
repository root importable (the tools add it to ``sys.path``).
"""
