// What the target picker writes into kernelCompat.targets: the shortest spec for a choice,
// which must read back as exactly that choice.
import * as assert from 'node:assert/strict';
import type { KernelImage } from '../../src/core/kernels/schema';
import { ltsImages, rangeSeries, shortestTargetSpec, targetGroups } from '../../src/core/kernels/targetSpec';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const images = bundledDatabase().images;
const select = (spec: string, from: readonly KernelImage[] = images) => parseTargets(spec, from).images;
const labels = (indices: readonly number[], from: readonly KernelImage[] = images) => indices.map((index) => from[index].label);
/** The spec written for the images a spec selects: how the picker turns a choice into a setting. */
const written = (spec: string, from: readonly KernelImage[] = images) => shortestTargetSpec(from, select(spec, from));

/** A kernel imported from BTF, as the extension adds one: it takes part in ranges by its release. */
function imported(label: string, release: string): KernelImage {
  const [major, minor, patch] = release.split('.').map(Number);
  return { label, image: label, group: 'imported', arch: 'amd64', flavor: 'imported', release, versionCode: (major << 16) + (minor << 8) + patch, distribution: 'imported', btf: 'vmlinux' };
}

describe('the shortest target spec', () => {
  it('names a whole group with its word', () => {
    assert.deepEqual(written('versions'), ['versions']);
    assert.equal(select('versions').length, 22);
    assert.deepEqual(written('ubuntu'), ['ubuntu']);
    assert.deepEqual(written('debian'), ['debian']);
    assert.deepEqual(written('all'), ['all']);
    assert.deepEqual(written('versions,arch'), ['versions', 'arch']);
    assert.deepEqual(written('4.4..7.3'), ['versions'], 'a range over every version is the versions word');
  });

  it('writes a run of version images as one range, across both distributions', () => {
    assert.deepEqual(written('5.4..7.3'), ['5.4..7.3']);
    assert.deepEqual(written('5.4,5.8,5.11,5.13,5.15,5.19'), ['5.4..5.8', '5.11..5.19'], 'Debian 5.10 is not chosen, so no range may take it');
    assert.deepEqual(written('5.4,5.8,5.10,5.11,5.13,5.15,5.19'), ['5.4..5.19']);
    assert.deepEqual(written('5.15,5.19'), ['5.15..5.19']);
  });

  it('uses a group word only when the whole group is chosen', () => {
    assert.deepEqual(written('6.1,6.12,7.2,7.3'), ['6.1', '6.12..7.3'], 'Debian without 5.10 is not `debian`, and Ubuntu 6.2–6.8 stand between 6.1 and 6.12');
    assert.deepEqual(written('ubuntu,6.1,6.12,7.2,7.3'), ['ubuntu', '6.1..7.3']);
    assert.deepEqual(written('debian,5.4'), ['debian', '5.4']);
  });

  it('lists single kernels, arches and flavors by label', () => {
    assert.deepEqual(written('5.15'), ['5.15']);
    assert.deepEqual(written('5.4,arm64,aws,lowlatency'), ['5.4', 'arm64', 'aws', 'lowlatency']);
    assert.deepEqual(written('4.4,6.8'), ['4.4', '6.8']);
    assert.deepEqual(shortestTargetSpec(images, []), []);
  });

  it('reads back as exactly the chosen kernels, for any choice', () => {
    // A fixed pseudo-random sequence: the same 500 choices on every run.
    let seed = 15;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 500; round++) {
      const density = random();
      const chosen = images.flatMap((_, index) => (random() < density ? [index] : []));
      const spec = shortestTargetSpec(images, chosen);
      const read = parseTargets(spec, images);
      assert.deepEqual(read.images, chosen, `${JSON.stringify(spec)} for ${labels(chosen).join(',')}`);
      assert.deepEqual(read.errors, []);
      assert.ok(spec.length <= chosen.length, `${JSON.stringify(spec)} is longer than the labels`);
    }
  });

  it('keeps imported kernels out of a range unless they are chosen', () => {
    const withRhel = [...images, imported('rhel9.4', '5.14.0')];
    assert.deepEqual(written('5.4,5.8,5.10,5.11,5.13,5.15,5.19', withRhel), ['5.4..5.13', '5.15..5.19'], 'rhel9.4 (5.14) lies inside 5.4..5.19');
    assert.deepEqual(written('5.4..5.19', withRhel), ['5.4..5.19']);
    assert.deepEqual(written('versions', withRhel), ['versions']);
    assert.deepEqual(written('versions,rhel9.4', withRhel), ['4.4..7.3'], 'a range takes the imported kernels of its versions');
    assert.deepEqual(written('all', withRhel), ['all']);
  });
});

describe('the groups the target picker offers', () => {
  it('offers all versions, each distribution, the LTS kernels, arches and flavors, each written as its shortest spec', () => {
    assert.deepEqual(
      targetGroups(images).map((group) => [group.title, shortestTargetSpec(images, group.images)]),
      [
        ['All versions', ['versions']],
        ['Ubuntu only', ['ubuntu']],
        ['Debian only', ['debian']],
        ['LTS kernels', ['4.4', '5.4', '5.10', '5.15', '6.1', '6.12']],
        ['Other architectures', ['arch']],
        ['Flavors', ['flavor']],
      ],
    );
  });

  it('offers imported kernels once there are some', () => {
    const withRhel = [...images, imported('rhel9.4', '5.14.0')];
    const group = targetGroups(withRhel).find((g) => g.title === 'Imported kernels');
    assert.deepEqual(group && labels(group.images, withRhel), ['rhel9.4']);
  });

  it('takes the LTS kernels from the version images only, by upstream series', () => {
    assert.deepEqual(labels(ltsImages(images)), ['4.4', '5.4', '5.10', '5.15', '6.1', '6.12']);
    assert.deepEqual(labels(ltsImages([...images, imported('rhel9.4', '5.14.0'), imported('sles', '6.6.3')])), ['4.4', '5.4', '5.10', '5.15', '6.1', '6.12']);
  });

  it('offers each series once as a range end, oldest first, and a from/to choice writes its range', () => {
    const series = rangeSeries(images);
    assert.equal(series.length, 22);
    assert.deepEqual([series[0], series[8], series[10], series[21]], ['4.4', '5.4', '5.10', '7.3']);
    assert.deepEqual(rangeSeries([...images, imported('rhel9.4', '5.14.0'), imported('mybox', '5.15.2')]).slice(12, 15), ['5.13', '5.14', '5.15']);
    assert.deepEqual(written('5.4..7.3'), ['5.4..7.3']);
    assert.deepEqual(written('6.2..6.8'), ['6.2..6.8']);
    assert.deepEqual(written('6.12..6.12'), ['6.12']);
  });
});
