// The on-disk shape of the bundled kernel database (data/). Written by scripts/build-data.ts,
// read by src/core/database.ts. Bump SCHEMA_VERSION on any incompatible change.

export const SCHEMA_VERSION = 1;

export type ImageGroup = 'version' | 'arch' | 'flavor' | 'imported';
export type AggregateKind = 'struct' | 'union' | 'enum';

export interface KernelImage {
  /** Short label users type and read: '5.15', 'arm64', 'aws'. */
  label: string;
  /** Full image name: '5.15.0-25-generic-amd64'. */
  image: string;
  group: ImageGroup;
  arch: string;
  flavor: string;
  /** Upstream release the image is based on, from CONFIG_VERSION_SIGNATURE: '5.15.30'. */
  release: string;
  /** LINUX_VERSION_CODE of that release. */
  versionCode: number;
}

/** data/kernels.json: small, readable, loaded first. */
export interface KernelsFile {
  schema: number;
  source: string;
  images: KernelImage[];
}

/**
 * data/types.json.gz. Layouts are shared: most aggregates are identical across many
 * images, so each image points at a layout index instead of repeating the members.
 */
export interface TypesFile {
  schema: number;
  /** Interned text: member names, declarations and types. */
  strings: string[];
  /** Unique members, three string indices each: name, declaration, type. Flattened. */
  members: number[];
  /** Unique member lists (indices into members, in declaration order). */
  layouts: number[][];
  /** Layouts that hide members inside an unnamed, unflattened anonymous struct/union. */
  incompleteLayouts: number[];
  /** kind -> name -> layout index per image (-1: absent from that image's vmlinux BTF). */
  aggregates: Record<AggregateKind, Record<string, number[]>>;
}

/** data/configs.json.gz: kernel config values per image, deduplicated per symbol. */
export interface ConfigsFile {
  schema: number;
  /** Distinct values ('y', 'm', '"string"', '64'). */
  values: string[];
  /** symbol -> value index per image (-1: not set in that image's config). */
  symbols: Record<string, number[]>;
}

/**
 * data/member-aliases.json: member names kernel headers define as macros for a path into
 * another member (`#define d_lock d_lockref.lock`). Written by scripts/build-member-aliases.ts
 * from a kernel headers tree; BTF has no trace of them.
 */
export interface MemberAliasesFile {
  schema: number;
  /** alias -> the paths it expands to (`d_lockref.lock`, `ifr_ifru.ifru_data`). */
  aliases: Record<string, string[]>;
}
