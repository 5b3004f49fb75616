# The README's two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := elearn

.PHONY: run test bench lint format translations translations-update clean chromium install install-dev videos content-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

PO_FILES := $(wildcard elearn/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(VENV)/.installed $(MO_FILES)

# After adding or changing interface strings: extract them and merge into the catalogs.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o elearn/translations/messages.pot .
	$(BIN)/pybabel update -i elearn/translations/messages.pot -d elearn/translations --no-fuzzy-matching --ignore-obsolete

run: translations
	$(BIN)/flask content check
	$(BIN)/flask db upgrade
	$(BIN)/flask content import --if-empty content
	$(BIN)/flask demo seed
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C stops)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Debian's Chromium drives the browser tests; nothing downloads a browser of its own.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need Debian's Chromium: run 'sudo apt-get install -y chromium'." >&2; exit 1; \
		fi; \
	fi

test: install-dev translations chromium
	$(BIN)/pytest

# The performance benchmark (not part of make test): SQLite and PostgreSQL at 1,000 and 10,000
# learners, gunicorn with two workers; writes bench/results/latest.json and docs/performance.md.
bench: install translations
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.report

content-check: install
	$(BIN)/flask content check

# Self-made narrated clips from content/modules/*/media/*.slides.toml (needs ffmpeg, espeak-ng).
videos: install-dev chromium
	@command -v ffmpeg >/dev/null && command -v espeak-ng >/dev/null || \
		{ echo "make videos needs: apt-get install -y ffmpeg espeak-ng" >&2; exit 1; }
	$(BIN)/python tools/make_videos.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache $(MO_FILES)
