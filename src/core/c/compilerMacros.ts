// What gcc itself tells a kernel build through macros: a Linux target, and no other compiler
// or system. Code for those (`#ifdef _MSC_VER`, ACPICA's `#elif defined(__APPLE__)` chain
// after `#if defined(__linux__)`) is then certainly not compiled, and an include under it
// leaves nothing unknown. gcc's version (`__GNUC__`) is left unknown (Debian's kernels are
// built by several).
// A C file is compiled optimized and not as assembly: Kbuild always passes -O2 or -Os (the
// kernel does not build without), and only .S files get -D__ASSEMBLY__. Left unknown, the
// `!__OPTIMIZE__` and `__ASSEMBLY__` variants of BUILD_BUG_ON's and GENMASK's helpers, which
// drop their arguments, hid every constant written in those macros.
import type { CommandLineMacro } from './preprocessor';

export const GCC_LINUX_TARGET: readonly CommandLineMacro[] = [
  { name: '__linux__', value: '1', certain: true },
  { name: '__clang__', value: null, certain: true },
  { name: '__INTEL_COMPILER', value: null, certain: true },
  { name: '__CHECKER__', value: null, certain: true },
  { name: '__OPTIMIZE__', value: '1', certain: true },
  { name: '__ASSEMBLY__', value: null, certain: true },
  { name: '_MSC_VER', value: null, certain: true },
  { name: '_WIN32', value: null, certain: true },
];

/**
 * gcc's architecture macros, which follow each kernel's config: the targets span five
 * architectures, and `CONFIG_X86_64` is set exactly where gcc builds for x86-64. For driver
 * code only: the header data reads the kernels' headers with them unknown, both branches kept.
 */
export const GCC_ARCHITECTURE: readonly CommandLineMacro[] = [
  { name: '__x86_64__', value: '1', certain: true, whereConfig: 'CONFIG_X86_64' },
  { name: '__aarch64__', value: '1', certain: true, whereConfig: 'CONFIG_ARM64' },
  { name: '__arm__', value: '1', certain: true, whereConfig: 'CONFIG_ARM' },
  { name: '__powerpc64__', value: '1', certain: true, whereConfig: 'CONFIG_PPC64' },
  { name: '__riscv', value: '1', certain: true, whereConfig: 'CONFIG_RISCV' },
];

/**
 * Names gcc's own headers give a kernel build: kernels before 5.15 took `va_start` and its kin
 * from gcc's `<stdarg.h>` (linux/kernel.h includes it), which the header data does not read, so
 * the data would say only ACPICA's acgcc.h declares them there. Never judged as a kernel's.
 */
export function isCompilerProvidedName(name: string): boolean {
  return STDARG_NAMES.has(name) || name.startsWith('__builtin_');
}

const STDARG_NAMES = new Set(['va_start', 'va_end', 'va_arg', 'va_copy', '__va_copy']);
