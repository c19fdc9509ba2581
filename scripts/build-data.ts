// `npm run build:data`: generates the bundled database under data/ from the DepSurf dataset
// in ../shared/data/depsurf (see its README). Deterministic: the same input gives the same
// bytes, which lets a test detect a stale data/ folder.
//
//   node dist/build-data.js [--source <depsurf dir>] [--out <dir>]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundledDataDir, packageRoot, wasmLocation } from '../src/cli/paths';
import { formatDeclaration, typeWithoutName, type TypeNode } from '../src/core/ctype';
import { loadCParser } from '../src/core/parser';
import { parseStructDefinition, type ParsedDefinition, type ParsedMember } from './import/definitions';
import {
  SCHEMA_VERSION,
  type AggregateKind,
  type ConfigsFile,
  type ImageGroup,
  type KernelImage,
  type KernelsFile,
  type TypesFile,
} from '../src/core/schema';

export const DEFAULT_SOURCE = resolve(packageRoot, '..', 'shared', 'data', 'depsurf');

/** The image table of the dataset's README: `| label | image | group |`. */
function readImageTable(readme: string): { label: string; image: string; group: ImageGroup }[] {
  const rows: { label: string; image: string; group: ImageGroup }[] = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !/^\d+-?[\w.-]*-(amd64|arm64|armhf|ppc64el|riscv64)$/.test(cells[2])) continue;
    const group = cells[3].split(/\s/)[0];
    if (group !== 'version' && group !== 'arch' && group !== 'flavor') throw new Error(`unknown group in README row: ${line}`);
    rows.push({ label: cells[1], image: cells[2], group });
  }
  return rows;
}

function versionCode(release: string): number {
  const [a, b, c] = release.split('.').map((n) => parseInt(n, 10));
  return (a << 16) + (b << 8) + Math.min(c || 0, 255);
}

function parseConfig(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const set = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (set) values.set(set[1], set[2]);
    // `# CONFIG_X is not set` is the same as absent: off.
  }
  return values;
}

/** Collects strings, members and layouts once each, so the file holds every fact once. */
class Interner {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  readonly members: number[] = [];
  private readonly memberIds = new Map<string, number>();
  readonly layouts: number[][] = [];
  private readonly layoutIds = new Map<string, number>();
  readonly incompleteLayouts = new Set<number>();

  string(text: string): number {
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIds.set(text, id);
    }
    return id;
  }

  member(m: ParsedMember): number {
    const key = `${m.name}\u0000${m.declaration}\u0000${m.type}`;
    let id = this.memberIds.get(key);
    if (id === undefined) {
      id = this.members.length / 3;
      this.members.push(this.string(m.name), this.string(m.declaration), this.string(m.type));
      this.memberIds.set(key, id);
    }
    return id;
  }

  layout(definition: ParsedDefinition): number {
    const memberIds = definition.members.map((m) => this.member(m));
    const key = `${definition.incomplete ? 'i' : 'c'}${memberIds.join(',')}`;
    let id = this.layoutIds.get(key);
    if (id === undefined) {
      id = this.layouts.length;
      this.layouts.push(memberIds);
      this.layoutIds.set(key, id);
      if (definition.incomplete) this.incompleteLayouts.add(id);
    }
    return id;
  }
}

/** The Status part of a struct page: per label, absent or the C definition. */
export function readStatusSection(page: string): Map<string, string | null> {
  const status = new Map<string, string | null>();
  const statusPart = page.split('## Differences')[0];
  const entry = /In <code>([^<]+)<\/code>: (?:Absent|✅<\/summary>\s*```c\n([\s\S]*?)```)/g;
  for (let m = entry.exec(statusPart); m; m = entry.exec(statusPart)) {
    status.set(m[1], m[2] === undefined ? null : m[2].replace(/\n$/, ''));
  }
  return status;
}

function unionDefinition(members: { name: string; type: TypeNode }[]): ParsedDefinition {
  const definition: ParsedDefinition = { members: [], incomplete: false, fallbackLines: 0 };
  for (const m of members) {
    if (!m.name || m.name === '(anon)') {
      definition.incomplete = true;
      continue;
    }
    const declaration = formatDeclaration(m.type, m.name);
    const at = declaration.lastIndexOf(m.name);
    definition.members.push({ name: m.name, declaration, type: typeWithoutName(declaration, at, at + m.name.length) });
  }
  return definition;
}

function enumDefinition(values: { name: string; val: number | string }[]): ParsedDefinition {
  return {
    members: values.map((v) => ({ name: v.name, declaration: `${v.name} = ${v.val}`, type: String(v.val) })),
    incomplete: false,
    fallbackLines: 0,
  };
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const key of [...map.keys()].sort()) record[key] = map.get(key)!;
  return record;
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

