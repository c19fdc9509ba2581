// An import request for a kernel of the user's ("bring your own kernel") before any BTF is
// read: its files, labels, releases, configs, the running kernel's files. Apart from the
// building (importedKernels.ts, which re-exports all of this) so that the editor's side can
// gather a request without the BTF readers and their decompressors in its bundle.
import { gunzipSync } from 'node:zlib';
import type { ByteSource } from './btf/bytes';
import { DatabaseError } from './database';

export const IMPORTED_KERNEL_SUFFIX = '.kernel.json.gz';

/** A problem with an imported kernel file or an import request; the CLI exits 2 on it. */
export class ImportedKernelError extends DatabaseError {}

export interface KernelFile {
  /** Shown in messages and recorded as the kernel's source: a path or a file name. */
  name: string;
  source: ByteSource | Uint8Array;
}

export interface ImportRequest {
  label: string;
  /** vmlinux: raw BTF, an ELF vmlinux, or a btfhub-archive .btf.tar.xz. */
  kernel: KernelFile;
  /** Modules' BTF, split on top of `kernel`: /sys/kernel/btf/<module> or .ko files. */
  modules?: KernelFile[];
  /** The kernel's .config, plain or gzip'd (/proc/config.gz). */
  config?: { name: string; bytes: Uint8Array };
  /** Upstream release given by the user ('5.14.0'); wins over anything inferred. */
  release?: string;
  /** Texts that may hold the release and arch: file names, `uname -r`. */
  nameHints?: string[];
  /** Full image name to record ('5.14.0-362.8.1.el9_3.x86_64'); defaults to a hint or the label. */
  image?: string;
}

// ---------------------------------------------------------------------------------------
// Labels, releases, configs

const GROUP_WORDS = new Set(['all', 'versions', 'arch', 'flavor', 'imported', 'ubuntu', 'debian']);

/** Why `label` cannot name an imported kernel, or undefined when it can. */
export function labelProblem(label: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(label)) return `'${label}' is not a usable label: use 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit`;
  if (GROUP_WORDS.has(label)) return `'${label}' is a word of the targets syntax; choose another label`;
  if (/^[\d.]+\.\.[\d.]+$/.test(label)) return `'${label}' reads as a range of versions; choose another label`;
  return undefined;
}

export function importedKernelFileName(label: string): string {
  const problem = labelProblem(label);
  if (problem) throw new ImportedKernelError(problem);
  return `${label}${IMPORTED_KERNEL_SUFFIX}`;
}

/** `CONFIG_X=value` lines; `# CONFIG_X is not set` is the same as absent: off. */
export function parseKernelConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trimEnd());
    if (set) values.set(set[1], set[2]);
  }
  return values;
}

/** Config text from plain or gzip'd bytes (/proc/config.gz). */
export function configText(name: string, bytes: Uint8Array): string {
  let raw = bytes;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: 64 << 20 });
    } catch (error) {
      throw new ImportedKernelError(`${name}: not a readable gzip'd kernel config (${(error as Error).message})`);
    }
  }
  const text = Buffer.from(raw).toString('utf8');
  if (!/^CONFIG_[A-Za-z0-9_]+=/m.test(text) && !/^# CONFIG_[A-Za-z0-9_]+ is not set/m.test(text)) {
    throw new ImportedKernelError(`${name}: not a kernel config (no CONFIG_ lines)`);
  }
  return text;
}

export function versionCode(release: string): number {
  const [major, minor, sublevel] = release.split('.').map((n) => parseInt(n, 10));
  return (major << 16) + (minor << 8) + Math.min(sublevel || 0, 255);
}

/** '6.8' or '6.8.12' or '6.8.12-foo' as 'x.y.z', or undefined when it does not start with a version. */
export function normalizeRelease(text: string): string | undefined {
  const match = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,5}))?(?!\d)/.exec(text.trim());
  if (!match) return undefined;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < 2 || minor > 255) return undefined;
  return `${major}.${minor}.${match[3] ?? '0'}`;
}

/** The first `x.y.z` in a file name or `uname -r` that stands apart ('5.14.0-362.8.1.el9_3.x86_64' → 5.14.0). */
export function releaseFromName(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? name;
  const match = /(?:^|[^\d.])(\d{1,2}\.\d{1,3}\.\d{1,5})(?=$|[^\d])/.exec(base);
  return match ? normalizeRelease(match[1]) : undefined;
}

/** Where an imported kernel's release came from. */
export type ReleaseSource = 'option' | 'CONFIG_VERSION_SIGNATURE' | 'config header' | 'file name';

interface ReleaseChoice {
  release: string;
  from: ReleaseSource;
}

