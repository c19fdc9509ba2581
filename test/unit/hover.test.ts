import * as assert from 'node:assert/strict';
import { aggregateHover, memberHover, stopHover } from '../../src/core/hover';
import { carriersText } from '../../src/core/imageWords';
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
        '- 5.4–5.8: `int (*open)(void *)`',
        '- 5.10: struct not in vmlinux BTF',
        '- 5.11: `int (*open)(void *)`',
        '- 5.13: `int (*open)(struct vfio_device *)`',
        '- 5.15–6.1: no `open`',
        '- 6.2–6.8: struct not in vmlinux BTF',
        '- 6.12–7.3: no `open`',
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
        'Missing on targeted 5.15–6.1, 6.12–7.3.',
      ].join('\n'),
    );
  });

  it('never calls a member hidden in an unnamed member missing', () => {
    const text = memberHover(db, { kind: 'struct', name: 'vm_fault' }, 'address', versions);
    assert.match(text, /- 5\.13–5\.19: not visible \(inside an unnamed member the data does not show\)/);
    assert.match(text, /- 6\.2–6\.8: not visible \(inside an unnamed member the data does not show\)/);
    // The Debian kernels' BTF is read with anonymous members opened: there the member shows.
    assert.match(text, /- 6\.12–7\.3: `long unsigned int address`/);
    assert.match(text, /Missing on targeted 4\.4–4\.8\.$/);
  });

  it('says where a struct lives on the kernels read with modules, and where it is absent from vmlinux only', () => {
    assert.equal(
      aggregateHover(db, { kind: 'struct', name: 'vfio_device_ops' }, parseTargets('6.8,6.12,7.3', db.images).images),
      [
        '**struct vfio\\_device\\_ops**',
        '',
        'Present on 6.12–7.3.',
        `In modules on 6.12–7.3: ${carriersText(db.carriers({ kind: 'struct', name: 'vfio_device_ops' }, db.imageIndex('7.3')!)!)}.`,
        'Not in the vmlinux BTF of 6.8 (it may be a module or configured off there).',
        '',
        'No member changes across the targeted kernels.',
      ].join('\n'),
    );
    assert.match(aggregateHover(db, { kind: 'struct', name: 'channel' }, parseTargets('7.3', db.images).images), /No public header defines it on 7\.3: private to a module or a \.c file there\./);
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
        'Present on 5.11–5.15.',
        '',
        'Changes across the targeted kernels:',
        '- 5.11 → 5.13: ~`open`, ~`release`, ~`read`, ~`write`, ~`ioctl`, ~`mmap`, ~`request`, ~`match`',
        '- 5.13 → 5.15: +`open_device`, +`close_device`, −`open`, −`release`',
      ].join('\n'),
    );
  });
});
