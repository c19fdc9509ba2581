// The Ubuntu images of the DepSurf dataset (../shared/data/depsurf): the image table of its
// README, each image's config, and its structs (C pages), unions and enums (JSON lines).
// Types come from each image's vmlinux BTF only.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import { formatDeclaration, typeWithoutName, type TypeNode } from '../../src/core/c/ctype';
import { parseKernelConfig, versionCode } from '../../src/core/kernels/importedKernels';
import type { ImageGroup, KernelImage } from '../../src/core/kernels/schema';
import { parseStructDefinition, type ParsedDefinition } from './definitions';
import type { DatabaseWriter } from './writer';

export const UBUNTU_SOURCE_NOTE = 'DepSurf dataset (Zhong et al., EuroSys 2025): 25 Ubuntu kernel images, types from vmlinux BTF';

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

export interface UbuntuImages {
  images: KernelImage[];
  configs: Map<string, string>[];
}

/** The images and their configs; types are read later by `importUbuntuTypes`. */
export function readUbuntuImages(source: string): UbuntuImages {
  const readmePath = join(source, '..', 'README.md');
  const table = readImageTable(readFileSync(readmePath, 'utf8'));
  if (table.length === 0) throw new Error(`no image table found in ${readmePath}`);
  const configs = table.map((row) => parseKernelConfig(readFileSync(join(source, 'config', `${row.image}.config`), 'utf8')));
  const images = table.map((row, i): KernelImage => {
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
      distribution: 'ubuntu',
      btf: 'vmlinux',
    };
  });
  return { images, configs };
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

/**
 * Records every struct, union and enum of the dataset in `writer`. `indexOf` maps an image
 * label to its index in the database. Returns the struct lines the fallback rule had to read.
 */
export function importUbuntuTypes(source: string, images: readonly KernelImage[], parser: Parser, writer: DatabaseWriter, indexOf: (label: string) => number): number {
  const parsedByText = new Map<string, ParsedDefinition>();
  let fallbackLines = 0;
  const structRoot = join(source, 'struct');
  for (const letter of readdirSync(structRoot).sort()) {
    for (const file of readdirSync(join(structRoot, letter)).sort()) {
      if (!file.endsWith('.md')) continue;
      const name = file.slice(0, -3);
      const status = readStatusSection(readFileSync(join(structRoot, letter, file), 'utf8'));
      for (const [label, code] of status) {
        if (!images.some((image) => image.label === label)) throw new Error(`${file}: unknown image label ${label}`);
        if (code === null) continue;
        let definition = parsedByText.get(code);
        if (!definition) {
          definition = parseStructDefinition(parser, code);
          fallbackLines += definition.fallbackLines;
          parsedByText.set(code, definition);
        }
        writer.define('struct', name, indexOf(label), definition);
      }
    }
  }
  for (const kind of ['union', 'enum'] as const) {
    for (const image of images) {
      const text = readFileSync(join(source, kind, `${image.image}.jsonl`), 'utf8');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const record = JSON.parse(line);
        if (!record.name || record.name === '(anon)') continue;
        const definition = kind === 'union' ? unionDefinition(record.members ?? []) : enumDefinition(record.values ?? []);
        writer.define(kind, record.name, indexOf(image.label), definition);
      }
    }
  }
  return fallbackLines;
}
