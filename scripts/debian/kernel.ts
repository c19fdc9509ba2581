// Reads one unpacked Debian kernel: its config, the BTF of its vmlinux (from the bzImage) and
// of every module, each definition kept with where it comes from. Same-named structs of
// different modules (e1000's and dlm's private ones) all stay: choosing the one that
// is "the kernel's" needs the headers, and happens when the database is written.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DefinitionBuilder, type AggregateDefinition } from '../../src/core/kernels/btf/definitions';
import { bzImagePayload, extractBtf, isBzImage } from '../../src/core/kernels/btf/input';
import { bytesSource } from '../../src/core/kernels/btf/bytes';
import { BtfError } from '../../src/core/kernels/btf/errors';
import { parseBtf, type Btf } from '../../src/core/kernels/btf/parse';
import { parseKernelConfig } from '../../src/core/kernels/importedKernels';
import { unpackedDir, type PinnedKernel } from './packages';

/** One layout of an aggregate, and the modules that carry it ('' for vmlinux), in reading order. */
export interface SourcedDefinition {
  origins: string[];
  definition: AggregateDefinition;
}

export interface DebianKernel {
  pinned: PinnedKernel;
  config: Map<string, string>;
  /**
   * 'struct channel' → each distinct layout the kernel's BTF holds under that name, in the
   * order first seen (vmlinux first, modules in path order). A public struct of a module is
   * copied into every module that uses it (split BTF dedups against vmlinux only), so its
   * layout has many origins; a private one has few.
   */
  definitions: Map<string, SourcedDefinition[]>;
  /** Typedefs of function types (`proc_handler`, `irq_handler_t`), as member function-pointer types; vmlinux's first. */
  functionTypedefs: Map<string, { pointer: string; isPointer: boolean }>;
  /** Modules whose BTF was read. */
  modules: number;
  /** Modules built without BTF (all of them on 5.10): their types are unknown. */
  modulesWithoutBtf: number;
  /** Folders that together form the kernel's headers tree (common, then arch). */
  headerRoots: string[];
}

const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];

function findFiles(root: string, accept: (path: string) => boolean, found: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return found;
  }
  for (const entry of entries.sort()) {
    const path = join(root, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) findFiles(path, accept, found);
    else if (stat?.isFile() && accept(path)) found.push(path);
  }
  return found;
}

function packageDir(cache: string, kernel: PinnedKernel, ...roles: string[]): string[] {
  return kernel.packages.filter((pkg) => roles.includes(pkg.role)).map((pkg) => unpackedDir(cache, pkg));
}

/**
 * The vmlinux BTF inside a bzImage. A zstd payload is read by the project's own reader; an
 * xz payload uses the x86 BCJ filter, which the WASM xz decoder lacks, so it goes through the
 * system's `xz` (xz-utils, on every Debian machine) here, where tools may be used.
 */
async function vmlinuxBtf(path: string): Promise<Btf> {
  const bytes = readFileSync(path);
  let elf: Uint8Array = bytes;
  if (isBzImage(bytes.subarray(0, 0x250))) {
    const payload = bzImagePayload(bytesSource(bytes), bytes.subarray(0, 0x250), path);
    if (XZ_MAGIC.every((b, i) => payload[i] === b)) elf = execFileSync('xz', ['-dc'], { input: payload, maxBuffer: 1 << 30 });
  }
  const extracted = await extractBtf(elf, path);
  return parseBtf(extracted.btf, { source: path });
}

/** Module name from its path: drivers/vfio/vfio.ko.xz → vfio. */
export function moduleName(path: string): string {
  return (path.split('/').pop() ?? path).replace(/\.ko(\.(xz|zst|gz))?$/, '');
}

export async function readDebianKernel(cache: string, pinned: PinnedKernel): Promise<DebianKernel> {
  const kernelDirs = packageDir(cache, pinned, 'image', 'kernel');
  const configDirs = packageDir(cache, pinned, 'image', 'base');
  const moduleDirs = packageDir(cache, pinned, 'image', 'modules');
  const vmlinuz = kernelDirs.flatMap((dir) => findFiles(dir, (p) => /\/(vmlinuz(-[^/]*)?)$/.test(p)))[0];
  const configPath = configDirs.flatMap((dir) => findFiles(dir, (p) => /\/boot\/config-[^/]+$|\/modules\/[^/]+\/config$/.test(p)))[0];
  if (!vmlinuz) throw new Error(`${pinned.label}: no vmlinuz in ${kernelDirs.join(', ')}`);
  if (!configPath) throw new Error(`${pinned.label}: no kernel config in ${configDirs.join(', ')}`);

  const vmlinux = await vmlinuxBtf(vmlinuz);
  const definitions = new Map<string, SourcedDefinition[]>();
  const bySignature = new Map<string, SourcedDefinition>();
  const add = (origin: string, found: { key: string; definition: AggregateDefinition }[]) => {
    for (const { key, definition } of found) {
      const signature = `${key}\u0000${definition.incomplete ? 1 : 0}\u0000${definition.members.map((m) => `${m.name}\u0001${m.declaration}`).join('\u0000')}`;
      const known = bySignature.get(signature);
      if (known) {
        if (known.origins[known.origins.length - 1] !== origin) known.origins.push(origin);
        continue;
      }
      const sourced = { origins: [origin], definition };
      bySignature.set(signature, sourced);
      let list = definitions.get(key);
      if (!list) definitions.set(key, (list = []));
      list.push(sourced);
    }
  };
  const vmlinuxBuilder = new DefinitionBuilder(vmlinux);
  add('', vmlinuxBuilder.all());
  const functionTypedefs = vmlinuxBuilder.functionTypedefs();

  // Debian's 5.10 builds modules without BTF (CONFIG_DEBUG_INFO_BTF_MODULES came with 5.11):
  // such a kernel is known from its vmlinux only, as the Ubuntu images are.
  let modules = 0;
  const withoutBtf: string[] = [];
  for (const dir of moduleDirs) {
    const files = findFiles(dir, (p) => /\/kernel\/.*\.ko(\.(xz|zst|gz))?$/.test(p)).sort((a, b) => modulePathOrder(a, b));
    for (const file of files) {
      const name = relative(dir, file);
      let extracted;
      try {
        extracted = await extractBtf(readFileSync(file), name);
      } catch (error) {
        if (error instanceof BtfError && /no \.BTF section/.test(error.message)) {
          withoutBtf.push(name);
          continue;
        }
        throw error;
      }
      const builder = new DefinitionBuilder(parseBtf(extracted.btf, { base: vmlinux, source: name }));
      add(moduleName(file), builder.all());
      for (const [typedef, type] of builder.functionTypedefs()) if (!functionTypedefs.has(typedef)) functionTypedefs.set(typedef, type);
      modules++;
    }
  }
  return {
    pinned,
    config: parseKernelConfig(readFileSync(configPath, 'utf8')),
    definitions,
    functionTypedefs,
    modules,
    modulesWithoutBtf: withoutBtf.length,
    headerRoots: headerRoots(cache, pinned),
  };
}

/** Shallower module paths first (drivers/vfio/vfio.ko before drivers/vfio/pci/…), then by name. */
function modulePathOrder(a: string, b: string): number {
  const depth = (p: string) => p.split('/').length;
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function headerRoots(cache: string, pinned: PinnedKernel): string[] {
  return ['headers-common', 'headers-arch'].flatMap((role) =>
    packageDir(cache, pinned, role).flatMap((dir) => {
      const src = join(dir, 'usr', 'src');
      return existsSync(src) ? readdirSync(src).sort().map((name) => join(src, name)) : [];
    }),
  );
}
