import * as assert from 'node:assert/strict';
import { aggregateHover, memberHover, stopHover } from '../../src/core/check/hover';
import { carriersText } from '../../src/core/kernels/imageWords';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
const versions = parseTargets('versions', db.images).images;

describe('hover text', () => {
  it('leads with the verdict for the kernels that build the line, then the history on the targets, then the rest', () => {
    const targets = parseTargets('5.4..5.19', db.images).images;
    assert.equal(
      memberHover(db, { kind: 'struct', name: 'vfio_device_ops' }, 'open', targets),
      [
        '**struct vfio\\_device\\_ops** · member `open`',
        '',
        '**Missing on 5.15–5.19**: replaced by `open_device` in 5.15. Present on 5.4–5.8, 5.11–5.13. Not known on 5.10 (the data there lacks the struct, or hides the member).',
        '',
        '*On the targeted kernels*',
        '',
        '- 5.4–5.8: `int (*open)(void *)`',
        '- 5.10: struct not in vmlinux BTF',
        '- 5.11: `int (*open)(void *)`',
        '- 5.13: `int (*open)(struct vfio_device *)`',
        '- 5.15–5.19: no `open`',
        '',
        '*Other versions*',
        '',
        '- 4.4–5.3: struct not in vmlinux BTF',
        '- 6.1: no `open`',
        '- 6.2–6.8: struct not in vmlinux BTF',
        '- 6.12–7.3: no `open`',
        '',
        '*Other architectures (5.4)*',
        '',
        '- arm64, armhf: struct not in vmlinux BTF',
        '- ppc64el: `int (*open)(void *)`',
        '- riscv64: struct not in vmlinux BTF',
        '',
        '*Other flavors (5.4)*',
        '',
        '- aws: struct not in vmlinux BTF',
        '- azure, gcp, lowlatency: `int (*open)(void *)`',
      ].join('\n'),
    );
    // Inside `#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 15, 0)` only 5.15 and later build the line.
    const lineTargets = parseTargets('5.15,5.19', db.images).images;
    assert.equal(memberHover(db, { kind: 'struct', name: 'vfio_device_ops' }, 'open_device', targets, lineTargets).split('\n')[2], '**Fine on every targeted kernel that builds this line:** 5.15–5.19.');
    assert.equal(memberHover(db, { kind: 'struct', name: 'vfio_device_ops' }, 'open_device', targets, []).split('\n')[2], 'No targeted kernel builds this line.');
  });

  it('never calls a member hidden in an unnamed member missing', () => {
    const text = memberHover(db, { kind: 'struct', name: 'vm_fault' }, 'address', versions);
    assert.match(text, /- 5\.13–5\.19: not visible \(inside an unnamed member the data does not show\)/);
    assert.match(text, /- 6\.2–6\.8: not visible \(inside an unnamed member the data does not show\)/);
    // The Debian kernels' BTF is read with anonymous members opened: there the member shows.
    assert.match(text, /- 6\.12–7\.3: `long unsigned int address`/);
    assert.match(text, /^\*\*Missing on 4\.4–4\.8\*\*\. Present on .* Not known on 5\.13–5\.19, 6\.2–6\.8 \(the data there lacks the struct, or hides the member\)\.$/m);
  });

  it('says where a struct lives on the kernels read with modules, and where it is absent from vmlinux only', () => {
    assert.equal(
      aggregateHover(db, { kind: 'struct', name: 'vfio_device_ops' }, parseTargets('6.8,6.12,7.3', db.images).images),
      [
        '**struct vfio\\_device\\_ops**',
        '',
        'Present on 6.12–7.3.',
        'Defined in `<linux/vfio.h>` on 6.12–7.3.',
        'Its header is not known on 6.8: the data has no headers of those kernels.',
        `In modules on 6.12–7.3: ${carriersText(db.carriers({ kind: 'struct', name: 'vfio_device_ops' }, db.imageIndex('7.3')!)!)}.`,
        'Not in the vmlinux BTF of 6.8 (it may be a module or configured off there).',
        '',
        'No member changes across the targeted kernels.',
      ].join('\n'),
    );
    assert.match(aggregateHover(db, { kind: 'struct', name: 'channel' }, parseTargets('7.3', db.images).images), /No public header defines it on 7\.3: private to a module or a \.c file there\./);
  });

  it('says on an #error line which targeted kernels the build fails for', () => {
    const stopped = parseTargets('5.8..6.8', db.images).images;
    assert.equal(
      stopHover(db, stopped, versions),
      '**Kernel Compat** · the build fails here on 5.8–6.8 (an `#error` that is certainly reached).\n\n' +
        'gcc goes on compiling the rest of the file there, and the rest is checked as it compiles it.',
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
        '- 5.11 → 5.13: type changed: `open`, `release`, `read`, `write`, `ioctl`, `mmap`, `request`, `match`',
        '- 5.13 → 5.15: added `open_device`, `close_device`; removed `open`, `release`',
      ].join('\n'),
    );
  });
});
