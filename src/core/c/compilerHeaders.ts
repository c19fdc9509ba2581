// The headers gcc itself provides to a kernel build. Kbuild compiles with `-nostdinc` and
// adds only gcc's own include folder (`-isystem $(gcc -print-file-name=include)`), where
// these freestanding headers live: kernel headers include a few (`<stdarg.h>` up to 5.14),
// and they declare no kernel struct or function. An include of one is known to reach nothing
// of the kernel's, so it leaves an include closure known.
export const COMPILER_HEADERS: ReadonlySet<string> = new Set([
  'float.h',
  'iso646.h',
  'limits.h',
  'stdalign.h',
  'stdarg.h',
  'stdatomic.h',
  'stdbool.h',
  'stddef.h',
  'stdint.h',
  'stdnoreturn.h',
  'varargs.h',
]);
