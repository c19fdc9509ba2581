// The functions older kernels had and newer ones dropped, from the DepSurf dataset's
// functions.jsonl.gz (one JSON object per name: its prototypes, each with the Ubuntu images
// that have it). Only global functions of the amd64 images count (a static one was never
// callable from a module, an arm64 one is no x86 API), and only those the newest image no
// longer has: a function still there is private to the kernel (ACPICA's `acpi_ev_*`,
// declared by macros in headers no package ships), not one a driver once called. The importer
// keeps those no Debian kernel's headers spell (headers.ts): a driver still calling one
// (`do_gettimeofday`, gone in 5.0) does not build on any Debian kernel.
import type { KernelImage } from '../../src/core/kernels/schema';
import { readDepsurfFunctions } from './depsurfFunctions';

/**
 * Names of the functions some of `images` (the amd64 Ubuntu images) has as a global symbol and
 * `newest` (the newest of them) has not; empty without the file.
 */
export function droppedGlobalFunctions(depsurfDir: string, images: readonly KernelImage[]): Set<string> {
  const names = new Set<string>();
  const amd64 = new Set(images.filter((image) => image.arch === 'amd64').map((image) => image.label));
  const newest = images.filter((image) => image.group === 'version').sort((a, b) => b.versionCode - a.versionCode)[0]?.label;
  if (newest === undefined) return names;
  for (const parsed of readDepsurfFunctions(depsurfDir)) {
    const globals = parsed.variants.filter((variant) => variant.collision.endsWith('Global'));
    const had = globals.some((variant) => variant.images.some((label) => amd64.has(label)));
    const kept = parsed.variants.some((variant) => variant.images.includes(newest));
    if (had && !kept) names.add(parsed.name);
  }
  return names;
}
