// The compiler a Debian kernel's headers build modules with. Debian records it in the
// headers' .kernelvariables (`CC = $(CROSS_COMPILE)gcc-12`, with 6.12 setting CROSS_COMPILE
// to x86_64-linux-gnu-); make itself evaluates that file, so its conditionals are honoured.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function kernelCompiler(headersDir: string): string {
  const probe = `include ${join(headersDir, '.kernelvariables')}\n$(info $(strip $(CC)))\nall: ;@:\n`;
  const out = execFileSync('make', ['-s', '-f', '-'], { input: probe, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' } }).trim();
  if (!out) throw new Error(`${headersDir}/.kernelvariables names no CC`);
  return out;
}

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$0" >/dev/null', command]).status === 0;
}

/** Debian's package for a compiler: `x86_64-linux-gnu-gcc-12` and `gcc-12` both come with gcc-12. */
export function compilerPackage(cc: string): string {
  return /(gcc-\d+)$/.exec(cc)?.[1] ?? cc;
}

/**
 * Installs the compiler's package with the system's apt when it is missing (the only system
 * change this bench makes), refreshing the system's lists once if the first try fails.
 */
export function ensureCompiler(cc: string, log: (line: string) => void): void {
  if (installed(cc)) return;
  const pkg = compilerPackage(cc);
  log(`${cc} is missing: apt-get install -y ${pkg}`);
  const install = () => spawnSync('apt-get', ['install', '-y', pkg], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  let result = install();
  if (result.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    result = install();
  }
  if (result.status !== 0 || !installed(cc)) throw new Error(`${cc} is needed to build for these headers and could not be installed (apt-get install -y ${pkg}: ${result.stderr?.trim().split('\n').pop() ?? 'failed'})`);
}
