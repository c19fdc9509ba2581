// Drivers test kernel macros as often as the version: `#ifdef NETIF_F_LLTX` /
// `dev->features |= NETIF_F_LLTX;` / `#else` / `dev->lltx = true;`, in a file or in the compat
// header that sets the file's own HAVE_ macros. No kernel header is read here, so such a name
// was unknown and neither branch was judged. Where a kernel's headers declare no macro (and
// no function) of the name, gcc reads it as undefined there, so the condition is decided for
// that kernel, as long as nothing else can define it: the name is none the compiler or
// Kbuild's own command line defines, the driver's build passes no flag its files do not show,
// and every include the file and its headers compile was read (an include left unread may
// define anything). Names every kernel with header data declares stay unknown: whether the
// file's build reads the header that defines them is not known.
import type { KernelNames, PreprocessResult } from '../c/preprocessor';
import { isConstantShaped, type HeaderIndex } from '../kernels/headerIndex';
import { everyIncludeFollowed, type IncludeSight } from './followedIncludes';
import { isCompilerProvidedName } from '../c/compilerMacros';

/**
 * Names gcc or Kbuild's command line may define whatever the headers say: the reserved ones
 * (`__has_builtin`, `_LP64`), the GNU dialect's `linux` and `unix`, and the `-D` flags the
 * kernel's Makefiles give every module (`-DCC_USING_FENTRY`, `-DKBUILD_MODNAME=…`).
 */
export function isCompilerOrKbuildName(name: string): boolean {
  return name.startsWith('_') || name.startsWith('CC_') || name.startsWith('KBUILD_') || COMMAND_LINE_NAMES.has(name) || isCompilerProvidedName(name);
}

/** What Kbuild's and the architectures' Makefiles may pass modules with -D, besides the `_`, `CC_` and `KBUILD_` names. */
const COMMAND_LINE_NAMES = new Set([
  'linux',
  'unix',
  'i386',
  'MODULE',
  'DISABLE_BRANCH_PROFILING',
  'GCC_PLUGINS',
  'LATENT_ENTROPY_PLUGIN',
  'RANDSTRUCT',
  'RANDSTRUCT_PLUGIN',
  'STACKLEAK_PLUGIN',
  'STRUCTLEAK_PLUGIN',
  'RETPOLINE',
  'INTEGER_WRAP',
  'WARN_CONTEXT_ANALYSIS',
]);

/**
 * The names a condition may decide per kernel: those some kernels' headers declare and others
 * do not. With `driverNames`, also the driver's own names in capitals that no kernel's headers
 * spell (falco's `#ifndef UDIG`, which only its userspace build defines): undefined wherever
 * the driver does not define them. That takes the flags of the Kbuild file that builds the file
 * (a driver's Makefile passes its own names with -D), so only a file it names asks for them. Not
 * a CONFIG_ name: the kernel's configuration decides those.
 */
export function decidableKernelNames(headers: HeaderIndex, driverNames: boolean): KernelNames {
  return (name) =>
    !isCompilerOrKbuildName(name) &&
    (headers.isKernelCallable(name) || (driverNames && !name.startsWith('CONFIG_') && isConstantShaped(name) && headers.isSpelledByNoKernel(name)));
}

/**
 * Preprocesses with kernel names decided, unless the build's flags are not all known or an
 * include that some target compiles was not read; then as before, with them unknown.
 * `run` preprocesses the file, with the names it may decide or none.
 */
export function preprocessDecidingKernelNames(
  run: (kernelNames?: KernelNames) => PreprocessResult,
  kernelNames: KernelNames,
  sight: Omit<IncludeSight, 'lineStates' | 'headers'>,
  unreadFlags: boolean,
): PreprocessResult {
  if (unreadFlags) return run();
  const decided = run(kernelNames);
  if (!decided.decidedKernelNames) return decided;
  // Includes that the decisions switched off are rightly left out: each decision rests only on
  // the includes before it, and those were read.
  return everyIncludeFollowed({ ...sight, lineStates: decided.lineStates, headers: decided.headers }, 'if-found') ? decided : run();
}
