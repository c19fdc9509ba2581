// The compiler a Debian kernel's headers build modules with. Debian records it in the
// headers' .kernelvariables (`CC = $(CROSS_COMPILE)gcc-12`, with 6.12 setting CROSS_COMPILE
// to x86_64-linux-gnu-); make itself evaluates that file, so its conditionals are honoured.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function kernelCompiler(headersDir: string): string {
  const probe = `include ${join(headersDir, '.kernelvariables')}\n$(info $(strip $(CC)))\nall: ;@:\n`;
  const out = execFileSync('make', ['-s', '-f', '-'], { input: probe, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' } }).trim();
  if (!out) throw new Error(`${headersDir}/.kernelvariables names no CC`);
  return out;
}

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$0" >/dev/null', command]).status === 0;
}

/** Debian's package for a compiler: `x86_64-linux-gnu-gcc-12` and `gcc-12` both come with gcc-12. */
export function compilerPackage(cc: string): string {
  return /(gcc-\d+)$/.exec(cc)?.[1] ?? cc;
}

/**
 * Installs the compiler's package with the system's apt when it is missing (the only system
 * change this bench makes), refreshing the system's lists once if the first try fails.
 */
export function ensureCompiler(cc: string, log: (line: string) => void): void {
  if (installed(cc)) return;
  const pkg = compilerPackage(cc);
  log(`${cc} is missing: apt-get install -y ${pkg}`);
  const install = () => spawnSync('apt-get', ['install', '-y', pkg], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0 || !installed(cc)) throw new Error(`${cc} is needed to build for these headers and could not be installed (apt-get install -y ${pkg}: ${result.stderr?.trim().split('\n').pop() ?? 'failed'})`);
}

const TRIPLET = 'x86_64-linux-gnu';
/** Where a compiler root that carries its own C library keeps it (merged /usr), and its dynamic loader there. */
const OWN_LIBRARIES = join('usr', 'lib', TRIPLET);
const OWN_LOADER = join(OWN_LIBRARIES, 'ld-linux-x86-64.so.2');

/**
 * Makes the compiler unpacked in `root` runnable here, and returns the path of `cc` in it.
 *
 * A compiler from an older release (bullseye's gcc-10) runs as it is: its driver finds `cc1`
 * beside itself and links this machine's libraries. One from a newer release (trixie's gcc-14,
 * sid's gcc-16) needs a newer C library than this machine's, so the root holds that release's
 * libc and libraries too, and each program the build runs (the driver, `cc1`, the assembler)
 * is replaced by a script that starts the original under the root's own loader and libraries.
 * The assembler is the root's as well, since the kernel's Kconfig chose its features with that
 * release's binutils. The driver's `argv[0]` stays the script's path, so it still finds its
 * `cc1` and headers relative to itself.
 */
export function prepareUnpackedCompiler(root: string, cc: string): string {
  const driver = join(root, 'usr', 'bin', cc);
  if (!existsSync(driver)) throw new Error(`the headers name ${cc}, which the pinned compiler packages do not hold (${driver})`);
  if (!existsSync(join(root, OWN_LOADER))) return driver;
  const assembler = join(root, 'usr', 'bin', `${TRIPLET}-as`);
  if (!existsSync(assembler)) throw new Error(`${root} carries its own C library but no ${TRIPLET}-as: pin that release's binutils too`);
  runUnderOwnLoader(root, driver);
  runUnderOwnLoader(root, assembler);
  for (const version of readdirSync(join(root, 'usr', 'libexec', 'gcc', TRIPLET))) {
    const libexec = join(root, 'usr', 'libexec', 'gcc', TRIPLET, version);
    runUnderOwnLoader(root, join(libexec, 'cc1'));
    // gcc looks for `as` in its libexec folder first: there it finds the root's.
    writeLauncher(root, join(libexec, 'as'), `${assembler}.real`);
  }
  return driver;
}

/**
 * Starts every ELF program of a Kbuild tools folder (`usr/lib/linux-kbuild-7.2.13+deb14`:
 * objtool, modpost, genksyms) under the compiler root's loader, where that root carries its
 * own C library: they were built for the same release as the compiler, and objtool runs after
 * every compile (a failure there would hide nothing gcc said, but fail the build).
 */
export function runKbuildToolsUnderLoader(compilerRoot: string, kbuildTools: string): void {
  if (!existsSync(join(compilerRoot, OWN_LOADER)) || !existsSync(kbuildTools)) return;
  for (const entry of readdirSync(kbuildTools, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.real')) continue;
    const path = join(entry.parentPath, entry.name);
    if (isElfProgram(path)) runUnderOwnLoader(compilerRoot, path);
  }
}

function isElfProgram(path: string): boolean {
  if ((statSync(path).mode & 0o111) === 0) return false;
  const fd = openSync(path, 'r');
  try {
    const magic = Buffer.alloc(4);
    return readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(ELF_MAGIC);
  } finally {
    closeSync(fd);
  }
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** Moves `program` to `<program>.real` (once) and puts a launcher for it in its place. */
function runUnderOwnLoader(root: string, program: string): void {
  const real = `${program}.real`;
  if (!existsSync(real)) renameSync(program, real);
  writeLauncher(root, program, real);
}

function writeLauncher(root: string, path: string, real: string): void {
  const script = `#!/bin/sh\nexec '${join(root, OWN_LOADER)}' --library-path '${join(root, OWN_LIBRARIES)}' --argv0 "$0" '${real}' "$@"\n`;
  writeFileSync(path, script);
  chmodSync(path, 0o755);
}
