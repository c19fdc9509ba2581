// Output formats of `kernel-compat check`: gcc-style text, JSON lines of findings, SARIF 2.1.0.
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


const SARIF_LEVELS: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export function formatSarif(db: KernelDatabase, results: FileFindings[], version: string): string {
  const ruleIds = RULES.map((rule) => rule.code);
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
