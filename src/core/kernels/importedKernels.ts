// Kernels users import from BTF ("bring your own kernel"): building one from its files, and
// its persisted form, one `<label>.kernel.json.gz` per kernel. Bytes in, bytes out: the CLI
// and the extension read and write the files (through the small FileSystem interface of
// importRequests.ts where a search is involved), so both share this unchanged.
import { gunzipSync, gzipSync } from 'node:zlib';
import { DefinitionBuilder, type DefinitionMap } from './btf/definitions';
import { BtfError } from './btf/errors';
import { extractBtf } from './btf/input';
import { parseBtf, type Btf } from './btf/parse';
import { DatabaseError, type ImportedImage, type KernelDatabase, type Member } from './database';
import type { KernelImage } from './schema';
import {
  chooseArch,
  chooseRelease,
  configText,
  imageNameFromFile,
  IMPORTED_KERNEL_SUFFIX,
  ImportedKernelError,
  labelProblem,
  parseKernelConfig,
  releaseFromName,
  versionCode,
  type ImportRequest,
  type KernelFile,
  type ReleaseSource,
} from './importRequests';

export * from './importRequests';

export const IMPORTED_KERNEL_SCHEMA = 1;
const FORMAT = 'kernel-compat imported kernel';

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
  releaseFrom: ReleaseSource;
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
