"""``make demo`` (``tools/demo.py``): Quantization Mimic end to end on the
synthetic face set, as an experiment with splits and seeds.

- :mod:`.plan`: stages, configs, dependencies, checkpoints, options;
- :mod:`.tool_runner` and :mod:`.runner`: the project's tools as
  subprocesses, stages side by side, resume;
- :mod:`.stats`, :mod:`.paired` and :mod:`.claims`: mean ± std over seeds,
  the paired interval that decides a claim (the image bootstrap of
  :mod:`qmimic_mm.wider.bootstrap` with one seed), the old rule;
- :mod:`.report`: evaluation, matching ratios, figures, ``results.md``.

Not imported by :mod:`qmimic_mm`: only the demo needs it.
"""
