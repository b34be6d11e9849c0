"""scripts/fire-drill.sh: drives each failure route of a deployed stack and checks what AWS reports."""
