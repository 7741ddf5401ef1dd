# PMA Governance — a newcomer needs two commands: `make run` and `make test`.
# With no DATABASE_URL, both start the embedded PostgreSQL (var/pgdata).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A recipe line starting with these exports the URL, and stops if devdb.py fails.
WITH_TEST_DB = set -e; DATABASE_URL="$$($(BIN)/python scripts/devdb.py --test)"; export DATABASE_URL;
# The app as its runtime role (data rights only), migrations as the owner (README « Base de données »).
WITH_APP_DB = set -e; DATABASE_MIGRATE_URL="$$($(BIN)/python scripts/devdb.py --owner)"; \
	DATABASE_URL="$$($(BIN)/python scripts/devdb.py --app)"; export DATABASE_URL DATABASE_MIGRATE_URL;

.PHONY: install run serve test lint typecheck pytest demo backup restore stopdb clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# XStatic-Bootstrap ships only as an sdist whose setup.py imports pkg_resources.
	$(BIN)/pip install --quiet "setuptools<81" wheel
	$(BIN)/pip install --quiet --no-build-isolation "XStatic-Bootstrap>=5.3,<6"
	$(BIN)/pip install --quiet --no-build-isolation -e ".[dev]"
	touch $(STAMP)

run: install
	@$(WITH_APP_DB) $(BIN)/python scripts/run_dev.py

# As in production: gunicorn on $PORT (default 8000), DEBUG off, static files by WhiteNoise;
# SECRET_KEY and the other settings from the environment (README « Mise en production »).
serve: install
	@$(WITH_APP_DB) $(BIN)/python scripts/serve.py

test: install
	@$(BIN)/python scripts/check_browser.py
	@$(WITH_TEST_DB) \
	echo "pytest (DATABASE_URL=$$DATABASE_URL)"; $(BIN)/pytest; \
	echo "ruff check ."; $(BIN)/ruff check .; \
	echo "ruff format --check ."; $(BIN)/ruff format --check .; \
	echo "mypy ."; $(BIN)/mypy .; \
	echo "lint-imports (layers of README « Architecture »)"; $(BIN)/lint-imports

demo: install
	@$(WITH_APP_DB) $(BIN)/python manage.py migrate --noinput; $(BIN)/python manage.py load_demo

# A pg_dump archive and its manifest in var/backups/ (or OUT=…); README « Sauvegardes ».
backup: install
	@$(WITH_APP_DB) $(BIN)/python manage.py backup $(if $(OUT),--out "$(OUT)")

# Restores FILE=… into the empty database (or INTO=another one), then checks it against the manifest.
restore: install
	@test -n "$(FILE)" || { echo "Indiquez l'archive : make restore FILE=var/backups/….dump" >&2; exit 2; }
	@$(WITH_APP_DB) $(BIN)/python manage.py restore "$(FILE)" $(if $(INTO),--into "$(INTO)")

stopdb: install
	$(BIN)/python scripts/devdb.py stop

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .mypy_cache .ruff_cache
