// The extension's settings, read in one place and typed.
import * as vscode from 'vscode';
import type { Code } from '../core/rules';
import { type Severity } from '../core/check/findings';
import { DEFAULT_TARGETS } from '../core/kernels/targets';

export const SECTION = 'kernelCompat';

export interface Settings {
  enable: boolean;
  targets: string[];
  /** The severities set, by code; the checking thread keeps only known codes, the rest their defaults. */
  severities: Partial<Record<Code, Severity>>;
  debounceMs: number;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  // The rule table stays out of the extension host (it would pull the preprocessor into its bundle).
  const severities: Partial<Record<Code, Severity>> = {};
  const configured = config.get<Record<string, string>>('severity', {});
  for (const [code, value] of Object.entries(configured)) {
    if (['error', 'warning', 'information', 'hint'].includes(value)) severities[code as Code] = value as Severity;
  }
  return {
    enable: config.get<boolean>('enable', true),
    targets: config.get<string[]>('targets', DEFAULT_TARGETS),
    severities,
    debounceMs: Math.max(0, config.get<number>('debounceMs', 250)),
  };
}
