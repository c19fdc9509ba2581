// The functions older kernels had and newer ones dropped, from the DepSurf dataset's
// functions.jsonl.gz (one JSON object per name: its prototypes, each with the Ubuntu images
// that have it). Only global functions of the amd64 images count (a static one was never
// callable from a module, an arm64 one is no x86 API), and only those the newest image no
// longer has: a function still there is private to the kernel (ACPICA's `acpi_ev_*`,
// declared by macros in headers no package ships), not one a driver once called. The importer
// keeps those no Debian kernel's headers spell (headers.ts): a driver still calling one
// (`do_gettimeofday`, gone in 5.0) does not build on any Debian kernel.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KernelImage } from '../../src/core/kernels/schema';

interface FunctionLine {
  name: string;
  variants: { collision: string; images: string[] }[];
}

/**
 * Names of the functions some of `images` (the amd64 Ubuntu images) has as a global symbol and
 * `newest` (the newest of them) has not; empty without the file.
 */
export function droppedGlobalFunctions(depsurfDir: string, images: readonly KernelImage[]): Set<string> {
  const path = join(depsurfDir, 'functions.jsonl.gz');
  const names = new Set<string>();
  const amd64 = new Set(images.filter((image) => image.arch === 'amd64').map((image) => image.label));
  const newest = images.filter((image) => image.group === 'version').sort((a, b) => b.versionCode - a.versionCode)[0]?.label;
  if (!existsSync(path) || newest === undefined) return names;
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: FunctionLine;
    try {
      parsed = JSON.parse(line) as FunctionLine;
    } catch {
      throw new Error(`${path}: line ${index + 1} is not JSON`);
    }
    const globals = parsed.variants.filter((variant) => variant.collision.endsWith('Global'));
    const had = globals.some((variant) => variant.images.some((label) => amd64.has(label)));
    const kept = parsed.variants.some((variant) => variant.images.includes(newest));
    if (had && !kept) names.add(parsed.name);
  });
  return names;
}
