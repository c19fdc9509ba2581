// The Debian side of build:data on small inputs: which of several same-named definitions is
// the kernel's, image records from package versions, and the order of images.
import * as assert from 'node:assert/strict';
import { orderImages } from '../../scripts/build-data';
import type { SourcedDefinition } from '../../scripts/debian/kernel';
import { moduleName } from '../../scripts/debian/kernel';
import { debianImage, kernelsOwn, releaseOfDebianVersion } from '../../scripts/import/debian';
import type { PinnedKernel } from '../../scripts/debian/packages';
import { bundledDatabase } from './helpers';

const layout = (origins: string[], member: string): SourcedDefinition => ({
  origins,
  definition: { members: [{ name: member, declaration: `int ${member}`, type: 'int' }], incomplete: false },
});

describe('Debian kernels import', () => {
  it('takes vmlinux\'s definition as the kernel\'s, else the layout the most modules carry', () => {
    const ppp = layout(['ppp_generic'], 'file');
    const smb = layout(['smb_server'], 'conn');
    const drm = layout(['drm', 'amdgpu', 'i915'], 'dev');
    assert.equal(kernelsOwn([ppp, smb]), ppp, 'a tie keeps the first read (shallowest module path)');
    assert.equal(kernelsOwn([ppp, drm]), drm);
    const vmlinux = layout(['', 'some_module'], 'x');
    assert.equal(kernelsOwn([drm, vmlinux]), vmlinux);
  });

  it('reads the upstream release from Debian package versions', () => {
    assert.equal(releaseOfDebianVersion('6.12.118-1~deb12u1'), '6.12.118');
    assert.equal(releaseOfDebianVersion('7.3.4-1~bpo13+1'), '7.3.4');
    assert.equal(releaseOfDebianVersion('5.10.223-1'), '5.10.223');
    assert.throws(() => releaseOfDebianVersion('banana'), /not a Debian kernel package version/);
    assert.equal(moduleName('/lib/modules/6.12/kernel/drivers/vfio/vfio.ko.xz'), 'vfio');
    assert.equal(moduleName('kernel/sound/pci/snd-es1968.ko'), 'snd-es1968');
  });

  it('records a kernel from the 7.x split packages, and one whose modules carry no BTF', () => {
    const pinned: PinnedKernel = {
      label: '7.3',
      uname: '7.3.4+deb13-amd64',
      suite: 'trixie-backports',
      packages: [
        { role: 'kernel', name: 'linux-binary-7.3.4+deb13-amd64', version: '7.3.4-1~bpo13+1', file: 'x.deb', sha256: '0' },
        { role: 'headers-common', name: 'linux-headers-7.3.4+deb13-common', version: '7.3.4-1~bpo13+1', file: 'y.deb', sha256: '0' },
      ],
    };
    assert.deepEqual(debianImage(pinned, true), {
      label: '7.3', image: '7.3.4+deb13-amd64', group: 'version', arch: 'amd64', flavor: 'amd64', release: '7.3.4', versionCode: 0x070304,
      distribution: 'debian', btf: 'vmlinux+modules', package: 'linux-binary-7.3.4+deb13-amd64 7.3.4-1~bpo13+1', headers: true,
    });
    assert.equal(debianImage(pinned, false).btf, 'vmlinux');
  });

  it('orders the version images of both distributions by version, arch and flavor images after', () => {
    const images = bundledDatabase().images;
    const ubuntu = images.filter((i) => i.distribution === 'ubuntu');
    const debian = images.filter((i) => i.distribution === 'debian');
    assert.deepEqual(orderImages(ubuntu, debian).map((i) => i.label), images.map((i) => i.label));
  });
});
