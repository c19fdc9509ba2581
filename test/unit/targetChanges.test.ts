// The "changes across the targets" view: only the targeted images, only their differences.
import * as assert from 'node:assert/strict';
import { absentMeaning } from '../../src/core/kernels/imageWords';
import { targetChangesText, targetPairs } from '../../src/core/kernels/targetChanges';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
const targets = (spec: string) => parseTargets(spec, db.images).images;
const vfio = { kind: 'struct' as const, name: 'vfio_device_ops' };
const SOURCE = `Source: ${db.source}.`;

describe('changes across the targeted kernels', () => {
  it('shows the net change, each changed step, and the two definitions', () => {
    const text = targetChangesText(db, vfio, targets('5.11,5.13,5.15'));
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 7), ['struct vfio_device_ops', 'Targets: 5.11–5.15', SOURCE, absentMeaning([db.images[db.imageIndex('5.11')!]]), '', 'Oldest and newest', '5.11 and 5.15 ⚠️']);
    const stepStart = lines.indexOf('Step by step');
    const definitionsStart = lines.indexOf('Definitions');
    assert.deepEqual(
      lines.slice(stepStart, definitionsStart).filter((l) => !l.startsWith('  ')),
      ['Step by step', 'Regular', '5.11 and 5.13 ⚠️', '5.13 and 5.15 ⚠️', ''],
    );
    assert.ok(lines.includes('  Field removed: int (*open)(struct vfio_device *) (replaced by open_device)'));
    assert.deepEqual(
      lines.slice(definitionsStart).filter((l) => l.includes('✅')),
      ['5.11: present ✅', '5.15: present ✅'],
    );
    assert.ok(text.endsWith('};\n'));
  });

  it('leaves out unchanged steps and says where the struct is absent', () => {
    const lines = targetChangesText(db, vfio, targets('5.8,5.11,5.13,5.15,5.19,6.2')).split('\n');
    assert.ok(!lines.includes('5.8 and 5.11 ✅'), 'an unchanged step is not a difference');
    assert.ok(lines.includes('5.8 and 5.19 ⚠️'), 'the ends are the oldest and newest targets that have the struct');
    assert.ok(lines.includes('Absent from: 6.2 ⚠️'));
    assert.ok(lines.includes('5.19 and 6.2 ⚠️ absent from 6.2 (not in vmlinux BTF; may be a module or configured off), present in 5.19'));
  });

  it('steps through each distribution on its own when the targets mix them', () => {
    const lines = targetChangesText(db, vfio, targets('5.15..6.12')).split('\n');
    const steps = lines.slice(lines.indexOf('Step by step'), lines.indexOf('Definitions'));
    assert.ok(steps.includes('5.15 and 5.19 ⚠️'), steps.join('\n'));
    assert.ok(steps.includes('6.1 and 6.12 ⚠️'), steps.join('\n'));
    assert.ok(!steps.some((l) => l.startsWith('5.19 and 6.1') || l.startsWith('6.8 and 6.12')), 'no step across distributions');
    assert.ok(lines.includes('Absent from: 6.2–6.8 ⚠️'));
  });

  it('says so when there is nothing to compare', () => {
    const none = targetChangesText(db, vfio, targets('4.4,6.8'));
    assert.ok(none.includes('\nNo changes to compare: no targeted kernel has struct vfio_device_ops in its data\nAbsent from: 4.4, 6.8 ⚠️\n'), none);
    assert.ok(none.includes('\nStep by step\nNo changes between the targeted kernels\n'), none);
    assert.ok(!none.includes('Definitions'));
    const one = targetChangesText(db, vfio, targets('5.4'));
    assert.ok(one.includes('No changes to compare: of the targets, only 5.4 has struct vfio_device_ops in its data'), one);
  });

  it('compares arch and flavor images only with a targeted base image', () => {
    const labels = (spec: string) => targetPairs(db, targets(spec)).map((p) => `${db.images[p.from].label}>${db.images[p.to].label}`);
    assert.deepEqual(labels('5.4,5.8,arm64,aws'), ['5.4>5.8', '5.4>arm64', '5.4>aws']);
    assert.deepEqual(labels('5.8,arm64,aws'), []);
  });
});
