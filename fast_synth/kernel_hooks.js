// Preloaded into the jsii kernel with `node --require` (see fast_synth/__init__.py).
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

// 1. @cdktf/provider-aws ships two entry points: lib/index.js requires all of
// its ~2,100 resource modules at once, lib/lazy-index.js exports the same names
// as getters that require a module when it is first used. The kernel asks for
// the package's main file; it gets the lazy one, but only for the exact package
// and version named in FAST_SYNTH_PROVIDER (name@version).
const expectedProvider = process.env.FAST_SYNTH_PROVIDER || "";
const resolveFilename = Module._resolveFilename;
const lazyIndexOf = new Map();

function findLazyIndex(resolved) {
  if (path.basename(resolved) !== "index.js" || path.basename(path.dirname(resolved)) !== "lib") {
    return null;
  }
  const packageDir = path.dirname(path.dirname(resolved));
  const lazy = path.join(packageDir, "lib", "lazy-index.js");
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"));
    if (`${manifest.name}@${manifest.version}` === expectedProvider && fs.existsSync(lazy)) {
      return lazy;
    }
  } catch (error) {
    // No readable package.json: not the provider package.
  }
  return null;
}

Module._resolveFilename = function (request, parent, isMain, options) {
  const resolved = resolveFilename.call(this, request, parent, isMain, options);
  if (!lazyIndexOf.has(resolved)) {
    lazyIndexOf.set(resolved, findLazyIndex(resolved));
  }
  return lazyIndexOf.get(resolved) || resolved;
};

// 2. cdktf requires the zip library `archiver` (a tenth of a second) up front,
// only to zip directory assets, which this project has none of. cdktf calls it
// as a function; it gets a stand-in that loads the real one on first use.
const load = Module._load;
const deferred = new Set(["archiver"]);

Module._load = function (request, parent, isMain) {
  const fromCdktf = parent && parent.filename && parent.filename.includes(`${path.sep}cdktf${path.sep}lib${path.sep}`);
  if (!deferred.has(request) || !fromCdktf) {
    return load.apply(this, arguments);
  }
  let real;
  const module = () => (real = real || load.call(Module, request, parent, isMain));
  return new Proxy(function () {}, {
    apply: (_target, self, args) => Reflect.apply(module(), self, args),
    construct: (_target, args) => Reflect.construct(module(), args),
    get: (_target, key) => module()[key],
    has: (_target, key) => key in module(),
  });
};

// 3. To look up a type, the kernel reads the provider's whole type-definition
// file (32 MB of JSON lines) into memory once, then only ever decodes the one
// line it needs: buffer.toString("utf-8", start, end). It gets a stand-in that
// reads just that range from disk, for that file of that package only.
const readFileSync = fs.readFileSync;
const DEFINITIONS = ".jsii.runtime-defs.v1.jsonl";

function definitionsOnDisk(file) {
  const descriptor = fs.openSync(file, "r");
  return {
    length: fs.fstatSync(descriptor).size,
    toString(encoding, start, end) {
      const range = Buffer.alloc(end - start);
      fs.readSync(descriptor, range, 0, range.length, start);
      return range.toString(encoding);
    },
  };
}

fs.readFileSync = function (file, options) {
  const whole = options === undefined && typeof file === "string";
  if (whole && path.basename(file) === DEFINITIONS && file.includes(`${path.sep}@cdktf${path.sep}provider-aws${path.sep}`)) {
    return definitionsOnDisk(file);
  }
  return readFileSync.apply(this, arguments);
};

