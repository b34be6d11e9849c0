# The fire drill, and the deploy that ends with it (docs/fire-drill.md).
#   make drill STACK=<stack> [DRILL_ARGS="--only caught"]
#       scripts/fire-drill.sh cdktf.out/stacks/<stack>: drives each failure route of the deployed
#       stack and checks what AWS reports; exits 0 only when every route was verified.
#   make deploy STACK=<stack>
#       synth, terraform init + apply of cdktf.out/stacks/<stack>, then ALWAYS the key step
#       (scripts/set-api-keys.sh: every apply that updates a connection puts Terraform's
#       placeholder back over its secret), also when apply failed part-way (make then fails with
#       apply's status), then the caught drill (one ticket, one e-mail).

STACK      ?=
DRILL_ARGS ?=
STACK_DIR   = $(ROOT)/cdktf.out/stacks/$(STACK)

.PHONY: drill deploy stack-given

stack-given:
	@if [[ -z "$(STACK)" ]]; then echo "usage: make $(MAKECMDGOALS) STACK=<stack> (a folder of cdktf.out/stacks/)" >&2; exit 2; fi

drill: python-deps stack-given
	$(call say,fire drill of $(STACK) $(DRILL_ARGS))
	@"$(ROOT)/scripts/fire-drill.sh" "$(STACK_DIR)" $(DRILL_ARGS)

deploy: stack-given synth
	$(call say,terraform init and apply of $(STACK))
	@terraform -chdir="$(STACK_DIR)" init -input=false >&2
	@applied=0; terraform -chdir="$(STACK_DIR)" apply || applied=$$?; \
	  echo "==> the connections' secrets (scripts/set-api-keys.sh), whatever apply did" >&2; \
	  keys=0; "$(ROOT)/scripts/set-api-keys.sh" "$(STACK_DIR)" || keys=$$?; \
	  if (( applied )); then echo "terraform apply failed (exit $$applied); the keys were put back" >&2; exit "$$applied"; fi; \
	  exit "$$keys"
	$(call say,caught drill of $(STACK): one ticket and one e-mail)
	@"$(ROOT)/scripts/fire-drill.sh" "$(STACK_DIR)" --only caught
