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
const HOSTED_FOLDERS = /^(?:sys|netinet|arpa|bits|gnu)\//;

const ANGLE_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*<([^>\n]+)>/gm;

/** The first C library header the text includes, or undefined when it includes none (kernel code). */
export function hostedLibraryInclude(text: string): string | undefined {
  for (const match of text.matchAll(ANGLE_INCLUDE)) {
    const name = match[1].trim();
    if (HOSTED_HEADERS.has(name) || HOSTED_FOLDERS.test(name)) return name;
  }
  return undefined;
}
