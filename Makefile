# Helpdesk Assistant — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SNAPSHOT := build/sample_kb.sqlite
KB_SRC   := kb_snapshots/sample_kb

.DEFAULT_GOAL := help
.PHONY: help setup run test test-clock-ahead bench bench-sync bench-chat bench-ui translations snapshot lint clean installer

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[server,dev]'
	touch $@

setup: $(VENV)/.installed  ## Create .venv and install everything

$(SNAPSHOT): $(VENV)/.installed $(shell find $(KB_SRC) -type f 2>/dev/null) $(shell find kb_snapshots desktop/engine -name '*.py' 2>/dev/null)
	@mkdir -p build
	$(PY) -m kb_snapshots build $(KB_SRC) --output $@

snapshot: $(SNAPSHOT)  ## Build the sample knowledge-base snapshot

run: $(SNAPSHOT)  ## Set up and start the assistant on the sample knowledge base
	HELPDESK_SNAPSHOT=$(SNAPSHOT) $(PY) -m desktop

test: $(SNAPSHOT)  ## Set up and run every test
	$(PY) -m pytest -q

# The tests that need no outside service, with the clock 400 days ahead (libfaketime):
# nothing may expire with the calendar. The services' addresses are left out so their
# tests skip; CI is unset so a skip is not a failure.
test-clock-ahead: $(SNAPSHOT)  ## Run the tests that need no service with the clock 400 days ahead
	@command -v faketime >/dev/null || { echo "needs faketime (apt-get install faketime)"; exit 1; }
	env -u CI $$(env | grep -o '^HELPDESK_TEST_[A-Z_]*' | sed 's/^/-u /') \
	  PYTHONPATH=$(CURDIR)/tests/clock_ahead FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '+400d' $(PY) -m pytest -q -p no:cacheprovider

lint: $(SNAPSHOT)  ## Lint the sample knowledge base
	$(PY) -m kb_snapshots lint $(KB_SRC)

bench: $(SNAPSHOT)  ## Measure comprehension and speed against peers, full vs one-edit builds and the Studio's release check; writes bench/RESULTS.md
	$(PY) -m bench
	$(PY) -m bench.fewshot
	$(PY) -m bench.build_bench
	$(PY) -m bench.studio_bench

bench-sync: $(SNAPSHOT)  ## Measure the sync server (needs wrk; PostgreSQL from HELPDESK_TEST_PG_URL); writes bench/RESULTS.md
	$(PY) -m bench.sync_bench --old $(SNAPSHOT) --edit-one-article-of $(KB_SRC)

bench-chat: $(VENV)/.installed  ## Measure live chat: 500 conversations, 50 agents, one server core, a restart, WebSocket against long polling (PostgreSQL from HELPDESK_TEST_PG_URL); writes bench/RESULTS.md
	$(PY) -m bench.handoff_bench

bench-ui: $(SNAPSHOT)  ## Measure the tray app (start-up, chat, keystroke to answer, memory) on Xvfb; writes bench/RESULTS.md
	bash .ci/services/xvfb.sh
	$(PY) -m bench.ui_bench --display :99

translations: $(VENV)/.installed  ## Extract the tray app's strings into the .ts files and compile the .qm files
	$(VENV)/bin/pyside6-lupdate desktop/ui/*.py -ts desktop/ui/translations/helpdesk_fr.ts -no-obsolete
	$(VENV)/bin/pyside6-lrelease desktop/ui/translations/helpdesk_fr.ts -qm desktop/ui/translations/helpdesk_fr.qm

INSTALLER_OUT := build/installer
BUNDLE        := $(INSTALLER_OUT)/dist/helpdesk-assistant

$(VENV)/.installer: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[installer]'
	touch $@

installer: $(SNAPSHOT) $(VENV)/.installer  ## Build the PyInstaller bundle and the .deb (build/installer/); prints sizes by part
	@start=$$(date +%s); \
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath $(INSTALLER_OUT)/dist \
		--workpath $(INSTALLER_OUT)/work installer/helpdesk-assistant.spec && \
	$(PY) installer/size_report.py $(BUNDLE) --check-libs && \
	smoke=$$(mktemp -d) && HELPDESK_HOME=$$smoke HELPDESK_POLICY=installer/policy.toml.template \
		QT_QPA_PLATFORM=offscreen $(BUNDLE)/helpdesk-assistant doctor && rm -rf $$smoke && \
	bash installer/linux/build-deb.sh $(BUNDLE) $(INSTALLER_OUT) && \
	echo "installer built in $$(( $$(date +%s) - start )) s"

clean:  ## Remove build output and the virtual environment
	rm -rf build $(VENV)
