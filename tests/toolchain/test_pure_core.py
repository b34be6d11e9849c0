"""aws_facts/, config_kit/, core/ and policies/ stay plain Python: nothing they import, directly or through other
project modules, is cdktf, its provider bindings, jsii or constructs. That keeps them usable after
CDKTF (docs/leaving-cdktf.md). And the lower floors never import the upper ones (docs/development.md).
Read from the source (AST), so that an import inside a function counts."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from tests.conftest import PROJECT

PURE_PACKAGES = ("aws_facts", "config_kit", "core", "policies")
FLOORS = {
    "aws_facts": {"aws_facts"},
    "config_kit": {"aws_facts", "config_kit"},
    "policies": {"aws_facts", "policies"},
}
"""For each lower package, the project packages its modules may import."""
CDK_MODULES = {"cdktf", "cdktf_cdktf_provider_aws", "jsii", "constructs", "cdktn", "cdktn_provider_aws"}


def module_file(module: str) -> Path | None:
    """The project file of a dotted module name, or None when it is not the project's."""
    base = PROJECT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module the file imports, absolute, with each parent package (importing a.b runs a)."""
    names = named_imports(path)
    return {".".join(name.split(".")[:end]) for name in names for end in range(1, name.count(".") + 2)}


def named_imports(path: Path) -> set[str]:
    """What the file's imports name, absolute: each module, and each name taken from one."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(filter(None, [*anchor, base]))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def cdk_imports(roots: list[Path]) -> dict[str, list[str]]:
    """For each CDK module reached from roots: the chain of project modules that reaches it."""
    chains = {module_name(root): [module_name(root)] for root in roots}
    queue, found = list(roots), {}
    while queue:
        path = queue.pop()
        chain = chains[module_name(path)]
        for name in sorted(imported(path)):
            if name.split(".")[0] in CDK_MODULES:
                found.setdefault(name, [*chain, name])
            target = module_file(name)
            if target is not None and module_name(target) not in chains:
                chains[module_name(target)] = [*chain, module_name(target)]
                queue.append(target)
    return found


def test_core_and_policies_never_import_cdktf_or_jsii():
    roots = [path for package in PURE_PACKAGES for path in sorted((PROJECT / package).rglob("*.py"))]
    assert roots
    assert cdk_imports(roots) == {}


def test_no_import_runs_from_a_lower_floor_back_up():
    upward = {
        f"{module_name(path)} imports {name}": name
        for package, allowed in FLOORS.items()
        for path in sorted((PROJECT / package).rglob("*.py"))
        for name in imported(path)
        if module_file(name.split(".")[0]) is not None and name.split(".")[0] not in allowed
    }
    assert upward == {}


def test_the_deploy_jobs_sparse_checkout_holds_every_package_the_fire_drill_imports():
    workflow = yaml.safe_load((PROJECT / ".github" / "workflows" / "deploy.yml").read_text())
    checkouts = [
        step["with"]["sparse-checkout"].split()
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "sparse-checkout" in step.get("with", {})
    ]
    assert len(checkouts) == 1
    reached = project_packages_reached(sorted((PROJECT / "drill").rglob("*.py")))
    assert reached >= {"drill", "core", "aws_facts"}
    assert reached <= {path.rstrip("/") for path in checkouts[0]}


def project_packages_reached(roots: list[Path]) -> set[str]:
    """The top-level project packages the roots import, directly or through each other."""
    seen, queue = set(roots), list(roots)
    while queue:
        for name in imported(queue.pop()):
            target = module_file(name)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    return {module_name(path).split(".")[0] for path in seen}


def test_the_check_follows_imports_through_project_modules():
    """components/ imports cdktf: a pure module importing a component would be reported."""
    found = cdk_imports([PROJECT / "stacks" / "app.py"])
    assert found["cdktf"][:2] == ["stacks.app", "cdktf"]
    assert any(chain[1:2] == ["stacks.pipeline_stack"] for chain in found.values())
