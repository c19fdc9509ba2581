// What gcc itself tells a kernel build through macros: a Linux target, and no other compiler
// or system. Code for those (`#ifdef _MSC_VER`, ACPICA's `#elif defined(__APPLE__)` chain
// after `#if defined(__linux__)`) is then certainly not compiled, and an include under it
// leaves nothing unknown. gcc's version (`__GNUC__`) is left unknown: Debian's kernels are
// built by several.
import type { CommandLineMacro } from './preprocessor';

export const GCC_LINUX_TARGET: readonly CommandLineMacro[] = [
  { name: '__linux__', value: '1', certain: true },
  { name: '__clang__', value: null, certain: true },
  { name: '__INTEL_COMPILER', value: null, certain: true },
  { name: '__CHECKER__', value: null, certain: true },
  { name: '_MSC_VER', value: null, certain: true },
  { name: '_WIN32', value: null, certain: true },
];
