import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

// What the database keeps across files (its answers per struct, member and kernel function)
// is keyed by names cut from the files' texts. Kept as cut, a name keeps its whole text alive:
// a run over drivers/ held 100 MB of texts per thread that way.

/** A collection forced from the test: the runtime's own, reached through a fresh context. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapAfterCollection(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Kernel functions the headers declare, with names long enough to be cut as slices. */
const FUNCTIONS = ['pci_enable_device', 'dma_set_mask_and_coherent', 'request_threaded_irq', 'register_chrdev_region', 'alloc_chrdev_region', 'device_create', 'class_destroy', 'wake_up_process', 'schedule_timeout', 'msleep_interruptible', 'mutex_lock_interruptible', 'dev_set_drvdata'];

/** A name as a file's text holds it: cut from a 1 MB text, as a regex match or a node's text is. */
function cutFromText(name: string): string {
  const text = `${'/* padding */\n'.repeat(70_000)}${name}(dev);\n`;
  const at = text.lastIndexOf(name);
  return text.slice(at, at + name.length);
}

describe('texts the database keeps', () => {
  const db = bundledDatabase();
  const [image] = parseTargets('6.1', db.images).images;

  it('keeps none of the texts the names it was asked about were cut from', () => {
    const headers = db.headers();
    assert.deepEqual(FUNCTIONS.filter((name) => !headers.isFunction(name)), []);
    headers.functions('warm_up_function', image);
    db.memberHistory({ kind: 'struct', name: 'file' }, 'f_flags');
    const before = heapAfterCollection();
    FUNCTIONS.forEach((name, n) => {
      assert.ok(headers.functions(cutFromText(name), image)?.length, name);
      const struct = cutFromText(`kc_struct_of_file_number_${n}`);
      assert.equal(db.memberHistory({ kind: 'struct', name: struct }, cutFromText('kc_member_asked_about'))[image].state, 'no-aggregate');
      assert.equal(db.memberHistory({ kind: 'struct', name: 'file' }, cutFromText(`kc_member_of_file_number_${n}`))[image].state, 'absent');
    });
    const grownMb = (heapAfterCollection() - before) / 1e6;
    // Each name was cut from a text of 1 MB: keeping them would grow the heap by 36 MB.
    assert.ok(grownMb < 6, `the heap grew by ${grownMb.toFixed(1)} MB for ${FUNCTIONS.length * 4} names`);
  });
});
