// Output formats of `kernel-compat check`: gcc-style text, JSON lines of findings, SARIF 2.1.0.
import { relative } from 'node:path';
import { Codes, DEFAULT_SEVERITIES, type Code, type Finding, type Severity } from '../core/check/checker';
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

export function formatText(results: FileFindings[]): string {
  const lines: string[] = [];
  for (const { path, findings } of results) {
    for (const f of findings) {
      lines.push(`${displayPath(path)}:${f.range.startLine + 1}:${f.range.startColumn + 1}: ${GCC_WORDS[f.severity]}: ${f.message} [${f.code}]`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
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

export function toJsonFindings(db: KernelDatabase, results: FileFindings[]): JsonFinding[] {
  return results.flatMap(({ path, findings }) =>
    findings.map((f) => ({
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
    })),
  );
}

const RULES: Record<string, { name: string; description: string }> = {
  [Codes.missingMember]: { name: 'MissingMember', description: 'A struct member used by the code is not in that struct on some targeted kernels.' },
  [Codes.aggregateNotInImage]: { name: 'StructNotInImage', description: "Structs the file uses are not in some targeted kernels' data (not in an Ubuntu image's vmlinux BTF, or in no module of a Debian kernel)." },
  [Codes.callbackSignature]: { name: 'CallbackSignature', description: 'A function assigned to a function-pointer member does not match its type on some targeted kernels.' },
  [Codes.accessOperator]: { name: 'AccessOperator', description: 'The `.` or `->` after a struct member does not fit it on some targeted kernels, where it is a pointer or embedded.' },
  [Codes.readOnlyMember]: { name: 'ReadOnlyMember', description: 'The code assigns a struct member that is const on some targeted kernels (vm_area_struct.vm_flags from 6.3).' },
  [Codes.preprocessor]: { name: 'Preprocessor', description: 'A preprocessor structure problem (unbalanced #if/#endif) that limits the analysis.' },
  [Codes.deadGuard]: { name: 'DeadGuard', description: 'A LINUX_VERSION_CODE condition that is always true or always false for every targeted kernel.' },
  [Codes.missingFunction]: { name: 'MissingFunction', description: "A call to a function or macro that some targeted kernels' headers do not declare (implicit declaration): the build stops there." },
  [Codes.missingHeader]: { name: 'MissingHeader', description: "An #include <…> of a kernel header that some targeted kernels' headers do not have: the build stops there." },
};

const SARIF_LEVELS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(db: KernelDatabase, results: FileFindings[], version: string): string {
  const ruleIds = Object.keys(RULES);
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
            rules: ruleIds.map((id) => ({
              id,
              name: RULES[id].name,
              shortDescription: { text: RULES[id].description },
              fullDescription: { text: RULES[id].description },
              defaultConfiguration: { level: SARIF_LEVELS[DEFAULT_SEVERITIES[id as Code]] },
            })),
          },
        },
        results: results.flatMap(({ path, findings }) =>
          findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: ruleIds.indexOf(f.code),
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
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
