// A driver's compat code often defines a kernel function itself for other kernels than the
// targets: under a guard (`#if LINUX_VERSION_CODE < KERNEL_VERSION(3, 18, 0)` / `static inline
// void udp_tunnel_sock_release(struct socket *sock) {}`), or in a copy of a kernel header that
// the build finds only where the kernel lacks it. The workspace index knows the name as the
// driver's wherever it is written, which kept the kernel's own declaration from being judged;
// but gcc sees only what the file reads (amneziawg passes a `struct socket *` where 7.2 takes a
// `struct sock *`). Such a name is the kernel's when every include of the file and its headers
// was followed (an include left unread, in a branch not decided, by a computed name, or of a
// header only the build's own -I flags find, may define it), and:
// - the headers the file reads mention it only on lines no target compiles, or
// - they never mention it, and the file is a translation unit of its own (its Kbuild names
//   its object): a `.c` file that another includes is compiled after its includer's
//   definitions, which this check does not see.
import { LineState, type IncludedHeader } from '../c/preprocessor';
import { everyIncludeFollowed, type IncludeSight } from './followedIncludes';

export interface ShimInputs extends IncludeSight {
  /** The module's Kbuild names the file's object. */
  wholeUnit: boolean;
  /**
   * The lines of a header on which each name stands as a word in code: a comment that names
   * the function (enhanceio's "We shouldn't use bio_set_op_attrs anymore") is no mention.
   */
  codeWordLines: (header: IncludedHeader) => ReadonlyMap<string, readonly number[]>;
}

/** A header the file reads, with the lines each word stands on in its code. */
interface HeaderWords {
  header: IncludedHeader;
  lines: ReadonlyMap<string, readonly number[]>;
}

/** Answers, for one check, whether a name the workspace defines is, for this file, the kernel's. */
export function uncompiledShims(inputs: ShimInputs): (name: string) => boolean {
  let followed: boolean | undefined;
  let headerWords: HeaderWords[] | undefined;
  return (name) => {
    headerWords ??= inputs.headers.map((header) => ({ header, lines: inputs.codeWordLines(header) }));
    const mentions = compiledMentions(name, headerWords);
    return mentions !== 'compiled' && (mentions === 'uncompiled' || inputs.wholeUnit) && (followed ??= everyIncludeFollowed(inputs, 'unread'));
  };
}

/** Whether the headers mention the name on a line some target may compile, only on lines none does, or nowhere. */
function compiledMentions(name: string, headers: readonly HeaderWords[]): 'compiled' | 'uncompiled' | 'none' {
  let mentioned = false;
  for (const { header, lines } of headers) {
    for (const line of lines.get(name) ?? []) {
      if (header.lineStates.some((states) => states[line] !== LineState.Inactive)) return 'compiled';
      mentioned = true;
    }
  }
  return mentioned ? 'uncompiled' : 'none';
}
