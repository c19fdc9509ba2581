// The kernels drivers are built against: Debian's headers packages from the pinned manifest
// plus the Kbuild tools package, unpacked together into a private root in the cache, so
// nothing is installed on the system and several kernels sit side by side.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths';
import type { PinnedKernel } from '../debian/packages';
import { ensureCompiler, kernelCompiler } from './compiler';
import { ensureDeb, unpackInto, type AptContext, type PinnedDeb } from './debs';

export const KERNELS_PATH = join(packageRoot, 'scripts', 'oracle', 'kernels.json');

export interface OracleKernelPin {
  /** The manifest's label, which is also the checker's target label: '6.12'. */
  label: string;
  kbuild: PinnedDeb;
  /**
   * The compiler's own packages, unpacked into the private root beside the headers, for a
   * kernel whose compiler this machine's release does not carry (5.10 is built with bullseye's
   * gcc-10). Without it the compiler the headers name is installed with the system's apt.
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
 * Debian's arch headers Makefile is one line, `include /usr/src/linux-headers-<v>-common/Makefile`:
 * an absolute path to where the common package installs. In the private root that include
 * must name the root's copy.
 */
export function rewriteHeadersInclude(makefile: string, root: string): string {
  return makefile.replace(/^(\s*include\s+)(\/usr\/src\/\S+)/gm, (_whole, keyword: string, path: string) => `${keyword}${join(root, path)}`);
}

function headersDebs(cache: string, kernel: PinnedKernel): { path: string; sha256: string }[] {
  return kernel.packages
    .filter((p) => p.role === 'headers-common' || p.role === 'headers-arch')
    .map((p) => ({ path: join(cache, 'apt', 'archives', p.file), sha256: p.sha256 }));
}

/** The compiler `cc` names, as unpacked into the root (`usr/bin/gcc-10`); gcc finds its cc1 beside itself. */
function unpackedCompiler(root: string, cc: string): string {
  const path = join(root, 'usr', 'bin', cc);
  if (!existsSync(path)) throw new Error(`the headers name ${cc}, which the pinned compiler packages do not hold (${path})`);
  return path;
}

/**
 * Unpacks the kernel's headers and Kbuild packages into `<cache>/oracle/root` (once: a stamp
 * names the packages' SHA-256), with the compiler's packages when pinned, points the headers'
 * include at the root, and makes sure the compiler the headers ask for is there.
 */
export function prepareKernelTree(apt: AptContext, kernel: PinnedKernel, pin: OracleKernelPin): KernelTree {
  const root = join(oracleDir(apt.cache), 'root');
  const pinned = (deb: PinnedDeb) => ({ path: ensureDeb(apt, deb, join(oracleDir(apt.cache), 'debs'), KERNELS_PATH), sha256: deb.sha256 });
  const debs = [...headersDebs(apt.cache, kernel), pinned(pin.kbuild), ...(pin.compiler ?? []).map(pinned)];
  const stamp = join(root, `.${kernel.uname}.complete`);
  const expected = debs.map((d) => d.sha256).join('\n');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== expected) {
    for (const deb of debs) {
      apt.log(`unpack ${deb.path} into ${root}`);
      unpackInto(deb.path, root);
    }
    writeFileSync(stamp, expected);
  }
  const headersDir = join(root, 'usr', 'src', `linux-headers-${kernel.uname}`);
  const makefile = join(headersDir, 'Makefile');
  if (!existsSync(makefile)) throw new Error(`${makefile} is missing after unpacking ${kernel.label}'s headers packages`);
  const text = readFileSync(makefile, 'utf8');
  const rewritten = rewriteHeadersInclude(text, root);
  if (rewritten !== text) writeFileSync(makefile, rewritten);
  const cc = pin.compiler ? unpackedCompiler(root, kernelCompiler(headersDir)) : kernelCompiler(headersDir);
  if (!pin.compiler) ensureCompiler(cc, apt.log);
  return { label: kernel.label, uname: kernel.uname, headersDir, cc };
}
