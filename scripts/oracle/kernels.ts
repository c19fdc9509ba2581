// The kernels drivers are built against: Debian's headers packages from the pinned manifest
// plus the Kbuild tools package, unpacked together into a private root in the cache, so
// nothing is installed on the system and several kernels sit side by side.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths';
import type { PinnedKernel } from '../debian/packages';
import { ensureCompiler, kernelCompiler, prepareUnpackedCompiler, runKbuildToolsUnderLoader } from './compiler';
import { ensureDeb, unpackInto, type AptContext, type PinnedDeb } from './debs';

export const KERNELS_PATH = join(packageRoot, 'scripts', 'oracle', 'kernels.json');

export interface OracleKernelPin {
  /** The manifest's label, which is also the checker's target label: '6.12'. */
  label: string;
  kbuild: PinnedDeb;
  /**
   * The compiler's own packages, for a kernel whose compiler this machine's release does not
   * carry (5.10 is built with bullseye's gcc-10, 7.3 with trixie's gcc-14): unpacked into a
   * root of their own, with that release's C library when it is newer than this machine's
   * (compiler.ts). Without it the compiler the headers name is installed with the system's apt.
   */
  compiler?: PinnedDeb[];
}

export interface KernelTree {
  label: string;
  uname: string;
  /** `make -C` goes here: the arch headers folder inside the private root. */
  headersDir: string;
  /**
   * The compiler the headers' .kernelvariables name: 'gcc-12', 'x86_64-linux-gnu-gcc-12', or
   * its path in the private root when the pin unpacks it there.
   */
  cc: string;
}

export function readKernelPins(path = KERNELS_PATH): OracleKernelPin[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { kernels: OracleKernelPin[] }).kernels;
}

export function oracleDir(cache: string): string {
  return join(cache, 'oracle');
}

/**
 * Debian's arch headers Makefile includes the common one by its absolute path
 * (`include /usr/src/linux-headers-<v>-common/Makefile`), and from 7.x also names itself as
 * `KBUILD_OUTPUT=/usr/src/linux-headers-<v>-amd64`: paths where the packages install. In the
 * private root both must name the root's copy.
 */
export function rewriteHeadersInclude(makefile: string, root: string): string {
  return makefile.replace(/^(\s*(?:include\s+|KBUILD_OUTPUT\s*:?=\s*))(\/usr\/src\/\S*)/gm, (_whole, keyword: string, path: string) => `${keyword}${join(root, path)}`);
}

function headersDebs(cache: string, kernel: PinnedKernel): { path: string; sha256: string }[] {
  return kernel.packages
    .filter((p) => p.role === 'headers-common' || p.role === 'headers-arch')
    .map((p) => ({ path: join(cache, 'apt', 'archives', p.file), sha256: p.sha256 }));
}

/**
 * Unpacks `debs` into `root` once: `stamp` names their SHA-256, and a root whose stamp differs
 * is unpacked again (from scratch when `fresh`, for a root no other package shares).
 */
function unpackStamped(apt: AptContext, debs: { path: string; sha256: string }[], root: string, stamp: string, fresh: boolean): void {
  const expected = debs.map((d) => d.sha256).join('\n');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === expected) return;
  if (fresh) rmSync(root, { recursive: true, force: true });
  for (const deb of debs) {
    apt.log(`unpack ${deb.path} into ${root}`);
    unpackInto(deb.path, root);
  }
  writeFileSync(stamp, expected);
}

/**
 * Unpacks the kernel's headers and Kbuild packages into `<cache>/oracle/root` (once: a stamp
 * names the packages' SHA-256), points the headers' include at the root, and makes sure the
 * compiler the headers ask for is there (installed, or unpacked from its pinned packages).
 */
export function prepareKernelTree(apt: AptContext, kernel: PinnedKernel, pin: OracleKernelPin): KernelTree {
  const root = join(oracleDir(apt.cache), 'root');
  const pinned = (deb: PinnedDeb) => ({ path: ensureDeb(apt, deb, join(oracleDir(apt.cache), 'debs'), KERNELS_PATH), sha256: deb.sha256 });
  const debs = [...headersDebs(apt.cache, kernel), pinned(pin.kbuild)];
  unpackStamped(apt, debs, root, join(root, `.${kernel.uname}.complete`), false);
  const headersDir = join(root, 'usr', 'src', `linux-headers-${kernel.uname}`);
  const makefile = join(headersDir, 'Makefile');
  if (!existsSync(makefile)) throw new Error(`${makefile} is missing after unpacking ${kernel.label}'s headers packages`);
  const text = readFileSync(makefile, 'utf8');
  const rewritten = rewriteHeadersInclude(text, root);
  if (rewritten !== text) writeFileSync(makefile, rewritten);
  const named = kernelCompiler(headersDir);
  if (!pin.compiler) {
    ensureCompiler(named, apt.log);
    return { label: kernel.label, uname: kernel.uname, headersDir, cc: named };
  }
  // A root of its own per kernel: two releases' C libraries cannot share one.
  const compilerRoot = join(oracleDir(apt.cache), 'compilers', pin.label);
  unpackStamped(apt, pin.compiler.map(pinned), compilerRoot, join(compilerRoot, '.complete'), true);
  runKbuildToolsUnderLoader(compilerRoot, join(root, 'usr', 'lib', pin.kbuild.name));
  return { label: kernel.label, uname: kernel.uname, headersDir, cc: prepareUnpackedCompiler(compilerRoot, named) };
}
