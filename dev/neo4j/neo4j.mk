# Neo4j 5.26 Community for development and CI, from Maven Central jars (no Docker).
# Include from the top Makefile:   include dev/neo4j/neo4j.mk
#
#   make neo4j-install   fetch the jars into $(NEO4J_HOME)/lib (once; later runs work offline from ~/.m2)
#   make neo4j-start     install if needed, start, wait until Bolt answers (NEO4J_START_TIMEOUT, 180 s);
#                        writes .env with the connection settings when there is none
#   make neo4j-stop      clean shutdown
#   make neo4j-status    prints whether it runs (never fails)
#
# Settings: command line > environment > .env (repo root, KEY=value lines, no quotes) > defaults below.
# NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD are exported to every recipe, so test targets see them.

NEO4J_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
NEO4J_SCRIPT := $(NEO4J_MK_DIR)/neo4j.sh
NEO4J_ENV_FILE ?= $(abspath $(NEO4J_MK_DIR)/../..)/.env

NEO4J_ENV_VARS := NEO4J_URI NEO4J_USER NEO4J_PASSWORD NEO4J_BOLT_PORT NEO4J_HTTP_PORT NEO4J_HOME NEO4J_HEAP \
                  NEO4J_START_TIMEOUT NEO4J_STOP_TIMEOUT
ifneq ($(wildcard $(NEO4J_ENV_FILE)),)
  # A makefile's own assignments beat the environment, so remember what the environment set ...
  $(foreach v,$(NEO4J_ENV_VARS),$(if $(filter environment,$(origin $(v))),$(eval _neo4j_env_$(v) := $$($(v)))))
  include $(NEO4J_ENV_FILE)
  # ... and put it back over the .env values.
  $(foreach v,$(NEO4J_ENV_VARS),$(if $(filter file,$(origin _neo4j_env_$(v))),$(eval $(v) := $$(_neo4j_env_$(v)))))
endif

NEO4J_BOLT_PORT ?= 7687
NEO4J_HTTP_PORT ?= 7474
NEO4J_USER ?= neo4j
# Dev/CI default only; production must set its own password.
NEO4J_PASSWORD ?= eagraph-dev-password
NEO4J_URI ?= bolt://127.0.0.1:$(NEO4J_BOLT_PORT)
export NEO4J_URI NEO4J_USER NEO4J_PASSWORD NEO4J_BOLT_PORT NEO4J_HTTP_PORT
# Optional; neo4j.sh has defaults (NEO4J_HOME=<repo>/.neo4j, NEO4J_HEAP=512m). Exported only when set.
$(foreach v,NEO4J_HOME NEO4J_HEAP NEO4J_START_TIMEOUT NEO4J_STOP_TIMEOUT,$(if $(filter-out undefined,$(origin $(v))),$(eval export $(v))))

.PHONY: neo4j-install neo4j-start neo4j-stop neo4j-status

neo4j-install:
	@bash $(NEO4J_SCRIPT) install

# The first start also writes the repository's .env (git-ignored) when there is none, so `eagraph load` and
# `eagraph serve --store neo4j` reach this server with no hand copying; an existing .env is never touched.
neo4j-start:
	@bash $(NEO4J_SCRIPT) start
	@bash $(NEO4J_SCRIPT) write-env $(NEO4J_ENV_FILE)

neo4j-stop:
	@bash $(NEO4J_SCRIPT) stop

neo4j-status:
	@bash $(NEO4J_SCRIPT) status || true
