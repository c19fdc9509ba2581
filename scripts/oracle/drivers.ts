// The drivers the oracle builds: real out-of-tree drivers from Debian's *-dkms packages,
// pinned in drivers.json (older versions on purpose: they break on newer kernels, which is
// what the oracle measures), downloaded and unpacked into the cache.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/cli/paths';
import { ensureDeb, unpackOnce, type AptContext, type PinnedDeb } from './debs';
import { oracleDir } from './kernels';

export const DRIVERS_PATH = join(packageRoot, 'scripts', 'oracle', 'drivers.json');

export interface DriverPin extends PinnedDeb {
  /** The suite it was pinned from, for people re-pinning. */
  suite: string;
  /** The folder inside the package that holds the driver's sources: 'usr/src/enhanceio-…'. */
  source: string;
  /** The subfolder Kbuild builds (`M=`), when it is not the source folder itself. */
  build?: string;
  /** Extra make variables the package's dkms.conf passes; `${SOURCE}` is the build copy's root. */
  makeArgs?: string[];
}

export interface Driver {
  pin: DriverPin;
  /** The unpacked source folder: read-only input, copied for each build. */
  sourceDir: string;
}

/** A short name for tables: the package name without `-dkms`. */
export function driverName(pin: DriverPin): string {
  return pin.name.replace(/-dkms$/, '');
}

export function readDriverPins(path = DRIVERS_PATH): DriverPin[] {
  const pins = (JSON.parse(readFileSync(path, 'utf8')) as { drivers: DriverPin[] }).drivers;
  for (const pin of pins) {
    for (const field of ['name', 'version', 'file', 'sha256', 'suite', 'source'] as const) {
      if (typeof pin[field] !== 'string' || pin[field] === '') throw new Error(`${path}: ${pin.name ?? 'a driver'} has no ${field}`);
    }
  }
  return pins;
}

/**
 * Downloads (when missing) and unpacks a driver's package; says what the package holds when its
 * source folder is not there. `pinnedIn`: the pins file the driver came from, named in messages.
 */
export function prepareDriver(apt: AptContext, pin: DriverPin, pinnedIn = DRIVERS_PATH): Driver {
  const deb = ensureDeb(apt, pin, join(oracleDir(apt.cache), 'debs'), pinnedIn);
  const unpacked = join(oracleDir(apt.cache), 'drivers', `${pin.name}_${pin.version}`);
  unpackOnce(deb, pin.sha256, unpacked, apt.log);
  const sourceDir = join(unpacked, pin.source);
  if (!existsSync(sourceDir)) {
    const src = join(unpacked, 'usr', 'src');
    const holds = existsSync(src) ? readdirSync(src).map((f) => `usr/src/${f}`).join(', ') : 'no usr/src';
    throw new Error(`${pin.file} has no folder ${pin.source} (it holds ${holds}); fix "source" in ${pinnedIn}`);
  }
  return { pin, sourceDir };
}

/** The make variables for a build in `copy`, with `${SOURCE}` replaced. */
export function makeArgsFor(pin: DriverPin, copy: string): string[] {
  return (pin.makeArgs ?? []).map((arg) => arg.split('${SOURCE}').join(copy));
}