// 4. To find an assembly's unpacked copy in its package cache, the kernel
// hashes the assembly's tarball on every load: the provider's is 34 MB. The
// kernel's own script (jsii's program.js) gets its digestFile wrapped, in
// memory, so that a digest is remembered in the file FAST_SYNTH_DIGESTS, keyed
// by the tarball's path, device, inode, size, and change and modification
// times. Writing to the file changes its ctime and replacing it its inode, so a
// remembered digest is that of the file's current bytes.
const digestsFile = process.env.FAST_SYNTH_DIGESTS;
const DIGEST_FILE = "p.digestFile=function digestFile(e,...p){return readFileChunks(e,()=>{},...p)}";
const REMEMBER_DIGEST = Symbol.for("fast-synth.rememberDigest");
// The script Node runs: in the kernel, jsii's program.js.
const mainScript = process.argv[1] ? path.resolve(process.argv[1]) : undefined;

function withRememberedDigests(content, filename) {
  const isKernel = filename === mainScript && path.basename(filename) === "program.js";
  if (!digestsFile || !isKernel || content.split(DIGEST_FILE).length !== 2) {
    return content;
  }
  const remembering = `globalThis[Symbol.for(${JSON.stringify(REMEMBER_DIGEST.description)})]`;
  return content.replace(DIGEST_FILE, `p.digestFile=${remembering}(${DIGEST_FILE.slice("p.digestFile=".length)})`);
}

globalThis[REMEMBER_DIGEST] = function rememberDigest(digestFile) {
  let remembered;
  return function (file, ...salt) {
    remembered = remembered || readDigests();
    const stat = fs.statSync(file, { bigint: true });
    const where = path.resolve(file);
    const key = JSON.stringify([where, ...[stat.dev, stat.ino, stat.size, stat.ctimeNs, stat.mtimeNs].map(String), ...salt]);
    const known = checkedDigest(key, remembered[key]);
    if (known) {
      return known;
    }
    const digest = digestFile(file, ...salt);
    // What was remembered for an earlier file at this path is of no more use.
    for (const earlier of Object.keys(remembered).filter((entry) => samePath(entry, where))) {
      delete remembered[earlier];
    }
    remembered[key] = `${digest.toString("hex")}.${entryCheck(key, digest.toString("hex"))}`;
    writeDigests(remembered);
    return digest;
  };
};

// Each entry is "<digest>.<check>": a digest is only used while its check matches,
// so a damaged file can never hand the kernel a wrong digest (and so a wrong package).
function entryCheck(key, digest) {
  return crypto.createHash("md5").update(key).update("\0").update(digest).digest("hex");
}

function checkedDigest(key, entry) {
  const match = typeof entry === "string" && /^((?:[0-9a-f]{2}){16,64})\.([0-9a-f]{32})$/.exec(entry);
  return match && match[2] === entryCheck(key, match[1]) ? Buffer.from(match[1], "hex") : null;
}

function samePath(entry, where) {
  try {
    return JSON.parse(entry)[0] === where;
  } catch (error) {
    return true; // Not a key this file writes: dropped with the rest of what is stale.
  }
}

// Anything but a JSON object of entries counts as nothing remembered.
function readDigests() {
  try {
    const digests = JSON.parse(readCacheFile(digestsFile, DIGESTS_LIMIT_BYTES).toString("utf8"));
    return digests !== null && typeof digests === "object" && !Array.isArray(digests) ? digests : {};
  } catch (error) {
    return {};
  }
}

function writeDigests(digests) {
  // If not written, the next run hashes again.
  writeWhole(digestsFile, () => JSON.stringify(digests, null, 1));
}

