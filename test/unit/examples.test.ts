// Every kernel struct usage in the bundled example drivers, listed by hand from reading the
// code: the checker must find each one (with the right struct) and nothing else. This is the
// recall figure the README quotes for the examples.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceIncludeResolver } from '../../src/cli/files';
import { packageRoot } from '../../src/cli/paths';
import { createChecker } from '../../src/cli/runtime';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const EXPECTED: Record<string, string[]> = {
  'vfio-mtty/mtty.c': [
    '65 access vfio_device.ops',
    '78 initializer vfio_device_ops.name',
    '80 initializer vfio_device_ops.open_device',
    '81 initializer vfio_device_ops.close_device',
    '83 initializer vfio_device_ops.open',
    '84 initializer vfio_device_ops.release',
    '86 initializer vfio_device_ops.read',
  ],
  'vfio-mtty/mtty_legacy.c': [
    '24 initializer vfio_device_ops.name',
    '25 initializer vfio_device_ops.open',
    '26 initializer vfio_device_ops.release',
    '27 initializer vfio_device_ops.ioctl',
  ],
  'chardev/chardev.c': [
    '25 initializer file_operations.owner',
    '26 initializer file_operations.read',
    '27 initializer file_operations.unlocked_ioctl',
    '32 initializer proc_ops.proc_read',
    '36 initializer file_operations.owner',
    '37 initializer file_operations.read',
    '48 access timer_list.data',
  ],
  'netdev/netdev.c': [
    '26 access net_device.trans_start',
    '30 initializer net_device_ops.ndo_start_xmit',
    '31 initializer net_device_ops.ndo_tx_timeout',
    '36 access net_device.netdev_ops',
    '37 access net_device.max_mtu',
  ],
};

describe('usages in the example drivers', () => {
  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`finds every kernel struct usage in examples/${file}`, async () => {
      const db = bundledDatabase();
      const { checker } = await createChecker(db);
      const path = join(packageRoot, 'examples', file);
      const result = checker.check(readFileSync(path, 'utf8'), {
        fileName: path,
        targets: parseTargets('all', db.images).images,
        resolveInclude: workspaceIncludeResolver([dirname(path)]),
      });
      const found = result.usages.map((u) => `${u.usage.range.startLine + 1} ${u.usage.kind} ${u.usage.aggregate.name}.${u.usage.member}`);
      assert.deepEqual(found, expected);
    });
  }
});
