// Writes data/member-aliases.json: the struct member names that kernel headers define as
// macros for a path into another member (`#define d_lock d_lockref.lock`,
// `#define sk_family __sk_common.skc_family`, `#define ifr_data ifr_ifru.ifru_data`). The
// BTF data cannot show them, so without this list `dentry->d_lock` would read as a missing
// member on every kernel.
//
// Usage: node out/scripts/build-member-aliases.js <kernel headers tree> [--out data]
// The committed list comes from Debian's linux-headers-6.1.0-47-common (see DEVELOPING.md).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCHEMA_VERSION, type MemberAliasesFile } from '../src/core/schema';

/** `#define name path` where path is `member(.member|[n])+`: a member alias, not arithmetic or a call. */
const ALIAS = /^[ \t]*#[ \t]*define[ \t]+([a-z_][a-z0-9_]*)[ \t]+([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*|\[[0-9]+\])+)[ \t]*(?:\/\*.*)?$/gm;

/** Header folders of the kernel tree that drivers see: the generic ones and the bundled images' architectures. */
const FOLDERS = ['include', 'arch/x86/include', 'arch/arm64/include', 'arch/arm/include', 'arch/powerpc/include', 'arch/riscv/include'];

function headersUnder(folder: string, found: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(folder);
  } catch {
    return;
  }
  for (const entry of entries.sort()) {
    const path = join(folder, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) headersUnder(path, found);
    else if (entry.endsWith('.h')) found.push(path);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = resolve(outIndex >= 0 ? args[outIndex + 1] : 'data');
  const tree = args.find((arg, i) => !arg.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  if (!tree) {
    console.error('usage: node out/scripts/build-member-aliases.js <kernel headers tree> [--out data]');
    process.exit(2);
  }
  const headers: string[] = [];
  for (const folder of FOLDERS) headersUnder(join(tree, folder), headers);
  if (headers.length === 0) {
    console.error(`no headers under ${tree}/{${FOLDERS.join(',')}}`);
    process.exit(2);
  }
  const aliases = new Map<string, Set<string>>();
  for (const header of headers) {
    for (const match of readFileSync(header, 'utf8').matchAll(ALIAS)) {
      const [, name, path] = match;
      if (!aliases.has(name)) aliases.set(name, new Set());
      aliases.get(name)!.add(path);
    }
  }
  const file: MemberAliasesFile = {
    schema: SCHEMA_VERSION,
    aliases: Object.fromEntries([...aliases].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, paths]) => [name, [...paths].sort()])),
  };
  writeFileSync(join(out, 'member-aliases.json'), JSON.stringify(file, null, 1) + '\n');
  console.log(`${aliases.size} member aliases from ${headers.length} headers -> ${join(out, 'member-aliases.json')}`);
}

main();
