# pb: archive a ProBoards forum with small Unix tools.
GO      ?= go
BIN     := bin
TOOLS   := pb-urls pb-fetch pb-parse pb-images pb-load pb-site pb-warc
CHROMIUM ?= /usr/bin/chromium

.PHONY: all build test test-deps replay-deps vet demo bench clean fakeforum

all: build

build:
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/ ./cmd/... ./examples/fakeforum

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@# (not tee /dev/stderr: reopening stderr truncates a log file it points at)
	@files=$$(gofmt -l .); test -z "$$files" || { echo "$$files" >&2; echo "gofmt: files above need formatting" >&2; exit 1; }

# The browser tests need Debian's Chromium; install it when missing (as root).
test-deps:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "installing chromium from Debian's packages" >&2; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; \
	fi
	@# The web archive tests read our WARCs with webrecorder's warcio.js (into .npm/, ignored by git).
	@if command -v npm >/dev/null && [ ! -f .npm/node_modules/warcio/dist/index.js ]; then \
	  echo "installing warcio.js for the WARC tests" >&2; \
	  npm install --prefix .npm --no-save --no-audit --no-fund warcio@2.4.11 >/dev/null; \
	fi
	@if command -v npm >/dev/null && [ ! -f .npm/replaywebpage/ui.js ]; then \
	  echo "installing ReplayWeb.page for the replay test" >&2; $(MAKE) --no-print-directory replay-deps; \
	fi

# ReplayWeb.page's prebuilt bundle (ui.js, sw.js) for the e2e test that opens a WACZ in it
# (test-deps runs it when missing). npm pack, because its dependencies need not resolve here.
replay-deps:
	@mkdir -p .npm/replaywebpage
	cd .npm && npm pack --silent replaywebpage@2.5.3 >/dev/null && \
	  tar xzf replaywebpage-2.5.3.tgz -C replaywebpage --strip-components=1 package/ui.js package/sw.js package/LICENSE && \
	  rm replaywebpage-2.5.3.tgz

test: test-deps vet build
	PB_CHROMIUM=$(CHROMIUM) $(GO) test -p 1 -count=1 -timeout 20m ./...

demo: build
	./examples/demo.sh

bench: build
	./examples/bench.sh

fakeforum: build
	$(BIN)/fakeforum --addr 127.0.0.1:8080 --size medium

clean:
	rm -rf $(BIN) demo
