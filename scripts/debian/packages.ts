// The Debian kernel packages behind the bundled database: the pinned manifest, a private apt
// configuration that reaches every suite without touching the system's sources, downloads
// checked against the pinned SHA-256, and unpacking with dpkg-deb. A cache outside the
// repository keeps the .deb files and what was unpacked from them between runs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../src/cli/paths';

export type PackageRole = 'image' | 'kernel' | 'modules' | 'base' | 'headers-common' | 'headers-arch';

export interface PinnedPackage {
  role: PackageRole;
  name: string;
  version: string;
  /** The .deb's file name in the archive's pool. */
  file: string;
  sha256: string;
}

export interface PinnedKernel {
  /** The label users target: '6.12'. */
  label: string;
  /** `uname -r` of the kernel: '6.12.118+deb12-amd64'. */
  uname: string;
  /** The suite it was pinned from, for people re-pinning. */
  suite: string;
  packages: PinnedPackage[];
}

export interface Manifest {
  architecture: string;
  suites: string[];
  kernels: PinnedKernel[];
}

export const MANIFEST_PATH = join(packageRoot, 'scripts', 'debian', 'manifest.json');

export function readManifest(path = MANIFEST_PATH): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** Where downloads and unpacked packages live: $KERNEL_COMPAT_CACHE, else ~/.cache/kernel-compat. */
export function cacheRoot(): string {
  return resolve(process.env.KERNEL_COMPAT_CACHE ?? join(homedir(), '.cache', 'kernel-compat'), 'debian');
}

export function unpackedDir(cache: string, pkg: PinnedPackage): string {
  return join(cache, 'unpacked', `${pkg.name}_${pkg.version}`);
}

/** Every pinned package is downloaded, checked and unpacked in the cache. */
export function cacheComplete(manifest: Manifest, cache = cacheRoot()): boolean {
  return manifest.kernels.every((kernel) => kernel.packages.every((pkg) => existsSync(join(unpackedDir(cache, pkg), '.complete'))));
}

/**
 * The archive and security mirrors this machine's apt already uses, read from its sources
 * (deb822 `.sources` or one-line `.list`), so the private configuration asks the same hosts.
 */
export function systemMirrors(): { archive: string; security: string } {
  const texts: string[] = [];
  for (const file of ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f))]) {
    if (/\.(list|sources)$/.test(file) && existsSync(file)) texts.push(readFileSync(file, 'utf8'));
  }
  const uris = texts.flatMap((text) => [...text.matchAll(/(?:^URIs:\s*|^deb\s+(?:\[[^\]]*\]\s+)?)(\S+)/gm)].map((m) => m[1].replace(/\/$/, '')));
  const security = uris.find((uri) => /debian-security$/.test(uri));
  const archive = uris.find((uri) => /\/debian$/.test(uri));
  if (!archive) throw new Error("this machine's apt sources name no Debian archive (a URI ending in /debian); the Debian kernels cannot be fetched here");
  return { archive, security: security ?? archive.replace(/\/debian$/, '/debian-security') };
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** `-o` options that point apt at the cache's own sources list, lists and archives. */
export function aptOptions(cache: string, manifest: Manifest): string[] {
  const apt = join(cache, 'apt');
  return [
    '-o', `Dir::Etc::sourcelist=${join(apt, 'sources.list')}`,
    '-o', 'Dir::Etc::sourceparts=-',
    '-o', `Dir::State::lists=${join(apt, 'lists')}`,
    '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', `Dir::Cache::archives=${join(apt, 'archives')}`,
    '-o', `APT::Architecture=${manifest.architecture}`,
    '-o', 'Acquire::Languages=none',
  ];
}

function writeAptConfiguration(cache: string, manifest: Manifest): void {
  const apt = join(cache, 'apt');
  for (const dir of ['lists/partial', 'cache', 'archives/partial']) mkdirSync(join(apt, dir), { recursive: true });
  const { archive, security } = systemMirrors();
  const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
  const lines = manifest.suites.map((suite) => `deb [signed-by=${keyring}] ${suite.endsWith('-security') ? security : archive} ${suite} main`);
  writeFileSync(join(apt, 'sources.list'), lines.join('\n') + '\n');
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** The versions of `name` the archive serves now, for the re-pin advice. */
function availableVersions(cache: string, manifest: Manifest, name: string): string[] {
  try {
    return run('apt-cache', [...aptOptions(cache, manifest), 'madison', name])
      .split('\n')
      .map((line) => line.split('|')[1]?.trim())
      .filter((v): v is string => Boolean(v));
  } catch {
    return [];
  }
}

export class PinError extends Error {}

/** Downloads (when missing), checks and unpacks every pinned package. Logs each step to `log`. */
export function fetchPinnedPackages(manifest: Manifest, cache = cacheRoot(), log: (line: string) => void = console.log): void {
  writeAptConfiguration(cache, manifest);
  const archives = join(cache, 'apt', 'archives');
  const missing = manifest.kernels.flatMap((k) => k.packages).filter((pkg) => !existsSync(join(archives, pkg.file)) || sha256(join(archives, pkg.file)) !== pkg.sha256);
  if (missing.length > 0) {
    log(`apt-get update (private configuration in ${join(cache, 'apt')})`);
    run('apt-get', [...aptOptions(cache, manifest), 'update']);
    for (const pkg of missing) {
      log(`download ${pkg.name} ${pkg.version}`);
      try {
        run('apt-get', [...aptOptions(cache, manifest), 'download', `${pkg.name}=${pkg.version}`], archives);
      } catch (error) {
        const versions = availableVersions(cache, manifest, pkg.name);
        throw new PinError(
          `${pkg.name} ${pkg.version} is no longer in the archive (${versions.length ? `it serves ${versions.join(', ')}` : 'the package is gone'}). ` +
            `Re-pin it in scripts/debian/manifest.json (name, version, file, sha256) as DEVELOPING.md describes; nothing else was taken instead.\n${(error as { stderr?: string }).stderr ?? ''}`,
        );
      }
      const actual = sha256(join(archives, pkg.file));
      if (actual !== pkg.sha256) throw new PinError(`${pkg.file}: SHA-256 ${actual} is not the pinned ${pkg.sha256}; the archive changed this version, or the download is damaged`);
    }
  }
  for (const pkg of manifest.kernels.flatMap((k) => k.packages)) unpack(cache, pkg, log);
}

/** Unpacks a .deb into its own folder; a half-done unpack is redone, a complete one kept. */
function unpack(cache: string, pkg: PinnedPackage, log: (line: string) => void): void {
  const target = unpackedDir(cache, pkg);
  if (existsSync(join(target, '.complete'))) return;
  log(`unpack ${pkg.file}`);
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('dpkg-deb', ['-x', join(cache, 'apt', 'archives', pkg.file), partial]);
  writeFileSync(join(partial, '.complete'), `${pkg.sha256}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
}
