// Include resolvers kept from one check to the next. A resolver remembers its lookups and the
// header texts it read, and the preprocessor keeps what reading each header did per resolver:
// with a kept one, a keystroke in a driver whose file includes dozens of its own headers reads
// and preprocesses none of them again (ice_dcb_nl.c: 14 ms of each check). One is kept only
// while nothing it read has changed: before each use, every file it read or looked for, and
// every folder it looked in, is stat'ed again (a header created since changes its folder's
// time), and any difference makes a new one.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TextReader } from '../../core/c/includes';
import type { IncludeResolver } from '../../core/c/preprocessor';
import { countedCache } from '../../core/countedCache';

/** Resolvers kept: one per document's include setting (workspace folders, `-I` folders, unsaved texts) in use. */
const RESOLVERS_KEPT = 8;

/** A file's or folder's modification time, size and inode; empty when it does not exist. */
function stampOf(path: string): string {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat ? `${stat.mtimeMs} ${stat.size} ${stat.ino}` : '';
  } catch {
    return '?'; // unreadable: compared as a stamp like any other
  }
}

/** A reader that notes the stamp of each path it reads, and of its folder, before reading. */
class StampedReads {
  private readonly stamps = new Map<string, string>();

  constructor(private readonly readFile: TextReader) {}

  readonly read: TextReader = (path) => {
    this.note(path);
    this.note(dirname(path));
    return this.readFile(path);
  };

  private note(path: string): void {
    if (!this.stamps.has(path)) this.stamps.set(path, stampOf(path));
  }

  unchanged(): boolean {
    for (const [path, stamp] of this.stamps) if (stampOf(path) !== stamp) return false;
    return true;
  }
}

export class KeptResolvers {
  private readonly kept = countedCache<string, { reads: StampedReads; resolver: IncludeResolver }>(RESOLVERS_KEPT);

  /**
   * The resolver kept under `setting` while what it read is unchanged, or a new one made by
   * `make` over `readFile`. `setting` must name everything the resolver's answers depend on
   * besides the files' texts (folders, unsaved texts, the workspace index's generation).
   */
  resolver(setting: string, readFile: TextReader, make: (read: TextReader) => IncludeResolver): IncludeResolver {
    const found = this.kept.get(setting);
    if (found?.reads.unchanged()) return found.resolver;
    const reads = new StampedReads(readFile);
    const resolver = make(reads.read);
    this.kept.set(setting, { reads, resolver });
    return resolver;
  }

  clear(): void {
    this.kept.clear();
  }
}
