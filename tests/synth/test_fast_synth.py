"""Fast synth: the same bytes as the normal import, lazily loaded, and off when it cannot apply."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fast_synth
from fast_synth import lazy_provider
from tests.conftest import ALL_CONFIGS, DEFAULT_CONFIGS, PROJECT, run_main


def synthesize_in_subprocess(outdir: Path, fast: bool) -> subprocess.CompletedProcess:
    return run_main(ALL_CONFIGS, outdir, timeout=300, PIPELINE_FAST_SYNTH="1" if fast else "0")


def files_of(outdir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(outdir)): path.read_bytes() for path in outdir.rglob("*") if path.is_file()}


@pytest.mark.normal_synth
def test_fast_and_normal_synth_write_identical_bytes(tmp_path):
    # Both outdirs sit at the same depth, so the relative local-state paths agree too.
    fast = synthesize_in_subprocess(tmp_path / "fast" / "cdktf.out", fast=True)
    normal = synthesize_in_subprocess(tmp_path / "normal" / "cdktf.out", fast=False)

    assert fast.returncode == 0, fast.stderr
    assert normal.returncode == 0, normal.stderr
    assert "fast synth is off" not in fast.stderr
    fast_files = files_of(tmp_path / "fast" / "cdktf.out")
    assert len([name for name in fast_files if name.endswith("cdk.tf.json")]) == len(ALL_CONFIGS)
    assert fast_files == files_of(tmp_path / "normal" / "cdktf.out")


def test_this_suite_loaded_only_the_provider_modules_it_uses(stacks, keyed_synth_dir):
    keyed = [json.loads(path.read_text()) for path in keyed_synth_dir.glob("stacks/*/cdk.tf.json")]
    synthesized = [*stacks.values(), *keyed]  # every synth of the session: the keyed one adds aws_kms_key
    resource_types = {kind for stack in synthesized for kind in stack.get("resource", {})}
    data_types = {kind for stack in synthesized for kind in stack.get("data", {})}
    loaded = lazy_provider.modules_loaded()
    # One module per resource or data source type, plus the provider itself.
    assert 0 < loaded <= len(resource_types) + len(data_types) + 1


def node_with_hooks(*arguments: str, cwd: Path | None = None, **env: str) -> str:
    """What real Node prints with kernel_hooks.js preloaded, as the kernel runs, and `env` set."""
    result = subprocess.run(
        ["node", "--require", str(fast_synth.NODE_HOOKS), *arguments],
        cwd=cwd,
        env=dict(os.environ, NODE_OPTIONS="", **env),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


# What may be found in a cache folder instead of a cache file: each would hang the kernel, fill its
# memory or be read through a link, were it read as a file.
NOT_CACHE_FILES = ["a pipe", "a link to /dev/zero", "a link to a good copy", "a folder", "oversized"]


def replace_with(path: Path, kind: str) -> None:
    good = path.read_bytes()
    path.unlink()
    if kind == "a pipe":
        os.mkfifo(path)
    elif kind == "a link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "a link to a good copy":
        path.with_name(path.name + ".copy").write_bytes(good)
        path.symlink_to(path.with_name(path.name + ".copy"))
    elif kind == "a folder":
        path.mkdir()
    else:
        # Sparse: larger than any cache file may be, without taking the disk.
        path.write_bytes(good)
        os.truncate(path, 100 * 1024 * 1024)


class TestNodeHook:
    """kernel_hooks.js, run by real Node against stand-in packages."""

    @staticmethod
    def package(root: Path, name: str, version: str) -> Path:
        package = root / "node_modules" / name
        (package / "lib").mkdir(parents=True)
        (package / "package.json").write_text(
            json.dumps({"name": name, "version": version, "main": "lib/index.js"})
        )
        (package / "lib" / "index.js").write_text('exports.entry = "index";')
        (package / "lib" / "lazy-index.js").write_text('exports.entry = "lazy-index";')
        return package

    @staticmethod
    def node(script: str, cwd: Path) -> str:
        return node_with_hooks("-p", script, cwd=cwd, FAST_SYNTH_PROVIDER=fast_synth.PROVIDER_NPM)

    def entry_loaded(self, package: Path) -> str:
        return self.node(f"require({json.dumps(str(package))}).entry", package)

    def test_serves_the_lazy_index_of_the_pinned_provider(self, tmp_path):
        assert self.entry_loaded(self.package(tmp_path, "@cdktf/provider-aws", "20.1.0")) == "lazy-index"

    def test_leaves_other_versions_alone(self, tmp_path):
        assert self.entry_loaded(self.package(tmp_path, "@cdktf/provider-aws", "20.2.0")) == "index"

    def test_leaves_other_packages_alone(self, tmp_path):
        assert self.entry_loaded(self.package(tmp_path, "@cdktf/provider-google", "20.1.0")) == "index"

    @staticmethod
    def archiver_and_a_user(root: Path, user: str) -> Path:
        """A stand-in archiver that counts its loads, and a module requiring it."""
        archiver = root / "node_modules" / "archiver"
        archiver.mkdir(parents=True)
        (archiver / "index.js").write_text(
            "globalThis.archiverLoads = (globalThis.archiverLoads || 0) + 1;"
            "module.exports = (format) => `zip of ${format}`;"
        )
        module = root / user
        module.parent.mkdir(parents=True)
        module.write_text('exports.archiver = require("archiver");')
        return module

    def test_defers_archiver_for_cdktf_until_it_is_called(self, tmp_path):
        user = self.archiver_and_a_user(tmp_path, "node_modules/cdktf/lib/private/fs.js")
        script = (
            f"const fs = require({json.dumps(str(user))});"
            "const before = globalThis.archiverLoads || 0;"
            "[before, fs.archiver('zip'), globalThis.archiverLoads].join(' | ')"
        )
        assert self.node(script, tmp_path) == "0 | zip of zip | 1"

    def test_reads_provider_type_definitions_from_disk_by_range(self, tmp_path):
        definitions = self.package(tmp_path, "@cdktf/provider-aws", "20.1.0") / ".jsii.runtime-defs.v1.jsonl"
        definitions.write_text('{"fqn": "a"}\n{"fqn": "b"}\n')
        script = (
            f"const d = require('fs').readFileSync({json.dumps(str(definitions))});"
            "[Buffer.isBuffer(d), d.length, d.toString('utf-8', 13, 25)].join(' | ')"
        )
        assert self.node(script, tmp_path) == 'false | 26 | {"fqn": "b"}'

    def test_reads_every_other_file_whole(self, tmp_path):
        definitions = (
            self.package(tmp_path, "@cdktf/provider-google", "20.1.0") / ".jsii.runtime-defs.v1.jsonl"
        )
        definitions.write_text('{"fqn": "a"}\n')
        script = f"Buffer.isBuffer(require('fs').readFileSync({json.dumps(str(definitions))}))"
        assert self.node(script, tmp_path) == "true"

    def test_loads_archiver_at_once_for_anyone_else(self, tmp_path):
        user = self.archiver_and_a_user(tmp_path, "node_modules/other/lib/private/fs.js")
        script = f"require({json.dumps(str(user))}); globalThis.archiverLoads"
        assert self.node(script, tmp_path) == "1"


class TestRememberedDigests:
    """kernel_hooks.js around a stand-in for jsii's program.js that counts its hashing."""

    KERNEL = textwrap.dedent("""
        const crypto = require("crypto"), fs = require("fs");
        let hashed = 0;
        function readFileChunks(e, onChunk, ...salt) {
          hashed++;
          return crypto.createHash("sha256").update(fs.readFileSync(e)).update(salt.join()).digest();
        }
        const p = {};
        p.digestFile=function digestFile(e,...p){return readFileChunks(e,()=>{},...p)}
        const digest = p.digestFile(process.argv[2], "name", "1.0.0").toString("hex");
        console.log(JSON.stringify({ hashed, digest }));
    """)

    @pytest.fixture
    def run_kernel(self, tmp_path):
        kernel = tmp_path / "lib" / "program.js"
        kernel.parent.mkdir()
        kernel.write_text(self.KERNEL)
        tarball = tmp_path / "package.tgz"
        tarball.write_bytes(b"first")

        def run(digests: Path | None = tmp_path / "cache" / "digests.json") -> dict:
            return json.loads(
                node_with_hooks(str(kernel), str(tarball), FAST_SYNTH_DIGESTS=str(digests or ""))
            )

        run.tarball = tarball
        return run

    def test_the_second_run_uses_the_remembered_digest(self, run_kernel):
        first = run_kernel()
        second = run_kernel()
        assert first["hashed"] == 1
        assert second == {"hashed": 0, "digest": first["digest"]}

    def test_a_rewritten_tarball_is_hashed_again_and_replaces_what_was_remembered(self, run_kernel, tmp_path):
        first = run_kernel()
        run_kernel.tarball.write_bytes(b"second")
        again = run_kernel()
        assert again["hashed"] == 1
        assert again["digest"] != first["digest"]
        remembered = json.loads((tmp_path / "cache" / "digests.json").read_text())
        assert [entry.split(".")[0] for entry in remembered.values()] == [again["digest"]]

    @pytest.mark.parametrize("damaged", ["null", "5", '"text"', "[]", '{"half":', ""])
    def test_a_damaged_digests_file_is_ignored_and_rewritten(self, run_kernel, tmp_path, damaged):
        first = run_kernel()
        (tmp_path / "cache" / "digests.json").write_text(damaged)
        assert run_kernel() == {"hashed": 1, "digest": first["digest"]}
        assert run_kernel() == {"hashed": 0, "digest": first["digest"]}

    @pytest.mark.parametrize(
        "damage",
        [
            pytest.param(lambda entry: "00" * 32 + entry[64:], id="another-digest"),
            pytest.param(lambda entry: entry[:64], id="no-check"),
            pytest.param(lambda entry: 5, id="a-number"),
            pytest.param(lambda entry: None, id="null"),
            pytest.param(lambda entry: "zz" + entry[2:], id="not-hex"),
        ],
    )
    def test_a_damaged_entry_is_never_used(self, run_kernel, tmp_path, damage):
        first = run_kernel()
        digests = tmp_path / "cache" / "digests.json"
        digests.write_text(
            json.dumps({key: damage(entry) for key, entry in json.loads(digests.read_text()).items()})
        )
        assert run_kernel() == {"hashed": 1, "digest": first["digest"]}

    @pytest.mark.parametrize("kind", NOT_CACHE_FILES)
    def test_a_digests_file_that_is_not_a_small_regular_file_is_never_read(self, run_kernel, tmp_path, kind):
        first = run_kernel()
        replace_with(tmp_path / "cache" / "digests.json", kind)
        assert run_kernel() == {"hashed": 1, "digest": first["digest"]}

    def test_an_oversized_digests_file_is_not_read_even_if_valid(self, run_kernel, tmp_path):
        first = run_kernel()
        digests = tmp_path / "cache" / "digests.json"
        digests.write_text(digests.read_text() + " " * 1024 * 1024)
        assert run_kernel() == {"hashed": 1, "digest": first["digest"]}
        assert run_kernel() == {"hashed": 0, "digest": first["digest"]}

    def test_without_a_digests_file_it_always_hashes(self, run_kernel):
        assert [run_kernel(digests=None)["hashed"] for _ in range(2)] == [1, 1]


