import * as assert from 'node:assert/strict';
import { aggregateHover, memberHover, stopHover } from '../../src/core/hover';
import { parseTargets } from '../../src/core/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
const versions = parseTargets('versions', db.images).images;

describe('hover text', () => {
  it('shows a member\'s history per group, the successor and where it is missing on the targets', () => {
    assert.equal(
      memberHover(db, { kind: 'struct', name: 'vfio_device_ops' }, 'open', versions),
      [
        '**struct vfio\\_device\\_ops** · member `open`',
        '',
        '*Versions*',
        '',
        '- 4.4–5.3: struct not in vmlinux BTF',
        '- 5.4–5.11: `int (*open)(void *)`',
        '- 5.13: `int (*open)(struct vfio_device *)`',
        '- 5.15–5.19: no `open`',
        '- 6.2–6.8: struct not in vmlinux BTF',
        '',
        '*Architectures (5.4)*',
        '',
        '- arm64, armhf: struct not in vmlinux BTF',
        '- ppc64el: `int (*open)(void *)`',
        '- riscv64: struct not in vmlinux BTF',
        '',
        '*Flavors (5.4)*',
        '',
        '- aws: struct not in vmlinux BTF',
        '- azure, gcp, lowlatency: `int (*open)(void *)`',
        '',
        'Replaced by `open_device` in 5.15.',
        '',
        'Missing on targeted 5.15–5.19.',
      ].join('\n'),
    );
  });

  it('never calls a member hidden in an unnamed member missing', () => {
    const text = memberHover(db, { kind: 'struct', name: 'vm_fault' }, 'address', versions);
    assert.match(text, /- 5\.13–6\.8: not visible \(inside an unnamed member the data does not show\)/);
    assert.match(text, /Missing on targeted 4\.4–4\.8\.$/);
  });

  it('says on an #error line which targeted kernels the build stops for', () => {
    const stopped = parseTargets('5.8..6.8', db.images).images;
    assert.equal(
      stopHover(db, stopped, versions),
      '**Kernel Compat** · the build stops here on 5.8–6.8 (an `#error` that is certainly reached).\n\n' +
        'Nothing in this file is checked for those kernels: the driver does not build there.',
    );
  });

  it('shows a struct\'s availability and member changes across the targets', () => {
    assert.equal(
      aggregateHover(db, { kind: 'struct', name: 'vfio_device_ops' }, parseTargets('5.11..5.15', db.images).images),
      [
        '**struct vfio\\_device\\_ops**',
        '',
        'In the vmlinux BTF of 5.11–5.15.',
        '',
        'Changes across the targeted kernels:',
        '- 5.11 → 5.13: ~`open`, ~`release`, ~`read`, ~`write`, ~`ioctl`, ~`mmap`, ~`request`, ~`match`',
        '- 5.13 → 5.15: +`open_device`, +`close_device`, −`open`, −`release`',
      ].join('\n'),
    );
  });
});
