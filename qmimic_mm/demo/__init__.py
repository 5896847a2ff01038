"""``make demo`` (``tools/demo.py``): Quantization Mimic end to end on the
synthetic face set, as an experiment with splits and seeds.

- :mod:`.plan`: stages, configs, dependencies, checkpoints, options;
- :mod:`.tool_runner` and :mod:`.runner`: the project's tools as
  subprocesses, stages side by side, resume;
- :mod:`.stats` and :mod:`.claims`: mean ± std over seeds and the rule that
  decides a claim;
- :mod:`.report`: evaluation, matching ratios, figures, ``results.md``.

Not imported by :mod:`qmimic_mm`: only the demo needs it.
"""