class TestCodeCache:
    """kernel_hooks.js compiling a stand-in cdktf module with V8's code cache."""

    @pytest.fixture
    def load(self, tmp_path):
        lib = tmp_path / "node_modules" / "cdktf" / "lib"
        lib.mkdir(parents=True)
        (lib / "other.js").write_text("exports.value = 42;")
        (lib / "index.js").write_text(
            "exports.facts = { file: __filename, dir: __dirname, same: module.exports === exports,"
            ' resolved: require.resolve("./other"), other: require("./other").value };'
        )
        (tmp_path / "node_modules" / "elsewhere").mkdir()
        (tmp_path / "node_modules" / "elsewhere" / "index.js").write_text("exports.facts = 'not cached';")
        cache = tmp_path / "code-cache"

        def load(
            package: str = "cdktf/lib", code_cache: Path | None = cache, node_flags: tuple[str, ...] = ()
        ) -> dict:
            script = (
                f"JSON.stringify({{ facts: require({json.dumps(str(tmp_path / 'node_modules' / package))}).facts,"
                " stats: globalThis[Symbol.for('fast-synth.codeCache')] })"
            )
            return json.loads(
                node_with_hooks(*node_flags, "-p", script, FAST_SYNTH_CODE_CACHE=str(code_cache or ""))
            )

        load.cache = cache
        load.lib = lib
        return load

    def facts(self, lib: Path) -> dict:
        return {
            "file": str(lib / "index.js"),
            "dir": str(lib),
            "same": True,
            "resolved": str(lib / "other.js"),
            "other": 42,
        }

    def test_the_second_run_reuses_what_the_first_compiled(self, load):
        first, second = load(), load()
        assert first == {"facts": self.facts(load.lib), "stats": {"reused": 0, "compiled": 2}}
        assert second == {"facts": self.facts(load.lib), "stats": {"reused": 2, "compiled": 0}}
        assert len(list(load.cache.glob("*.bin"))) == 2

    def test_a_cache_v8_rejects_is_compiled_afresh(self, load):
        load()
        for cached in load.cache.glob("*.bin"):
            cached.write_bytes(b"not a code cache")
        assert load() == {"facts": self.facts(load.lib), "stats": {"reused": 0, "compiled": 2}}
        assert load()["stats"] == {"reused": 2, "compiled": 0}

    def test_a_damaged_cache_v8_would_accept_is_compiled_afresh(self, load):
        """V8 does not check a cache's bytes: flipped bytes in one it accepts crash Node."""
        load()
        for cached in load.cache.glob("*.bin"):
            data = bytearray(cached.read_bytes())
            data[len(data) // 2 :] = bytes(byte ^ 0xFF for byte in data[len(data) // 2 :])
            cached.write_bytes(bytes(data))
        assert load() == {"facts": self.facts(load.lib), "stats": {"reused": 0, "compiled": 2}}
        assert load()["stats"] == {"reused": 2, "compiled": 0}

    @pytest.mark.parametrize("kind", NOT_CACHE_FILES)
    def test_a_cache_file_that_is_not_a_small_regular_file_is_compiled_afresh(self, load, kind):
        load()
        for cached in load.cache.glob("*.bin"):
            replace_with(cached, kind)
        assert load()["stats"] == {"reused": 0, "compiled": 2}
        assert load()["stats"] == {"reused": 2, "compiled": 0} or kind == "a folder"

    def test_other_packages_are_left_to_node(self, load):
        assert load("elsewhere") == {"facts": "not cached", "stats": {"reused": 0, "compiled": 0}}

    def test_without_a_cache_folder_node_compiles_everything(self, load):
        assert load(code_cache=None)["stats"] == {"reused": 0, "compiled": 0}

    def test_with_source_maps_on_node_compiles_everything(self, load):
        assert load(node_flags=("--enable-source-maps",))["stats"] == {"reused": 0, "compiled": 0}


@pytest.mark.parametrize("name", [*fast_synth.PINNED_VERSIONS, "python-dateutil", "typing-extensions"])
def test_installed_versions_are_the_ones_importlib_metadata_reads(name):
    assert fast_synth.installed_version(name) == importlib.metadata.version(name)


def test_a_distribution_not_installed_has_no_version():
    assert fast_synth.installed_version("no-such-distribution") is None


class TestFallback:
    @pytest.fixture
    def untouched(self, monkeypatch):
        """Records what enable() would change (an import hook, a kernel started), and checks it after."""
        monkeypatch.delenv(fast_synth.SWITCH, raising=False)
        meta_path, kernel = list(sys.meta_path), fast_synth._kernel
        yield
        assert sys.meta_path == meta_path
        assert fast_synth._kernel is kernel

    def test_another_provider_version_turns_it_off(self, untouched):
        versions = {**fast_synth.PINNED_VERSIONS, "cdktf-cdktf-provider-aws": "20.2.0"}
        reason = fast_synth.enable(installed=versions.get)
        assert reason == "fast synth is off: it was written for cdktf-cdktf-provider-aws 20.1.0, found 20.2.0"

    def test_a_missing_package_turns_it_off(self, untouched):
        versions = {**fast_synth.PINNED_VERSIONS, "jsii": None}
        assert (
            fast_synth.enable(installed=versions.get)
            == "fast synth is off: it was written for jsii 1.142.0, found none"
        )

    def test_an_already_imported_provider_turns_it_off(self, untouched):
        import cdktf_cdktf_provider_aws  # noqa: F401  (as any synth does)

        reason = fast_synth.enable(installed=fast_synth.PINNED_VERSIONS.get)
        assert reason == "cdktf_cdktf_provider_aws was imported before fast synth could be enabled"

    def test_a_kernel_started_before_turns_it_off(self, untouched, monkeypatch):
        import constructs._jsii  # noqa: F401  (loading constructs starts jsii's kernel)

        monkeypatch.delitem(sys.modules, fast_synth.PROVIDER_PACKAGE, raising=False)
        reason = fast_synth.enable(installed=fast_synth.PINNED_VERSIONS.get)
        assert reason == "jsii's kernel was started before fast synth could be enabled"

    def test_a_missing_type_index_turns_it_off_for_that_run(self, untouched, monkeypatch, tmp_path):
        monkeypatch.setenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(tmp_path))
        reason = fast_synth.enable(installed=fast_synth.PINNED_VERSIONS.get)
        assert reason is not None
        assert reason.startswith("fast synth is off for this run: jsii has not indexed the provider's types")

    def test_the_type_index_is_found_in_jsiis_package_cache(self, monkeypatch, tmp_path):
        monkeypatch.setenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(tmp_path))
        assert not fast_synth.provider_index_built()
        package = tmp_path / "@cdktf" / "provider-aws" / "20.1.0" / "8ddcbe1d"
        package.mkdir(parents=True)
        (package / ".jsii.runtime.v1.json").write_text("{}")
        assert fast_synth.provider_index_built()

    def test_the_switch_turns_it_off(self, untouched, monkeypatch):
        monkeypatch.setenv(fast_synth.SWITCH, "0")
        assert (
            fast_synth.enable(installed=fast_synth.PINNED_VERSIONS.get)
            == "fast synth is off (PIPELINE_FAST_SYNTH=0)"
        )

    def test_a_fallback_says_so_in_one_line(self, capsys):
        fast_synth.notice_if_off("fast synth is off: it was written for jsii 1.142.0, found 1.150.0")
        assert capsys.readouterr().err == (
            "fast synth is off: it was written for jsii 1.142.0, found 1.150.0; synthesizing the normal (slower) way\n"
        )

    def test_switching_it_off_is_silent(self, capsys):
        fast_synth.notice_if_off("fast synth is off (PIPELINE_FAST_SYNTH=0)")
        fast_synth.notice_if_off(None)
        assert capsys.readouterr().err == ""


