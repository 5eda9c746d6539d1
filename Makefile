# Two commands do all set-up on a fresh machine with Python 3.11 and make:
#   make demo   venv, install, migrate the embedded SQLite database, seed demo data, start web + worker
#   make test   install, then the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test migrate seed clean backup restore cluster-start cluster-stop replica-start replica-stop load schemathesis bench screenshots

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

demo: seed
	@echo "Starting the worker (filesystem broker, no server needed) and the web server on http://$(HOST):$(PORT)/"
	@echo "Demo users, password demo12345: drafter, drafter2, head, reviewer, reviewer2, adviser, registrar, registrar2, auditor, qs_drafter, qs_reviewer, qs_registrar"
	$(VENV)/bin/celery -A config worker --beat --loglevel=warning --concurrency=1 & \
	WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

screenshots: install     ## docs/screenshots/ from the browser tests (Debian chromium; axe-core checks each page)
	rm -f docs/screenshots/*.jpg
	GALLERY=docs/screenshots $(VENV)/bin/pytest -q -p no:cacheprovider tests/browser/test_accessibility.py \
		tests/browser/test_phones.py tests/browser/test_keyboard.py
	$(PY) tests/browser/gallery.py docs/screenshots

clean:
	rm -rf var/db.sqlite3 var/broker .pytest_cache

# --- operations (docs/architecture.md, README "Production") --------------------------------------------
backup: install          ## DATABASE_URL=postgres://... make backup [OUT=dir]
	deploy/backup.sh $(OUT)

restore: install         ## make restore FILE=var/backups/x.dump TARGET=postgres://.../fresh_db
	deploy/restore.sh $(FILE) $(TARGET)

cluster-start: install   ## 2 gunicorn + 2 Celery workers + beat on a private PostgreSQL and Redis (free ports)
	deploy/cluster.sh start

cluster-stop:
	deploy/cluster.sh stop

replica-start: install   ## a private PostgreSQL primary + streaming replica; URLs in /tmp/normdocs-replica/replica.env
	deploy/replica.sh start

replica-stop:
	deploy/replica.sh stop

load: cluster-start      ## 50 users for 60 s with a PostgreSQL restart at 20 s, then the cluster stops
	$(PY) bench/load.py --users 50 --seconds 60 --restart-postgres-at 20; status=$$?; deploy/cluster.sh stop; exit $$status

schemathesis: install
	deploy/schemathesis.sh 30

bench: install           ## benchmarks on PostgreSQL at 10,000, 100,000 and 1,000,000 documents (BENCH_ARGS to change, e.g. --scales 10000 --repeat 10)
	LOG_LEVEL=ERROR $(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/bench_precheck.py
	$(PY) bench/bench_docx.py
	LOG_LEVEL=ERROR $(PY) bench/bench_comments.py
	LOG_LEVEL=ERROR $(PY) bench/bench_search.py --documents 1000000
	LOG_LEVEL=ERROR $(PY) bench/bench_replica.py --merge