/** Reads the dataset at `source` and writes the database files into `out`. */
export async function buildDatabase(source: string, out: string): Promise<BuildSummary> {
  const readme = readFileSync(join(source, '..', 'README.md'), 'utf8');
  const table = readImageTable(readme);
  if (table.length === 0) throw new Error(`no image table found in ${join(source, '..', 'README.md')}`);

  const configs = table.map((row) => parseConfig(readFileSync(join(source, 'config', `${row.image}.config`), 'utf8')));
  const images: KernelImage[] = table.map((row, i) => {
    const signature = configs[i].get('CONFIG_VERSION_SIGNATURE') ?? '';
    const release = /\s(\d+\.\d+\.\d+)"?$/.exec(signature)?.[1];
    if (!release) throw new Error(`${row.image}: CONFIG_VERSION_SIGNATURE has no upstream release: ${signature}`);
    const parts = row.image.split('-');
    return {
      label: row.label,
      image: row.image,
      group: row.group,
      arch: parts[parts.length - 1],
      flavor: parts[parts.length - 2],
      release,
      versionCode: versionCode(release),
    };
  });
  const labelIndex = new Map(images.map((image, i) => [image.label, i]));

  const { parser } = await loadCParser(wasmLocation());
  const interner = new Interner();
  const aggregates: Record<AggregateKind, Map<string, number[]>> = { struct: new Map(), union: new Map(), enum: new Map() };
  const parsedByText = new Map<string, number>();
  let fallbackLines = 0;

  const structRoot = join(source, 'struct');
  for (const letter of readdirSync(structRoot).sort()) {
    for (const file of readdirSync(join(structRoot, letter)).sort()) {
      if (!file.endsWith('.md')) continue;
      const name = file.slice(0, -3);
      const status = readStatusSection(readFileSync(join(structRoot, letter, file), 'utf8'));
      const perImage = images.map(() => -1);
      for (const [label, code] of status) {
        const index = labelIndex.get(label);
        if (index === undefined) throw new Error(`${file}: unknown image label ${label}`);
        if (code === null) continue;
        let layout = parsedByText.get(code);
        if (layout === undefined) {
          const definition = parseStructDefinition(parser, code);
          fallbackLines += definition.fallbackLines;
          layout = interner.layout(definition);
          parsedByText.set(code, layout);
        }
        perImage[index] = layout;
      }
      aggregates.struct.set(name, perImage);
    }
  }

  for (const [kind, folder] of [['union', 'union'], ['enum', 'enum']] as const) {
    images.forEach((image, index) => {
      const text = readFileSync(join(source, folder, `${image.image}.jsonl`), 'utf8');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const record = JSON.parse(line);
        if (!record.name || record.name === '(anon)') continue;
        const definition = kind === 'union' ? unionDefinition(record.members ?? []) : enumDefinition(record.values ?? []);
        let perImage = aggregates[kind].get(record.name);
        if (!perImage) aggregates[kind].set(record.name, (perImage = images.map(() => -1)));
        perImage[index] = interner.layout(definition);
      }
    });
  }

  const configValues: string[] = [];
  const configValueIds = new Map<string, number>();
  const symbols = new Map<string, number[]>();
  configs.forEach((config, index) => {
    for (const [symbol, value] of config) {
      let valueId = configValueIds.get(value);
      if (valueId === undefined) {
        valueId = configValues.length;
        configValues.push(value);
        configValueIds.set(value, valueId);
      }
      let perImage = symbols.get(symbol);
      if (!perImage) symbols.set(symbol, (perImage = images.map(() => -1)));
      perImage[index] = valueId;
    }
  });

  const kernelsFile: KernelsFile = {
    schema: SCHEMA_VERSION,
    source: 'DepSurf dataset (Zhong et al., EuroSys 2025): 25 Ubuntu kernel images, types from vmlinux BTF',
    images,
  };
  const typesFile: TypesFile = {
    schema: SCHEMA_VERSION,
    strings: interner.strings,
    members: interner.members,
    layouts: interner.layouts,
    incompleteLayouts: [...interner.incompleteLayouts].sort((a, b) => a - b),
    aggregates: {
      struct: sortedRecord(aggregates.struct),
      union: sortedRecord(aggregates.union),
      enum: sortedRecord(aggregates.enum),
    },
  };
  const configsFile: ConfigsFile = { schema: SCHEMA_VERSION, values: configValues, symbols: sortedRecord(symbols) };

  mkdirSync(out, { recursive: true });
  const outputs: Record<string, Buffer> = {
    'kernels.json': Buffer.from(JSON.stringify(kernelsFile, null, 2) + '\n'),
    'types.json.gz': gzipSync(JSON.stringify(typesFile), { level: 9 }),
    'configs.json.gz': gzipSync(JSON.stringify(configsFile), { level: 9 }),
  };
  const bytes: Record<string, number> = {};
  for (const [name, content] of Object.entries(outputs)) {
    writeFileSync(join(out, name), content);
    bytes[name] = content.length;
  }
  return {
    images: images.length,
    structs: aggregates.struct.size,
    unions: aggregates.union.size,
    enums: aggregates.enum.size,
    layouts: interner.layouts.length,
    members: interner.members.length / 3,
    fallbackLines,
    bytes,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const at = args.indexOf(name);
    return at >= 0 && args[at + 1] ? resolve(args[at + 1]) : fallback;
  };
  const source = option('--source', DEFAULT_SOURCE);
  const out = option('--out', bundledDataDir);
  if (!existsSync(join(source, 'struct'))) {
    console.error(`build-data: no DepSurf dataset at ${source} (expected struct/, union/, enum/, config/ there; pass --source)`);
    process.exit(2);
  }
  const started = Date.now();
  const summary = await buildDatabase(source, out);
  console.log(`build-data: wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify(summary, null, 2));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(`build-data: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  });
}
