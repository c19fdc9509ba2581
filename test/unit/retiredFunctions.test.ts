// Functions older kernels had and newer ones dropped (do_gettimeofday, gone in 5.0): the
// importer lists those no Debian kernel's headers spell, and a call of one does not compile on
// any Debian kernel (missingFunction.test.ts judges such calls).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { headerFacts } from './helpers';
import { headersFile } from '../../scripts/import/headers';
import { droppedGlobalFunctions } from '../../scripts/import/olderFunctions';
import type { KernelImage } from '../../src/core/kernels/schema';

/** One kernel's facts: only what the retired list reads. */
const facts = (spelled: string[], pasted: string[] = []) => headerFacts({ spelledWatched: new Set(spelled), pastedFunctions: pasted });

describe('retired functions in the header data', () => {
  it('lists the older kernels\' functions that no kernel spells or pastes', () => {
    const older = new Set(['do_gettimeofday', 'blk_init_queue', 'PageActive', 'fs_param_is_u32']);
    const { names } = headersFile([0, 1], [facts(['fs_param_is_u32'], ['PageActive']), facts([])], { olderFunctions: older });
    assert.deepEqual(names.retiredFunctions, ['blk_init_queue', 'do_gettimeofday']);
  });

  it('watches the globals of some amd64 image that the newest image lacks: no static, arm-only or still-present one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernel-compat-older-'));
    try {
      const line = (name: string, collision: string, images: string[]) => JSON.stringify({ name, variants: [{ proto: `void ${name}(void);`, inline: 'No', collision, transformation: 'False', images }] });
      const lines = [
        line('do_gettimeofday', 'Unique Global', ['4.4', '4.18']),
        line('acpi_ev_terminate', 'Unique Global', ['4.4', '6.8']),
        line('efi_create_mapping', 'Unique Global', ['arm64']),
        line('init_once', 'Unique Static', ['4.4']),
        JSON.stringify({ name: 'set_fs', variants: [] }),
      ];
      writeFileSync(join(dir, 'functions.jsonl.gz'), gzipSync(lines.join('\n') + '\n'));
      const image = (label: string, arch: string, group: 'version' | 'arch', versionCode: number) => ({ label, arch, group, versionCode }) as KernelImage;
      const images = [image('4.4', 'amd64', 'version', 0x40400), image('4.18', 'amd64', 'version', 0x41200), image('6.8', 'amd64', 'version', 0x60800), image('arm64', 'arm64', 'arch', 0x50400)];
      assert.deepEqual([...droppedGlobalFunctions(dir, images)], ['do_gettimeofday']);
      assert.deepEqual([...droppedGlobalFunctions(join(dir, 'nowhere'), images)], []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
