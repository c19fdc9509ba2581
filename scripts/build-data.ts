// `npm run build:data`: generates the bundled database under data/ from two sources:
// - the DepSurf dataset in ../shared/data/depsurf (25 Ubuntu images, vmlinux BTF);
// - Debian's kernel packages pinned in scripts/debian/manifest.json (vmlinux and module
//   BTF, configs, headers), downloaded into a cache outside the repository.
// Deterministic: the same inputs give the same bytes, which lets a test detect a stale data/.
//
//   node dist/build-data.js [--source <depsurf dir>] [--out <dir>] [--cache <dir>]
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledDataDir, packageRoot, wasmLocation } from '../src/cli/paths';
import { loadCParser, type CParser } from '../src/core/c/parser';
import type { KernelImage } from '../src/core/kernels/schema';
import { readDebianKernel } from './debian/kernel';
import { cacheRoot, fetchPinnedPackages, PinError, readManifest, type Manifest } from './debian/packages';
import { DEBIAN_SOURCE_NOTE, debianImage, importDebianTypes } from './import/debian';
import { scanKernelHeaders, spelledWords, X86_SEARCH_FOLDERS, type HeaderFacts } from './import/headerFacts';
import { headersFile, headersFileBytes, typedefsFile, typedefsLacking } from './import/headers';
import { importUbuntuTypes, readUbuntuImages, UBUNTU_SOURCE_NOTE } from './import/ubuntu';
import { droppedGlobalFunctions } from './import/olderFunctions';
import { olderStructTags, olderTypedefNames } from './import/olderTypedefs';
import { DatabaseWriter } from './import/writer';

export { readStatusSection } from './import/ubuntu';

export const DEFAULT_SOURCE = resolve(packageRoot, '..', 'shared', 'data', 'depsurf');
/**
 * Enough shards that one holds about 80 names (0.3 MB once parsed): a check reads the shards of
 * the structs it meets, and a file meets dozens, nearly all in shards of their own, so the
 * first check of a file costs about what its names do, not what the database holds.
 */
export const SHARDS = 1024;

export interface BuildOptions {
  /** The DepSurf dataset folder. */
  source: string;
  out: string;
  /** The Debian manifest and the cache its packages are in (fetched when missing). */
  manifest: Manifest;
  cache: string;
  log?: (line: string) => void;
}

export interface BuildSummary {
  images: number;
  structs: number;
  unions: number;
  enums: number;
  layouts: number;
  members: number;
  fallbackLines: number;
  bytes: Record<string, number>;
}

/**
 * Version images of both distributions in version order (Ubuntu first on a tie), then the
 * Ubuntu arch and flavor images in the dataset's order.
 */
export function orderImages(ubuntu: readonly KernelImage[], debian: readonly KernelImage[]): KernelImage[] {
  const versions = [...ubuntu.filter((i) => i.group === 'version'), ...debian].sort((a, b) => a.versionCode - b.versionCode);
  return [...versions, ...ubuntu.filter((i) => i.group !== 'version')];
}

