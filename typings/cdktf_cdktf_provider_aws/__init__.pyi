# The package's own __init__.py imports all ~2,100 of its resource modules, so mypy read every one
# of them: about 5 minutes on a cold cache (a fresh clone, CI). The code imports only from
# submodules (cdktf_cdktf_provider_aws.iam_role, ...), which mypy still reads, typed, from the
# installed package; this empty stub only keeps mypy from following that list of imports.
# A name imported from the package itself is an error ("has no attribute"), never Any.
