// Is a file kernel code at all? A program that includes the C library (`<stdio.h>`,
// `<sys/ioctl.h>`) is userspace, even when it also includes uapi headers such as
// `<linux/input.h>`: its `struct stat`, `struct tm` and `struct sigaction` are glibc's, and
// nothing in it is built against a kernel's headers.
//
// Only hosted-library headers count: the freestanding ones (`<stddef.h>`, `<stdarg.h>`,
// `<stdbool.h>`, `<stdint.h>`, `<limits.h>`) are also found in kernel code, and quoted includes
// ("string.h") may be the driver's own.

const HOSTED_HEADERS = new Set([
  'assert.h', 'complex.h', 'ctype.h', 'dirent.h', 'dlfcn.h', 'err.h', 'errno.h', 'error.h', 'fcntl.h', 'fenv.h', 'getopt.h',
  'glob.h', 'grp.h', 'inttypes.h', 'libgen.h', 'locale.h', 'malloc.h', 'math.h', 'mqueue.h', 'netdb.h', 'poll.h', 'pthread.h',
  'pwd.h', 'regex.h', 'sched.h', 'search.h', 'semaphore.h', 'setjmp.h', 'signal.h', 'spawn.h', 'stdio.h', 'stdlib.h',
  'string.h', 'strings.h', 'syslog.h', 'termios.h', 'tgmath.h', 'threads.h', 'time.h', 'uchar.h', 'unistd.h', 'utime.h',
  'wchar.h', 'wctype.h', 'ifaddrs.h', 'libintl.h', 'paths.h', 'sysexits.h', 'utmp.h',
]);
/** Folders only the C library has: the kernel has `<net/…>` too, but not these. */
const HOSTED_FOLDER_NAMES = ['sys', 'netinet', 'arpa', 'bits', 'gnu'];
const HOSTED_FOLDERS = new RegExp(`^(?:${HOSTED_FOLDER_NAMES.join('|')})/`);
/** A cheap first look: some include of a hosted header's name or folder. */
const HOSTED_ANYWHERE = new RegExp(`<[ \t]*(?:${[...HOSTED_HEADERS].map((name) => name.replace('.', '\\.')).join('|')}|(?:${HOSTED_FOLDER_NAMES.join('|')})/)`);

/** Whether `<name>` is a header only the C library has: a kernel build, with -nostdinc, finds it nowhere. */
export function isHostedLibraryHeader(name: string): boolean {
  return HOSTED_HEADERS.has(name) || HOSTED_FOLDERS.test(name);
}

/** A C library include of the text, and whether it sits inside an `#if` (which a kernel build may skip). */
export interface HostedInclude {
  name: string;
  /** 0-based. */
  line: number;
  conditional: boolean;
}

const ANGLE_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*<([^>\n]+)>/;
const CONDITIONAL = /^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b/;

/**
 * The C library headers the text includes, in order, each with whether it is inside a
 * conditional: shared code often has `#ifdef __KERNEL__` / `#include <linux/…>` / `#else` /
 * `#include <stdio.h>` (falco's `#ifndef UDIG`), which a kernel build never takes.
 */
export function hostedLibraryIncludes(text: string): HostedInclude[] {
  const found: HostedInclude[] = [];
  // Most files include nothing of the C library: one search answers for them.
  if (!HOSTED_ANYWHERE.test(text)) return found;
  let depth = 0;
  text.split('\n').forEach((line, index) => {
    if (!line.includes('#')) return;
    const conditional = CONDITIONAL.exec(line);
    if (conditional) depth = Math.max(0, depth + (conditional[1] === 'endif' ? -1 : 1));
    const include = ANGLE_INCLUDE.exec(line);
    if (!include) return;
    const name = include[1].trim();
    if (isHostedLibraryHeader(name)) found.push({ name, line: index, conditional: depth > 0 });
  });
  return found;
}
