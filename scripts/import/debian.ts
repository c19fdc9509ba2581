// The Debian kernels of the bundled database: their image records, and their types with
// modules, each name's definitions sorted into the kernel's own (the one vmlinux carries,
// else the layout the most modules carry) and the other same-named ones, and marked private
// where no public header of that kernel defines the name.
import type { AggregateKind, Carriers, KernelImage } from '../../src/core/kernels/schema';
import { normalizeRelease, versionCode } from '../../src/core/kernels/importedKernels';
import type { DebianKernel, SourcedDefinition } from '../debian/kernel';
import type { PinnedKernel } from '../debian/packages';
import type { DatabaseWriter } from './writer';

export const DEBIAN_SOURCE_NOTE = "Debian's kernel packages (amd64): types from the BTF of vmlinux and every module, facts from the headers packages";

/** How many carrier names are kept: enough to say where a struct lives, not every user of it. */
const CARRIER_NAMES = 3;

/** The upstream release in a Debian package version: '6.12.118-1~deb12u1' → 6.12.118. */
export function releaseOfDebianVersion(version: string): string {
  const release = normalizeRelease(version.replace(/^\d+:/, ''));
  if (!release) throw new Error(`'${version}' is not a Debian kernel package version`);
  return release;
}

/** `modulesRead`: whether the kernel's modules carried BTF (Debian 5.10's do not). */
export function debianImage(pinned: PinnedKernel, modulesRead: boolean): KernelImage {
  const kernelPackage = pinned.packages.find((pkg) => pkg.role === 'image' || pkg.role === 'kernel');
  if (!kernelPackage) throw new Error(`${pinned.label}: the manifest names no image or kernel package`);
  const release = releaseOfDebianVersion(kernelPackage.version);
  return {
    label: pinned.label,
    image: pinned.uname,
    group: 'version',
    arch: 'amd64',
    flavor: 'amd64',
    release,
    versionCode: versionCode(release),
    distribution: 'debian',
    btf: modulesRead ? 'vmlinux+modules' : 'vmlinux',
    package: `${kernelPackage.name} ${kernelPackage.version}`,
    headers: pinned.packages.some((pkg) => pkg.role === 'headers-common'),
  };
}

function carriersOf(sourced: SourcedDefinition): Carriers {
  return [sourced.origins.length, ...sourced.origins.slice(0, CARRIER_NAMES).map((origin) => origin || 'vmlinux')];
}

/** The kernel's own definition among same-named ones: vmlinux's, else the most widely carried. */
export function kernelsOwn(layouts: readonly SourcedDefinition[]): SourcedDefinition {
  const inVmlinux = layouts.find((sourced) => sourced.origins.includes(''));
  if (inVmlinux) return inVmlinux;
  return layouts.reduce((best, sourced) => (sourced.origins.length > best.origins.length ? sourced : best));
}

/**
 * Records one Debian kernel's types at `image`. `publicNames` holds the 'struct x' keys some
 * public header of that kernel defines (undefined: its headers were not read).
 */
export function importDebianTypes(kernel: DebianKernel, image: number, writer: DatabaseWriter, publicNames: ReadonlySet<string> | undefined): void {
  for (const key of [...kernel.definitions.keys()].sort()) {
    const layouts = kernel.definitions.get(key)!;
    const space = key.indexOf(' ');
    const kind = key.slice(0, space) as AggregateKind;
    const name = key.slice(space + 1);
    const own = kernelsOwn(layouts);
    writer.define(kind, name, image, own.definition);
    if (!own.origins.includes('')) writer.carriedBy(kind, name, image, carriersOf(own));
    for (const other of layouts) if (other !== own) writer.alternative(kind, name, image, other.definition, carriersOf(other));
    if (publicNames && !publicNames.has(key)) writer.markPrivate(kind, name, image);
  }
  writer.config(image, kernel.config);
}
