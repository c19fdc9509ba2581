// A compat header's own copy of a kernel function, for kernels older than every target, does not
// stand in for the kernel's declaration on the targets (uncompiledShims.ts).
import * as assert from 'node:assert/strict';
import { checkFolder } from './helpers';

async function findings(files: Record<string, string>, targets: string): Promise<string[]> {
  return (await checkFolder(files, targets)).map((f) => `${f.file}:${f.line} ${f.code} [${f.targets.join(',')}]`);
}

/** amneziawg's socket.c, cut down: it releases a `struct socket *`, which 7.2 no longer takes. */
const RELEASE = [
  '#include <linux/module.h>',
  '#include <net/sock.h>',
  '#include <net/udp_tunnel.h>',
  '#include "compat.h"',
  '',
  'void demo_free(struct socket *sock);',
  'void demo_free(struct socket *sock)',
  '{',
  '\tudp_tunnel_sock_release(sock);',
  '}',
  'MODULE_LICENSE("GPL");',
  '',
].join('\n');

const shim = (condition: string) => `#include <linux/version.h>\n#if ${condition}\nstatic inline void udp_tunnel_sock_release(struct socket *sock)\n{\n}\n#endif\n`;

describe('compat shims no target compiles', () => {
  it("judges the call against the kernel's declaration where the driver's own copy is for kernels older than every target", async () => {
    // gcc 7.2: "passing argument 1 of 'udp_tunnel_sock_release' from incompatible pointer type".
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': RELEASE, 'compat.h': shim('LINUX_VERSION_CODE < KERNEL_VERSION(3, 18, 0)') }, '6.12,7.2'), [
      'demo.c:9 call-arguments [7.2]',
    ]);
  });

  it("judges it so where the driver's copy is in a header the file never reads, when Kbuild names the file's object (a kernel header's copy for kernels that lack it)", async () => {
    const files = { 'demo.c': RELEASE, 'compat.h': '', 'udp_tunnel_copy.h': 'void udp_tunnel_sock_release(struct socket *sock);\n' };
    assert.deepEqual(await findings({ 'Kbuild': 'obj-m := demo.o\n', ...files }, '6.12,7.2'), ['demo.c:9 call-arguments [7.2]']);
    // With no Kbuild, the file may be a part that another file includes after its own definitions.
    assert.deepEqual(await findings(files, '6.12,7.2'), []);
  });

  it('leaves the call to the driver where its copy may be compiled on a target, or an include it did not follow may hold another', async () => {
    const files = (compat: string) => ({ 'Kbuild': 'obj-m := demo.o\n', 'demo.c': RELEASE, 'compat.h': compat, 'backports.h': '' });
    const dead = shim('LINUX_VERSION_CODE < KERNEL_VERSION(3, 18, 0)');
    assert.deepEqual(await findings(files(shim('LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)')), '6.12,7.2'), []);
    // A branch it cannot decide (kernel headers spell DEBUG: some may define it), a computed name, a header only the build's -I flags find.
    assert.deepEqual(await findings(files(dead + '#ifdef DEBUG\n#include "backports.h"\n#endif\n'), '6.12,7.2'), []);
    assert.deepEqual(await findings(files(dead + '#define DEMO_EXTRA "backports.h"\n#include DEMO_EXTRA\n'), '6.12,7.2'), []);
    assert.deepEqual(await findings(files(dead + '#include <demo/backports.h>\n'), '6.12,7.2'), []);
    // A name of the driver's own that no kernel header spells, and that Kbuild's flags do not pass: undefined, so the branch is off.
    assert.deepEqual(await findings(files(dead + '#ifdef DEMO_BACKPORTS\n#include "backports.h"\n#endif\n'), '6.12,7.2'), ['demo.c:9 call-arguments [7.2]']);
  });
});
