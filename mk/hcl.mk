# The way off CDKTF (docs/leaving-cdktf.md).
#   make hcl [HCL_OUT=cdktf.hcl]
#       Every stack as HCL, HCL_OUT/stacks/<stack>/cdk.tf, by `cdktf synth --hcl` (the cdktf-cli of
#       package.json), each string the same value as in the JSON (main.py preloads
#       scripts/exact_hcl_strings.js into the kernel), then `terraform fmt` when terraform is on
#       PATH. On the emulator it plans with no changes against the state applied from the JSON
#       (tests/e2e/test_hcl.py).

HCL_OUT ?= cdktf.hcl

.PHONY: hcl

hcl: setup
	@if [[ -z "$(strip $(HCL_OUT))" ]]; then echo "make hcl: HCL_OUT is empty; name the folder to write, e.g. HCL_OUT=cdktf.hcl" >&2; exit 1; fi
	$(call say,writing every stack as HCL into $(HCL_OUT)/ (cdktf synth --hcl; about 20 s))
	@cd "$(ROOT)" && log="$$(mktemp)" && \
	  if ! node_modules/.bin/cdktf synth --hcl --output "$(HCL_OUT)" --app '"$(VENV_BIN)/python" main.py' >"$$log" 2>&1; then \
	    cat "$$log" >&2; rm -f "$$log"; exit 1; \
	  fi; rm -f "$$log"
	@if command -v terraform >/dev/null; then terraform fmt -recursive -list=false "$(HCL_OUT)" >&2; fi
	@cd "$(ROOT)" && find "$(HCL_OUT)/stacks" -name cdk.tf | sort