export async function buildDatabase(options: BuildOptions): Promise<BuildSummary> {
  const log = options.log ?? (() => {});
  const ubuntu = readUbuntuImages(options.source);
  fetchPinnedPackages(options.manifest, options.cache, log);
  // Whether a kernel's modules carry BTF is only known once they are read; reading all five
  // kernels first would hold them all in memory, so the image records are fixed afterwards.
  const debianImages = options.manifest.kernels.map((pinned) => debianImage(pinned, true));
  const images = orderImages(ubuntu.images, debianImages);
  const indexOf = (label: string) => images.findIndex((image) => image.label === label);
  const writer = new DatabaseWriter(images, SHARDS);
  const parser: CParser = await loadCParser(wasmLocation());

  log('Ubuntu images (DepSurf)');
  const fallbackLines = importUbuntuTypes(options.source, ubuntu.images, parser.parser, writer, indexOf);
  ubuntu.images.forEach((image, i) => writer.config(indexOf(image.label), ubuntu.configs[i]));

  // Watched for in every kernel's headers: those none spells are functions a driver can no longer call.
  const olderFunctions = droppedGlobalFunctions(options.source, ubuntu.images);
  // And the typedefs their functions were declared with: those none spells are types a driver can no longer name.
  const olderTypedefs = olderTypedefNames(options.source, ubuntu.images);
  // And the struct tags their global functions named: those no kernel defines are structs a driver can no longer use whole.
  const olderStructs = olderStructTags(options.source, ubuntu.images);
  const watched = new Set([...olderFunctions, ...olderTypedefs, ...olderStructs]);
  const headerImages: number[] = [];
  const facts: HeaderFacts[] = [];
  const factRoots: string[][] = [];
  const typedefImages: number[] = [];
  const functionTypedefs: Map<string, { pointer: string; isPointer: boolean }>[] = [];
  for (const pinned of options.manifest.kernels) {
    log(`Debian ${pinned.label}: kernel and modules`);
    const kernel = await readDebianKernel(options.cache, pinned);
    log(`Debian ${pinned.label}: ${kernel.modules} modules with BTF, ${kernel.modulesWithoutBtf} without, ${kernel.definitions.size} names; headers`);
    if (kernel.modules === 0) images[indexOf(pinned.label)] = debianImage(pinned, false);
    const environment = { versionCode: images[indexOf(pinned.label)].versionCode, config: (symbol: string) => kernel.config.get(symbol) };
    const kernelFacts = kernel.headerRoots.length > 0 ? await scanKernelHeaders(kernel.headerRoots, parser, X86_SEARCH_FOLDERS, environment, watched) : undefined;
    const publicNames = kernelFacts ? new Set(Object.keys(kernelFacts.definitions)) : undefined;
    importDebianTypes(kernel, indexOf(pinned.label), writer, publicNames);
    typedefImages.push(indexOf(pinned.label));
    functionTypedefs.push(kernel.functionTypedefs);
    if (kernelFacts) {
      headerImages.push(indexOf(pinned.label));
      facts.push(kernelFacts);
      factRoots.push(kernel.headerRoots);
    }
  }

  const defined = new Set(facts.flatMap((fact) => Object.keys(fact.definitions)));
  if (facts.length > 0) writer.markUnheadered((key) => defined.has(key));
  log('Debian headers: typedefs some kernels lack');
  const unsureTypedefs = new Set(typedefsLacking(facts).flatMap((lacking, i) => [...spelledWords(factRoots[i], lacking)]));
  const headers = headersFile(headerImages, facts, { olderFunctions, olderTypedefs, olderStructs, unsureTypedefs });
  const bytes = writer.write(options.out, `${UBUNTU_SOURCE_NOTE}; ${DEBIAN_SOURCE_NOTE}`, {
    'headers.json.gz': headersFileBytes(headers.file),
    'header-names.json.gz': headersFileBytes(headers.names),
    'typedefs.json.gz': headersFileBytes(typedefsFile(typedefImages, functionTypedefs)),
    'spelled-words.json.gz': headersFileBytes(headers.words),
    'member-aliases.json': Buffer.from(JSON.stringify(headers.aliases, null, 1) + '\n'),
  });
  return { images: images.length, ...writer.counts(), fallbackLines, bytes };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const at = args.indexOf(name);
    return at >= 0 && args[at + 1] ? resolve(args[at + 1]) : fallback;
  };
  const source = option('--source', DEFAULT_SOURCE);
  const out = option('--out', bundledDataDir);
  const cache = option('--cache', cacheRoot());
  if (!existsSync(join(source, 'struct'))) {
    console.error(`build-data: no DepSurf dataset at ${source} (expected struct/, union/, enum/, config/ there; pass --source)`);
    process.exit(2);
  }
  const started = Date.now();
  const summary = await buildDatabase({ source, out, cache, manifest: readManifest(), log: (line) => console.log(`build-data: ${line}`) });
  console.log(`build-data: wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(summary, null, 2));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`build-data: ${error instanceof PinError ? error.message : error instanceof Error ? error.stack : error}`);
    process.exit(1);
  });
}
