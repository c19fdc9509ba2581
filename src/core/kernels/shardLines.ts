// One decompressed type-shard file (see ShardNamesLine in schema.ts): a line per name, found
// by searching the text and parsed alone, since a check asks about a few names of a shard.
import { RECORD_SEPARATOR, SCHEMA_VERSION } from './schema';

export class ShardLines {
  /**
   * @param name the file's name in the database folder, for messages
   * @param text the decompressed file; its first line's schema is checked now
   * @param fail the error to throw where the file is not what this version writes
   */
  constructor(
    readonly name: string,
    private readonly text: string,
    private readonly fail: (message: string) => Error,
  ) {
    const firstLineEnd = text.indexOf('\n');
    let schema: unknown;
    try {
      schema = (JSON.parse(firstLineEnd < 0 ? text : text.slice(0, firstLineEnd)) as { schema?: unknown } | null)?.schema;
    } catch (error) {
      throw fail(`the kernel database file ${name} is not valid JSON (${(error as Error).message})`);
    }
    if (schema !== SCHEMA_VERSION) throw fail(`the kernel database file ${name} has schema ${String(schema)}, this version reads schema ${SCHEMA_VERSION}`);
  }

  /** The value on the key's line ('struct foo'), parsed; undefined when the file has no line for it. */
  value<T>(key: string): T | undefined {
    const head = `\n${JSON.stringify(key)}${RECORD_SEPARATOR}`;
    const start = this.text.indexOf(head);
    if (start < 0) return undefined;
    const end = this.text.indexOf('\n', start + head.length);
    return this.parsed<T>(key, this.text.slice(start + head.length, end < 0 ? this.text.length : end));
  }

  /** Every key of the file, in its (sorted) order. */
  keys(): string[] {
    const keys: string[] = [];
    for (let start = this.text.indexOf('\n'); start >= 0; start = this.text.indexOf('\n', start + 1)) {
      const separator = this.text.indexOf(RECORD_SEPARATOR, start + 1);
      if (separator < 0) throw this.fail(`the kernel database file ${this.name} has a line without a name`);
      keys.push(this.parsed<string>('a name', this.text.slice(start + 1, separator)));
    }
    return keys;
  }

  private parsed<T>(what: string, json: string): T {
    try {
      return JSON.parse(json) as T;
    } catch (error) {
      throw this.fail(`the kernel database file ${this.name} is not valid JSON at ${what} (${(error as Error).message})`);
    }
  }
}
