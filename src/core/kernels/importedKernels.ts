// Kernels users import from BTF ("bring your own kernel"): building one from its files, and
// its persisted form, one `<label>.kernel.json.gz` per kernel. Bytes in, bytes out: the CLI
// and the extension read and write the files (through the small FileSystem interface below
// where a search is involved), so both share this unchanged.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ByteSource } from './btf/bytes';
import { DefinitionBuilder, type DefinitionMap } from './btf/definitions';
import { BtfError } from './btf/errors';
import { extractBtf } from './btf/input';
import { parseBtf, type Btf } from './btf/parse';
import { DatabaseError, type ImportedImage, type KernelDatabase, type Member } from './database';
import type { KernelImage } from './schema';

export const IMPORTED_KERNEL_SCHEMA = 1;
export const IMPORTED_KERNEL_SUFFIX = '.kernel.json.gz';
const FORMAT = 'kernel-compat imported kernel';

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

export interface ImportedKernel extends ImportedImage {
  /** What it was built from, for people: file names, the config's. */
  sources: string[];
}

export interface ImportSummary {
  kernel: ImportedKernel;
  structs: number;
  unions: number;
  enums: number;
  modules: number;
  /** Modules whose BTF could not be read, with why: left out, the rest imported. */
  skippedModules: string[];
  /** Where the release came from. */
  releaseFrom: 'option' | 'CONFIG_VERSION_SIGNATURE' | 'config header' | 'file name';
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

interface ReleaseChoice {
  release: string;
  from: ImportSummary['releaseFrom'];
}

function chooseRelease(request: ImportRequest, config: Map<string, string> | undefined, text: string | undefined): ReleaseChoice {
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
function chooseArch(config: Map<string, string> | undefined, hints: string[]): string {
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
// Building

async function readBtf(file: KernelFile, base: Btf | undefined): Promise<Btf> {
  const extracted = await extractBtf(file.source, file.name);
  // A module built against a distilled base (.BTF.base) is split on top of that, not vmlinux.
  const distilled = extracted.distilledBase ? parseBtf(extracted.distilledBase, { source: `${file.name} (.BTF.base)` }) : undefined;
  return parseBtf(extracted.btf, { base: distilled ?? base, source: file.name });
}

/** Builds an imported kernel from its BTF files and config. Throws BtfError or ImportedKernelError. */
export async function importKernel(request: ImportRequest): Promise<ImportSummary> {
  const problem = labelProblem(request.label);
  if (problem) throw new ImportedKernelError(problem);
  const text = request.config ? configText(request.config.name, request.config.bytes) : undefined;
  const config = text !== undefined ? parseKernelConfig(text) : undefined;
  const { release, from } = chooseRelease(request, config, text);
  const hints = [request.kernel.name, ...(request.nameHints ?? []), ...(request.modules ?? []).map((m) => m.name)];

  const vmlinux = await readBtf(request.kernel, undefined);
  const definitions: DefinitionMap = new Map();
  new DefinitionBuilder(vmlinux).addTo(definitions);
  // One unreadable module (built for another kernel, or damaged) must not cost the whole
  // kernel: it is left out and named, and its types stay absent, as for a module not imported.
  const skippedModules: string[] = [];
  const readModules: KernelFile[] = [];
  for (const module of request.modules ?? []) {
    try {
      const moduleDefinitions = new DefinitionBuilder(await readBtf(module, vmlinux)).addTo(new Map());
      for (const [key, definition] of moduleDefinitions) if (!definitions.has(key)) definitions.set(key, definition);
      readModules.push(module);
    } catch (error) {
      if (!(error instanceof BtfError)) throw error;
      skippedModules.push(error.message);
    }
  }

  const image: KernelImage = {
    label: request.label,
    image: request.image ?? [request.kernel.name, ...(request.nameHints ?? [])].map(imageNameFromFile).find((name) => releaseFromName(name)) ?? request.label,
    group: 'imported',
    arch: chooseArch(config, hints),
    flavor: 'imported',
    release,
    versionCode: versionCode(release),
  };
  const kernel: ImportedKernel = {
    image,
    definitions,
    config,
    sources: [request.kernel.name, ...readModules.map((m) => m.name), ...(request.config ? [request.config.name] : [])],
  };
  const counts = { struct: 0, union: 0, enum: 0 };
  for (const key of definitions.keys()) counts[key.slice(0, key.indexOf(' ')) as keyof typeof counts]++;
  return { kernel, structs: counts.struct, unions: counts.union, enums: counts.enum, modules: readModules.length, skippedModules, releaseFrom: from };
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

// ---------------------------------------------------------------------------------------
// The persisted form

interface StoredDefinition {
  /** [name, declaration, type] per member, in declaration order. */
  members: [string, string, string][];
  incomplete?: true;
}

interface StoredKernel {
  schema: number;
  format: string;
  image: KernelImage;
  sources: string[];
  /** CONFIG_ values, or null when the kernel's config is not known. */
  config: Record<string, string> | null;
  /** 'struct list_head' → definition. */
  definitions: Record<string, StoredDefinition>;
}

/** The bytes of `<label>.kernel.json.gz`. Deterministic: the same kernel gives the same bytes. */
export function serializeImportedKernel(kernel: ImportedKernel): Uint8Array {
  const definitions: Record<string, StoredDefinition> = {};
  for (const key of [...kernel.definitions.keys()].sort()) {
    const definition = kernel.definitions.get(key)!;
    definitions[key] = {
      members: definition.members.map((m) => [m.name, m.declaration, m.type]),
      ...(definition.incomplete ? { incomplete: true as const } : {}),
    };
  }
  const config = kernel.config ? Object.fromEntries([...kernel.config.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : null;
  const stored: StoredKernel = { schema: IMPORTED_KERNEL_SCHEMA, format: FORMAT, image: kernel.image, sources: kernel.sources, config, definitions };
  return gzipSync(JSON.stringify(stored), { level: 9 });
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `<label>.kernel.json.gz`, checking every field: a corrupt file is an ImportedKernelError, never a crash. */
export function deserializeImportedKernel(bytes: Uint8Array, fileName: string): ImportedKernel {
  const corrupt = (why: string) => new ImportedKernelError(`the imported kernel ${fileName} is unreadable (${why}); import it again`);
  let stored: unknown;
  try {
    stored = JSON.parse(Buffer.from(gunzipSync(bytes, { maxOutputLength: 1 << 30 })).toString('utf8'));
  } catch (error) {
    throw corrupt((error as Error).message);
  }
  if (!isRecord(stored) || stored.format !== FORMAT) throw corrupt('not an imported kernel file');
  if (stored.schema !== IMPORTED_KERNEL_SCHEMA) {
    throw new ImportedKernelError(`the imported kernel ${fileName} has schema ${String(stored.schema)}, this version reads schema ${IMPORTED_KERNEL_SCHEMA}; import it again`);
  }
  const image = stored.image;
  if (
    !isRecord(image) ||
    !isString(image.label) ||
    !isString(image.image) ||
    image.group !== 'imported' ||
    !isString(image.arch) ||
    !isString(image.flavor) ||
    !isString(image.release) ||
    typeof image.versionCode !== 'number' ||
    !Number.isInteger(image.versionCode)
  ) {
    throw corrupt('its image record is malformed');
  }
  const labelIssue = labelProblem(image.label);
  if (labelIssue) throw corrupt(labelIssue);
  if (!Array.isArray(stored.sources) || !stored.sources.every(isString)) throw corrupt('its sources are malformed');
  let config: Map<string, string> | undefined;
  if (stored.config !== null) {
    if (!isRecord(stored.config)) throw corrupt('its config is malformed');
    config = new Map();
    for (const [symbol, value] of Object.entries(stored.config)) {
      if (!isString(value)) throw corrupt(`config value ${symbol} is not text`);
      config.set(symbol, value);
    }
  }
  if (!isRecord(stored.definitions)) throw corrupt('its definitions are malformed');
  const definitions: DefinitionMap = new Map();
  for (const [key, value] of Object.entries(stored.definitions)) {
    if (!/^(struct|union|enum) \S+$/.test(key)) throw corrupt(`'${key.slice(0, 80)}' is not a struct, union or enum name`);
    if (!isRecord(value) || !Array.isArray(value.members)) throw corrupt(`${key} is malformed`);
    const members: Member[] = [];
    for (const member of value.members) {
      if (!Array.isArray(member) || member.length !== 3 || !member.every(isString)) throw corrupt(`a member of ${key} is malformed`);
      members.push({ name: member[0], declaration: member[1], type: member[2] });
    }
    definitions.set(key, { members, incomplete: value.incomplete === true });
  }
  return {
    image: { label: image.label, image: image.image, group: 'imported', arch: image.arch, flavor: image.flavor, release: image.release, versionCode: image.versionCode },
    definitions,
    config,
    sources: stored.sources,
  };
}

/**
 * Adds the imported kernels among `files` (name → bytes reader) to `db`, in name order.
 * A file that cannot be read or clashes with a known label is skipped and reported, so one
 * bad file never hides the others.
 */
export function addImportedKernels(db: KernelDatabase, files: { name: string; read: () => Uint8Array }[]): { added: string[]; problems: string[] } {
  const added: string[] = [];
  const problems: string[] = [];
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!file.name.endsWith(IMPORTED_KERNEL_SUFFIX)) continue;
    try {
      const kernel = deserializeImportedKernel(file.read(), file.name);
      db.addImage(kernel);
      added.push(kernel.image.label);
    } catch (error) {
      if (error instanceof DatabaseError || error instanceof BtfError) problems.push(error.message);
      else problems.push(`${file.name}: ${(error as Error).message}`);
    }
  }
  return { added, problems };
}