def test_a_failure_with_the_caches_in_use_deletes_them_and_synthesizes_the_same_bytes(tmp_path):
    """A code cache whose check matches but whose bytes V8 cannot run: what no check can see.
    The retry replaces the process: the first run's kernel and its folders must be gone first."""
    env = isolated_env(tmp_path)
    cache_home = tmp_path / "cache-home"
    first = run_main(DEFAULT_CONFIGS[:1], tmp_path / "first", timeout=120, **env)
    assert first.returncode == 0, first.stderr
    for cached in (cache_home / "pipeline-fast-synth" / "v8-code-cache").glob("*.bin"):
        data = cached.read_bytes()[16:]
        broken = data[: len(data) // 2] + bytes(byte ^ 0xFF for byte in data[len(data) // 2 :])
        cached.write_bytes(hashlib.md5(broken).digest() + broken)

    second = run_main(DEFAULT_CONFIGS[:1], tmp_path / "second", timeout=120, **env)

    assert second.returncode == 0, second.stderr
    assert second.stderr.count("fast synth: the run failed; deleted its caches") == 1
    assert "Traceback" not in second.stderr.split("running once more")[-1]
    assert "Exception ignored" not in second.stderr
    assert list((tmp_path / "tmp").iterdir()) == []
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")
    assert any((cache_home / "pipeline-fast-synth" / "v8-code-cache").glob("*.bin"))


def test_a_refused_output_folder_is_not_blamed_on_the_caches(tmp_path):
    config = tmp_path / "dev.toml"
    config.write_text((DEFAULT_CONFIGS[0]).read_text())
    outdir = tmp_path / "out"
    outdir.write_text("a file where the output folder goes")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    result = run_main([config], outdir, timeout=120, **env)
    assert result.returncode == 1
    assert "fast synth: the run failed" not in result.stderr


# A synth whose Python fails: load_configs, or the stack's constructor once the kernel is in use.
PROGRAM_ERRORS = {
    "in the config loader": "import core.loading\ncore.loading.load_configs = fail\n",
    # Imported once fast synth is on: importing stacks.app imports cdktf.
    "in a construct": (
        "import fast_synth\nenable = fast_synth.enable\n"
        "def enable_then_patch(*args):\n"
        "    reason = enable(*args)\n"
        "    import stacks.app\n"
        "    stacks.app.PipelineStack = fail\n"
        "    return reason\n"
        "fast_synth.enable = enable_then_patch\n"
    ),
}


def run_failing_synth(tmp_path: Path, patch: str) -> subprocess.CompletedProcess:
    """main.py as `python main.py` runs it, with one function replaced by one that raises."""
    driver = tmp_path / "driver.py"
    driver.write_text(
        f"import runpy, sys\nsys.path.insert(0, {str(PROJECT)!r})\n"
        "def fail(*args, **kwargs):\n    raise ValueError('a program error')\n"
        f"{patch}"
        f"sys.argv = [{str(PROJECT / 'main.py')!r}, *sys.argv[1:]]\n"
        f"runpy.run_path({str(PROJECT / 'main.py')!r}, run_name='__main__')\n"
    )
    return subprocess.run(
        [sys.executable, str(driver), *map(str, DEFAULT_CONFIGS[:1]), "--outdir", str(tmp_path / "out")],
        env=isolated_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def isolated_env(tmp_path: Path) -> dict[str, str]:
    """Caches and temporary files of its own, so that what a run leaves behind can be counted."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    cache = tmp_path / "cache-home" / "pipeline-fast-synth"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "kept.txt").write_text("another run's cache")
    return dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache-home"), TMPDIR=str(tmp_path / "tmp"))


@pytest.mark.parametrize("where", PROGRAM_ERRORS)
def test_a_program_error_fails_once_and_leaves_the_caches_alone(tmp_path, where):
    result = run_failing_synth(tmp_path, PROGRAM_ERRORS[where])

    assert result.returncode == 1
    assert "fast synth is off" not in result.stderr
    assert result.stderr.count("Traceback (most recent call last)") == 1
    assert result.stderr.rstrip().endswith("ValueError: a program error")
    assert "deleted its caches" not in result.stderr
    assert (tmp_path / "cache-home" / "pipeline-fast-synth" / "kept.txt").is_file()
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("config", ["valid", "invalid"])
def test_a_synth_leaves_nothing_in_the_temporary_folder(tmp_path, config):
    """An invalid config stops the run before jsii adopts the early kernel, which is then terminated."""
    path = DEFAULT_CONFIGS[0]
    if config == "invalid":
        path = tmp_path / "invalid.toml"
        path.write_text('[stack]\nname = "x"\n')
    result = run_main([path], tmp_path / "out", timeout=120, **isolated_env(tmp_path))

    assert result.returncode == (0 if config == "valid" else 1), result.stderr
    assert "fast synth is off" not in result.stderr
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("kind", ["a pipe", "a link to /dev/zero"])
def test_a_synth_never_hangs_on_what_lies_in_the_caches(tmp_path, kind):
    env = isolated_env(tmp_path)
    first = run_main(DEFAULT_CONFIGS[:1], tmp_path / "first", timeout=120, **env)
    assert first.returncode == 0, first.stderr
    cache = tmp_path / "cache-home" / "pipeline-fast-synth"
    for path in [cache / "tarball-digests.json", *(cache / "v8-code-cache").glob("*.bin")]:
        replace_with(path, kind)

    second = run_main(DEFAULT_CONFIGS[:1], tmp_path / "second", timeout=120, **env)

    assert second.returncode == 0, second.stderr
    assert "deleted its caches" not in second.stderr
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")
