// Placeholder until the checker lands: activation does nothing heavy.
import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
