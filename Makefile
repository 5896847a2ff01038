# Two commands do everything on a fresh machine:
#   make demo   - install, then run the main job (see README)
#   make test   - install, then run the test suite
PY := .venv/bin/python

.PHONY: install test demo clean-venv

install:
	@bash tools/install_env.sh

test: install
	$(PY) -m pytest tests -q

demo: install
	$(PY) tools/demo.py

clean-venv:
	rm -rf .venv
