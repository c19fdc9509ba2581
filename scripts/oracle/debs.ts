// Downloads the bench's own pinned .deb files (Kbuild tools, drivers) with the private apt
// configuration of scripts/debian/packages.ts: the same sources list, lists and archives in
// the cache, never the system's. A version that left the archive is named, never replaced.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptOptions, type Manifest } from '../debian/packages';

export interface PinnedDeb {
  name: string;
  version: string;
  /** The .deb's file name, as `apt-get download` saves it. */
  file: string;
  sha256: string;
}

/** A pinned package the archive no longer serves as pinned; the message says how to re-pin. */
export class RepinError extends Error {}

export interface AptContext {
  cache: string;
  manifest: Manifest;
  log: (line: string) => void;
  /** Set once `apt-get update` ran in this process, so it runs at most once. */
  updated?: boolean;
}

function run(command: string, args: string[], cwd?: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function hasLists(cache: string): boolean {
  const lists = join(cache, 'apt', 'lists');
  return existsSync(lists) && readdirSync(lists).some((f) => f.includes('_Packages'));
}

function update(apt: AptContext): void {
  apt.log(`apt-get update (private configuration in ${join(apt.cache, 'apt')})`);
  run('apt-get', [...aptOptions(apt.cache, apt.manifest), 'update']);
  apt.updated = true;
}

function availableVersions(apt: AptContext, name: string): string[] {
  try {
    return run('apt-cache', [...aptOptions(apt.cache, apt.manifest), 'madison', name])
      .split('\n')
      .map((line) => line.split('|')[1]?.trim())
      .filter((v): v is string => Boolean(v));
  } catch {
    return [];
  }
}

function tryDownload(apt: AptContext, deb: PinnedDeb, dir: string): string | undefined {
  try {
    run('apt-get', [...aptOptions(apt.cache, apt.manifest), 'download', `${deb.name}=${deb.version}`], dir);
    return undefined;
  } catch (error) {
    return ((error as { stderr?: string }).stderr ?? String(error)).trim();
  }
}

/**
 * The path of `deb` in `dir`, downloaded when missing and checked against its SHA-256.
 * Stale lists are refreshed once before a version is declared gone. `pinnedIn` names the
 * file to re-pin it in.
 */
export function ensureDeb(apt: AptContext, deb: PinnedDeb, dir: string, pinnedIn: string): string {
  const path = join(dir, deb.file);
  if (existsSync(path) && sha256(path) === deb.sha256) return path;
  mkdirSync(dir, { recursive: true });
  if (!hasLists(apt.cache)) update(apt);
  apt.log(`download ${deb.name} ${deb.version}`);
  let failure = tryDownload(apt, deb, dir);
  if (failure !== undefined && !apt.updated) {
    update(apt);
    failure = tryDownload(apt, deb, dir);
  }
  if (failure !== undefined || !existsSync(path)) {
    const versions = availableVersions(apt, deb.name);
    const options = aptOptions(apt.cache, apt.manifest).join(' ');
    throw new RepinError(
      `${deb.name} ${deb.version} is no longer in the archive (${versions.length ? `it serves ${versions.join(', ')}` : 'no version of it is served'}). ` +
        `Re-pin it in ${pinnedIn}: version, file and sha256 from \`apt-cache ${options} show ${deb.name}=<version>\` ` +
        `(file is the last part of Filename). Nothing else was taken instead. The oracle's apt sources hold the main ` +
        `component only: a contrib or non-free package is downloaded by hand into ${dir}.` +
        (failure ? `\n  apt-get said: ${failure.split('\n').pop()}` : ''),
    );
  }
  const actual = sha256(path);
  if (actual !== deb.sha256) throw new RepinError(`${deb.file}: SHA-256 ${actual} is not the pinned ${deb.sha256} (${pinnedIn}); the archive changed this version, or the download is damaged`);
  return path;
}

/**
 * Unpacks a .deb into `target` with dpkg-deb, once: a `.complete` stamp holding the .deb's
 * SHA-256 marks a finished unpack; a half-done or outdated one is redone from scratch.
 */
export function unpackOnce(debPath: string, debSha256: string, target: string, log: (line: string) => void): void {
  const stamp = join(target, '.complete');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === debSha256) return;
  log(`unpack ${debPath}`);
  const partial = `${target}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('dpkg-deb', ['-x', debPath, partial]);
  writeFileSync(join(partial, '.complete'), `${debSha256}\n`);
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
}

/** Unpacks into a folder shared with other packages (the private root); no stamp, files are overwritten. */
export function unpackInto(debPath: string, target: string): void {
  mkdirSync(target, { recursive: true });
  run('dpkg-deb', ['-x', debPath, target]);
}