/** The release of the kernel `request` imports: given, or read from its config, or from its file names. */
export function chooseRelease(request: ImportRequest, config: Map<string, string> | undefined, text: string | undefined): ReleaseChoice {
  if (request.release !== undefined) {
    const release = normalizeRelease(request.release);
    if (!release) throw new ImportedKernelError(`--release '${request.release}' is not a kernel version like 5.14.0`);
    return { release, from: 'option' };
  }
  const signature = config?.get('CONFIG_VERSION_SIGNATURE');
  const signed = signature ? /\s(\d+\.\d+\.\d+)"?$/.exec(signature)?.[1] : undefined;
  if (signed) return { release: signed, from: 'CONFIG_VERSION_SIGNATURE' };
  // Every .config kconfig writes starts `# Linux/x86 6.8.1 Kernel Configuration`.
  const header = text ? /^# Linux\/\S+ (\d+\.\d+\.\d+)\S* Kernel Configuration$/m.exec(text)?.[1] : undefined;
  if (header) return { release: header, from: 'config header' };
  for (const hint of [request.kernel.name, ...(request.nameHints ?? [])]) {
    const named = releaseFromName(hint);
    if (named) return { release: named, from: 'file name' };
  }
  throw new ImportedKernelError(
    `cannot tell which Linux release ${request.kernel.name} is: its config is ${config ? 'silent about it' : 'not known'} and its name holds no version; give it, e.g. --release 5.14.0`,
  );
}

/** The release `importKernel` would give `request`, or undefined when it would ask for --release. */
export function inferRelease(request: ImportRequest): string | undefined {
  const text = request.config ? configText(request.config.name, request.config.bytes) : undefined;
  try {
    return chooseRelease(request, text !== undefined ? parseKernelConfig(text) : undefined, text).release;
  } catch (error) {
    if (error instanceof ImportedKernelError) return undefined;
    throw error;
  }
}

const ARCH_BY_CONFIG: [string, string, string?][] = [
  ['CONFIG_X86_64', 'amd64'],
  ['CONFIG_X86_32', 'i386'],
  ['CONFIG_ARM64', 'arm64'],
  ['CONFIG_ARM', 'armhf'],
  ['CONFIG_PPC64', 'ppc64el', 'CONFIG_CPU_LITTLE_ENDIAN'],
  ['CONFIG_PPC64', 'ppc64'],
  ['CONFIG_RISCV', 'riscv64'],
  ['CONFIG_S390', 's390x'],
  ['CONFIG_LOONGARCH', 'loong64'],
];
const ARCH_BY_NAME: [RegExp, string][] = [
  [/x86_64|amd64/, 'amd64'],
  [/aarch64|arm64/, 'arm64'],
  [/ppc64le|ppc64el/, 'ppc64el'],
  [/s390x/, 's390x'],
  [/riscv64/, 'riscv64'],
  [/i[3-6]86/, 'i386'],
];

/** Debian-style arch names, as the bundled images use. */
export function chooseArch(config: Map<string, string> | undefined, hints: string[]): string {
  if (config) {
    for (const [symbol, arch, also] of ARCH_BY_CONFIG) if (config.get(symbol) === 'y' && (!also || config.get(also) === 'y')) return arch;
  }
  for (const hint of hints) for (const [pattern, arch] of ARCH_BY_NAME) if (pattern.test(hint)) return arch;
  return 'unknown';
}

/** A file name without folders and the extensions BTF files come with: the image name it suggests. */
export function imageNameFromFile(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name).replace(/(\.btf)?(\.tar)?(\.(xz|gz))?$/, '').replace(/\.ko$/, '');
}

// ---------------------------------------------------------------------------------------
// The running kernel

/** What the importer needs to read from a machine's file system. */
export interface FileSystem {
  /** The file's bytes, or undefined when it does not exist or cannot be read. */
  read(path: string): Uint8Array | undefined;
  /** Names in a folder, or [] when it does not exist. */
  list(path: string): string[];
}

export const RUNNING_KERNEL_BTF_DIR = '/sys/kernel/btf';

/** Where a kernel's config may be: the running kernel's own, then the one installed with it. */
export function configCandidates(release: string | undefined, running: boolean): string[] {
  return [...(running ? ['/proc/config.gz'] : []), ...(release ? [`/boot/config-${release}`] : [])];
}

/** The first config found among `candidates`. */
export function findConfig(fs: FileSystem, candidates: string[]): { name: string; bytes: Uint8Array } | undefined {
  for (const name of candidates) {
    const bytes = fs.read(name);
    if (bytes && bytes.length > 0) return { name, bytes };
  }
  return undefined;
}

/**
 * The import request for the kernel this machine runs: /sys/kernel/btf/vmlinux, the split
 * BTF of every loaded module beside it, and its config. `uname` is `uname -r`.
 */
export function runningKernelRequest(fs: FileSystem, uname: string, label: string): ImportRequest {
  const vmlinuxPath = `${RUNNING_KERNEL_BTF_DIR}/vmlinux`;
  const vmlinux = fs.read(vmlinuxPath);
  if (!vmlinux) throw new ImportedKernelError(`${vmlinuxPath} is not readable: this kernel was built without CONFIG_DEBUG_INFO_BTF, or this is not Linux`);
  const modules = fs
    .list(RUNNING_KERNEL_BTF_DIR)
    .filter((name) => name !== 'vmlinux')
    .sort()
    .flatMap((name) => {
      const bytes = fs.read(`${RUNNING_KERNEL_BTF_DIR}/${name}`);
      return bytes ? [{ name: `${RUNNING_KERNEL_BTF_DIR}/${name}`, source: bytes }] : [];
    });
  return {
    label,
    kernel: { name: vmlinuxPath, source: vmlinux },
    modules,
    config: findConfig(fs, configCandidates(uname, true)),
    nameHints: [uname],
    image: uname,
  };
}
