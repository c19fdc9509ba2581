// What one target kernel answers: its version and its config values, as the macros a
// condition may name.
import type { KernelEnvironment } from '../preprocessor';
import { LeafKind } from './tokens';
import { applyUnary, integerLiteralValue, truthValue, type Val } from './numbers';

export interface ConfigMacro {
  /** defined(CONFIG_X) */
  readonly defined: boolean | undefined;
  /** what CONFIG_X evaluates to in #if */
  readonly value: Val;
  /** whether CONFIG_X is defined as exactly `1` (IS_BUILTIN) */
  readonly isOne: boolean | undefined;
}

export const UNKNOWN_CONFIG: ConfigMacro = { defined: undefined, value: undefined, isOne: undefined };
export const UNSET_CONFIG: ConfigMacro = { defined: false, value: 0, isOne: false };
export const BUILTIN_CONFIG: ConfigMacro = { defined: true, value: 1, isOne: true };
export const STRING_CONFIG: ConfigMacro = { defined: true, value: undefined, isOne: false };

/**
 * A kernel name's test is asked and answered as a config symbol of its own, so that a header
 * reading records it with the configs it asked and is replayed only where the answers agree.
 */
const KERNEL_NAME = '\u0000kernel-name:';

export function kernelNameSymbol(name: string): string {
  return KERNEL_NAME + name;
}

export function isKernelNameSymbol(symbol: string): boolean {
  return symbol.startsWith(KERNEL_NAME);
}

/** `__has_include(<name>)`'s kernel side, asked and answered as a config symbol for the same reason. */
const KERNEL_HEADER = '\u0000kernel-header:';

export function kernelHeaderSymbol(name: string): string {
  return KERNEL_HEADER + name;
}

export class EnvironmentView {
  readonly versionCode: number | undefined;
  private readonly configMacros = new Map<string, ConfigMacro>();
  /** Told of every config symbol asked about (header readings depend on the answers). */
  onConfig: ((symbol: string) => void) | undefined;

  constructor(private readonly env: KernelEnvironment) {
    const code = env.versionCode;
    this.versionCode = Number.isSafeInteger(code) && code >= 0 ? code : undefined;
  }

  leafValue(kind: LeafKind, name: string): Val {
    const code = this.versionCode;
    switch (kind) {
      case LeafKind.VersionCode:
        return code;
      case LeafKind.VersionMajor:
        return code === undefined ? undefined : Math.floor(code / 65536);
      case LeafKind.VersionPatchlevel:
        return code === undefined ? undefined : Math.floor(code / 256) % 256;
      case LeafKind.VersionSublevel:
        return code === undefined ? undefined : code % 256;
      case LeafKind.ConfigValue:
        return this.configMacro(name).value;
      case LeafKind.ConfigDefined:
        return truthValue(this.configMacro(name).defined);
      case LeafKind.ConfigIsOne:
        return truthValue(this.configMacro(name).isOne);
      case LeafKind.KernelName:
        // gcc reads a name no macro defines as 0, whether `defined(X)` or `X`.
        return this.configMacro(kernelNameSymbol(name)).value;
      case LeafKind.KernelHeader:
        return this.configMacro(kernelHeaderSymbol(name)).value;
    }
  }

  /** How the image's autoconf.h defines `symbol` (CONFIG_X=m defines CONFIG_X_MODULE, not CONFIG_X). */
  configMacro(symbol: string): ConfigMacro {
    this.onConfig?.(symbol);
    let macro = this.configMacros.get(symbol);
    if (macro === undefined) {
      macro = this.computeConfigMacro(symbol);
      this.configMacros.set(symbol, macro);
    }
    return macro;
  }

  private computeConfigMacro(symbol: string): ConfigMacro {
    if (isKernelNameSymbol(symbol)) return this.kernelDeclares(symbol.slice(KERNEL_NAME.length)) === false ? UNSET_CONFIG : UNKNOWN_CONFIG;
    if (symbol.startsWith(KERNEL_HEADER)) {
      const has = this.kernelHas(symbol.slice(KERNEL_HEADER.length));
      return has === undefined ? UNKNOWN_CONFIG : has ? BUILTIN_CONFIG : UNSET_CONFIG;
    }
    const raw = this.rawConfig(symbol);
    if (raw === null) return UNKNOWN_CONFIG;
    if (raw === undefined || raw === '' || raw === 'n') {
      if (symbol.endsWith('_MODULE') && symbol.length > 'CONFIG__MODULE'.length) {
        const base = this.rawConfig(symbol.slice(0, -'_MODULE'.length));
        if (base === null) return UNKNOWN_CONFIG;
        return base === 'm' ? BUILTIN_CONFIG : UNSET_CONFIG;
      }
      return UNSET_CONFIG;
    }
    if (raw === 'y') return BUILTIN_CONFIG;
    if (raw === 'm') return UNSET_CONFIG;
    if (raw.startsWith('"')) return STRING_CONFIG;
    const text = raw.trim();
    const negative = text.startsWith('-');
    const parsed = integerLiteralValue(negative ? text.slice(1).trim() : text);
    const value = typeof parsed === 'string' ? undefined : negative ? applyUnary('-', parsed) : parsed;
    return { defined: true, value, isOne: text === '1' };
  }

  private kernelHas(header: string): boolean | undefined {
    try {
      return this.env.hasHeader?.(header);
    } catch {
      return undefined;
    }
  }

  private kernelDeclares(name: string): boolean | undefined {
    try {
      return this.env.declares?.(name);
    } catch {
      return undefined;
    }
  }

  private rawConfig(symbol: string): string | undefined | null {
    try {
      const value = this.env.config(symbol);
      return value === undefined || value === null || typeof value === 'string' ? value : null;
    } catch {
      return null;
    }
  }
}

