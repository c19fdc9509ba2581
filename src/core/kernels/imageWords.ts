// What "absent" and "present" mean on an image, in words: it depends on what the image's
// types were read from. An Ubuntu (DepSurf) image or an imported vmlinux carries only its
// vmlinux BTF; a Debian kernel was read with every module.
import type { Carriers, KernelImage } from './schema';

export function withModules(image: KernelImage): boolean {
  return image.btf === 'vmlinux+modules';
}

/** The meaning of "absent", for the images shown. */
export function absentMeaning(images: readonly KernelImage[]): string {
  const vmlinuxOnly = images.some((image) => !withModules(image));
  const modules = images.some(withModules);
  const parts: string[] = [];
  if (vmlinuxOnly) {
    parts.push(
      `Absent on ${modules ? 'an image read from vmlinux only (the Ubuntu images, Debian 5.10, imported vmlinux files)' : 'an image'} means not in its vmlinux BTF: the type may live in a module or be configured off; it does not mean removed from Linux.`,
    );
  }
  if (modules) parts.push('Absent on a Debian kernel read with its modules means in neither its vmlinux nor any of its modules: configured off, or not in that kernel.');
  return parts.join(' ');
}

/** Why an aggregate is missing from some images, for a run of images. */
export function absentWords(images: readonly KernelImage[]): string {
  const all = images.every(withModules);
  const none = !images.some(withModules);
  if (all) return 'in neither vmlinux nor any module';
  if (none) return 'not in vmlinux BTF';
  return 'not in vmlinux BTF (and, on the kernels read with modules, in no module)';
}

/** 'vfio, vfio_iommu_type1, vfio-pci-core and 2 more'. */
export function carriersText(carriers: Carriers): string {
  const [count, ...names] = carriers;
  const more = count - names.length;
  if (more <= 0) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
  return `${names.join(', ')} and ${more} more`;
}
