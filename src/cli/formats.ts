// Output formats of `kernel-compat check`: gcc-style text, a JSON array of findings, SARIF 2.1.0.
// Each is written as files are checked (a whole tree's findings are never held at once), and
// the streamed text is byte for byte what formatting all results at the end would give.
import { relative } from 'node:path';
import { RULES } from '../core/rules';
import type { Finding, Severity } from '../core/check/findings';
import type { KernelDatabase } from '../core/kernels/database';

export interface FileFindings {
  path: string;
  findings: Finding[];
}

const GCC_WORDS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

function textLines({ path, findings }: FileFindings): string {
  let text = '';
  for (const f of findings) {
    text += `${displayPath(path)}:${f.range.startLine + 1}:${f.range.startColumn + 1}: ${GCC_WORDS[f.severity]}: ${f.message} [${f.code}]\n`;
  }
  return text;
}

export function formatText(results: FileFindings[]): string {
  return results.map(textLines).join('');
}

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Severity;
  message: string;
  struct: string | null;
  member: string | null;
  targets: string[];
}

function jsonFinding(db: KernelDatabase, path: string, f: Finding): JsonFinding {
  return {
    file: displayPath(path),
    line: f.range.startLine + 1,
    column: f.range.startColumn + 1,
    endLine: f.range.endLine + 1,
    endColumn: f.range.endColumn + 1,
    code: f.code,
    severity: f.severity,
    message: f.message,
    struct: f.aggregate ? `${f.aggregate.kind} ${f.aggregate.name}` : null,
    member: f.member ?? null,
    targets: f.targets.map((t) => db.images[t].label),
  };
}

export function toJsonFindings(db: KernelDatabase, results: FileFindings[]): JsonFinding[] {
  return results.flatMap(({ path, findings }) => findings.map((f) => jsonFinding(db, path, f)));
}


const SARIF_LEVELS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function sarifResult(db: KernelDatabase, path: string, f: Finding) {
  return {
    ruleId: f.code,
    ruleIndex: RULE_IDS.indexOf(f.code),
    level: SARIF_LEVELS[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: displayPath(path).split('\\').join('/') },
          region: { startLine: f.range.startLine + 1, startColumn: f.range.startColumn + 1, endLine: f.range.endLine + 1, endColumn: f.range.endColumn + 1 },
        },
      },
    ],
    properties: { targets: f.targets.map((t) => db.images[t].label), struct: f.aggregate?.name, member: f.member },
  };
}

const RULE_IDS = RULES.map((rule) => rule.code);

/** The SARIF log with an empty results array, and that array's indentation. */
function sarifFrame(version: string): { head: string; tail: string; indent: string } {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kernel-compat',
            version,
            informationUri: 'https://github.com/kernel-compat/kernel-compat',
            rules: RULES.map((rule) => ({
              id: rule.code,
              name: rule.name,
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              defaultConfiguration: { level: SARIF_LEVELS[rule.severity] },
            })),
          },
        },
        results: [RESULTS_MARK],
      },
    ],
  };
  const text = JSON.stringify(sarif, null, 2);
  const mark = text.indexOf(JSON.stringify(RESULTS_MARK));
  const lineStart = text.lastIndexOf('\n', mark) + 1;
  const open = text.lastIndexOf('[', lineStart);
  const close = text.indexOf(']', mark);
  return { head: text.slice(0, open + 1), tail: text.slice(close + 1) + '\n', indent: text.slice(lineStart, mark) };
}

const RESULTS_MARK = '\u0000kernel-compat results\u0000';

/** Writes the elements of a pretty-printed JSON array one by one, as JSON.stringify(array, null, 2) would lay them out. */
class JsonArrayWriter {
  private count = 0;

  constructor(
    private readonly write: (text: string) => void,
    /** Indentation of the array's elements. */
    private readonly indent: string,
  ) {}

  element(value: unknown): void {
    const text = JSON.stringify(value, null, 2).split('\n').join(`\n${this.indent}`);
    this.write(`${this.count++ === 0 ? '' : ','}\n${this.indent}${text}`);
  }

  /** `]`, or `[]` as a whole when nothing was written (the caller has written `[` before). */
  close(): string {
    return this.count === 0 ? ']' : `\n${this.indent.slice(2)}]`;
  }
}

/** Receives each file's findings in order; `end` completes the document. */
export interface FindingsWriter {
  file(result: FileFindings): void;
  end(): void;
}

export type OutputFormat = 'text' | 'json' | 'sarif';

export function findingsWriter(format: OutputFormat, db: KernelDatabase, write: (text: string) => void, version: string): FindingsWriter {
  if (format === 'text') {
    return {
      file: (result) => {
        const text = textLines(result);
        if (text) write(text);
      },
      end: () => {},
    };
  }
  if (format === 'json') {
    write('[');
    const array = new JsonArrayWriter(write, '  ');
    return {
      file: ({ path, findings }) => findings.forEach((f) => array.element(jsonFinding(db, path, f))),
      end: () => write(array.close() + '\n'),
    };
  }
  const frame = sarifFrame(version);
  write(frame.head);
  const array = new JsonArrayWriter(write, frame.indent);
  return {
    file: ({ path, findings }) => findings.forEach((f) => array.element(sarifResult(db, path, f))),
    end: () => write(array.close() + frame.tail),
  };
}

export function formatSarif(db: KernelDatabase, results: FileFindings[], version: string): string {
  let text = '';
  const writer = findingsWriter('sarif', db, (chunk) => (text += chunk), version);
  for (const result of results) writer.file(result);
  writer.end();
  return text;
}