// Written beside, then renamed: another kernel reads the old file or the new one, never half.
// contents() is called inside the try, so that nothing here can fail a synth.
// The file beside is made anew ("wx"): never written through a link or into a pipe left there.
function writeWhole(file, contents) {
  const beside = `${file}.${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.rmSync(beside, { force: true });
    fs.writeFileSync(beside, contents(), { flag: "wx" });
    fs.renameSync(beside, file);
  } catch (error) {
    // Left to the next run.
  }
}

// A cache file's bytes, read only from a regular file of at most `limit` bytes: a pipe, a device,
// a link (to /dev/zero, say) or a huge file in the cache would hang the kernel or fill its memory.
// Opened without following a link and without blocking (a pipe's open waits for a writer),
// then checked on the open descriptor. Throws when the file is not one to read.
const CACHE_OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW || 0) | (fs.constants.O_NONBLOCK || 0);
const DIGESTS_LIMIT_BYTES = 1024 * 1024;
const CODE_CACHE_LIMIT_BYTES = 64 * 1024 * 1024;

function readCacheFile(file, limit) {
  const descriptor = fs.openSync(file, CACHE_OPEN_FLAGS);
  try {
    const stat = fs.fstatSync(descriptor);
    if (!stat.isFile() || stat.size > limit) {
      throw new Error(`${file}: not a regular file of at most ${limit} bytes`);
    }
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const chunk = fs.readSync(descriptor, bytes, read, bytes.length - read, read);
      if (chunk === 0) {
        break;
      }
      read += chunk;
    }
    return bytes.subarray(0, read);
  } finally {
    fs.closeSync(descriptor);
  }
}

// 5. The kernel compiles 4.8 MB of JavaScript on every run: its own program.js,
// cdktf, constructs and the provider's modules. V8 can save what it compiled
// (its code cache) and take it back next time; Node 20 does that only for its
// own built-ins. Those files are compiled here through vm.Script with a code
// cache kept in FAST_SYNTH_CODE_CACHE, one file per source, named by the MD5
// of the source. V8 checks a cache against its own version and flags, and
// compiles afresh when it rejects one. Everything else, any file with a
// hashbang, and every file when source maps are on (Node maps only what it
// compiled itself) goes through Node's own compile.
const codeCacheDir = process.env.FAST_SYNTH_CODE_CACHE;
const CACHED_PACKAGES = /[\\/]node_modules[\\/](?:cdktf|constructs|@cdktf[\\/]provider-aws)[\\/]/;
const compile = Module.prototype._compile;
const codeCacheStats = { reused: 0, compiled: 0 };
const toSave = [];
globalThis[Symbol.for("fast-synth.codeCache")] = codeCacheStats;

Module.prototype._compile = function (content, filename) {
  content = withRememberedDigests(content, filename);
  const cacheable = filename === mainScript || CACHED_PACKAGES.test(filename);
  if (!codeCacheDir || !cacheable || content.startsWith("#!") || process.sourceMapsEnabled) {
    return compile.call(this, content, filename);
  }
  const cacheFile = path.join(codeCacheDir, `${crypto.createHash("md5").update(content).digest("hex")}.bin`);
  const cachedData = checkedCodeCache(readIfThere(cacheFile));
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    // import() as Node's own compile allows it (none of these packages uses it at synth).
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    toSave.push([cacheFile, script]);
    codeCacheStats.compiled++;
  } else {
    codeCacheStats.reused++;
  }
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
};

// What Node's makeRequireFunction gives a module.
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

// V8 checks a cache's version, flags and source, but not its bytes: a damaged cache it
// accepts can crash the kernel. So each file starts with the MD5 of the cache it holds.
const CHECK_BYTES = 16;

function withCheck(cachedData) {
  return Buffer.concat([crypto.createHash("md5").update(cachedData).digest(), cachedData]);
}

function checkedCodeCache(file) {
  if (file === undefined || file.length <= CHECK_BYTES) {
    return undefined;
  }
  const cachedData = file.subarray(CHECK_BYTES);
  const intact = crypto.createHash("md5").update(cachedData).digest().equals(file.subarray(0, CHECK_BYTES));
  return intact ? cachedData : undefined;
}

function readIfThere(file) {
  try {
    return readCacheFile(file, CODE_CACHE_LIMIT_BYTES);
  } catch (error) {
    return undefined;
  }
}

// Saved at exit, so that the cache also holds the functions compiled while running.
// A file not saved is compiled again next run.
process.on("exit", () => {
  for (const [file, script] of toSave) {
    writeWhole(file, () => withCheck(script.createCachedData()));
  }
});

