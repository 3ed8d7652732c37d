# Two commands on a fresh machine: `make run` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The registration form's Chinese font (RULES.md §4): inside the venv, so `make clean` removes it.
FONT := $(VENV)/share/fonts/wqy-microhei.ttc
FONT_PACKAGE := fonts-wqy-microhei
SYSTEM_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

.PHONY: run test lint bench catalogs extract clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# A system copy when there is one, else Debian's package unpacked without installing it (no root
# needed once apt's lists exist). Never fetched at run time, never committed.
$(FONT): | $(STAMP)
	@mkdir -p $(@D)
	@found=$$(fc-match -f '%{file}' 'WenQuanYi Micro Hei' 2>/dev/null || true); \
	case "$$found" in */wqy-microhei.ttc) ;; *) found=$(SYSTEM_FONT) ;; esac; \
	if [ -f "$$found" ]; then cp "$$found" $@.part && mv $@.part $@; exit; fi; \
	tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	download() { (cd "$$tmp" && apt-get download -qq $(FONT_PACKAGE)) >"$$tmp/log" 2>&1; }; \
	if ! download && [ "$$(id -u)" = 0 ]; then apt-get update -qq >/dev/null 2>&1; download; fi; \
	if dpkg-deb -x "$$tmp"/$(FONT_PACKAGE)_*.deb "$$tmp/root" 2>>"$$tmp/log" \
		&& cp "$$tmp/root$(SYSTEM_FONT)" $@.part 2>>"$$tmp/log"; then mv $@.part $@; \
	else cat "$$tmp/log" >&2; \
		echo "cannot get the form font: install Debian's $(FONT_PACKAGE) or set FORM_FONT" >&2; exit 1; fi

catalogs: $(STAMP)
	$(BIN)/pybabel compile -d locales -D messages

# The main job: the sandbox without BOT_TOKEN, Telegram with it.
run: catalogs $(FONT)
	$(BIN)/baoming run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: catalogs lint $(FONT)
	$(BIN)/pytest

bench: catalogs $(FONT)
	$(BIN)/python -m tests.bench

# Re-extract message ids into the template and merge them into every catalog.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k __ --no-location --sort-output \
		--project baoming -o locales/messages.pot bot dialogs domain
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
