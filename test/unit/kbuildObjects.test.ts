// Only what the build compiles is judged: a .c file its Kbuild's object lists do not name
// gets no findings, and one under obj-$(CONFIG_X) none on the kernels whose config turns X off.
import * as assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { run } from '../../src/cli/main';
import { packageRoot } from '../../src/cli/paths';
import { builtWith, kbuildVerdict } from '../../src/core/c/kbuildObjects';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The verdict on /m/<file> in an in-memory module folder. */
function verdict(file: string, files: Record<string, string>) {
  return kbuildVerdict(`/m/${file}`, ['/m'], (path) => files[path.replace(/^\/m\//, '')]);
}

describe('Kbuild object lists', () => {
  const tree = relative(process.cwd(), join(packageRoot, 'test', 'fixtures', 'kbuild-objects'));

  it('judges built files on the kernels whose config builds them, and says which files are not built', async () => {
    const result = await cli(['check', '--targets', '5.10,6.1,6.12', tree]);
    assert.equal(result.code, 1);
    // helper.c has the same code as main.c, but no object list names it. airo_glue.o needs
    // CONFIG_AIRO and sub/ CONFIG_AIRO_CS, both off in Debian 6.12.
    assert.deepEqual(result.out.trim().split('\n'), [
      `${tree}/airo_glue.c:6:15: warning: \`bd_part\` is not in struct block_device on 6.1: removed in 5.11 [missing-member]`,
      `${tree}/main.c:6:15: warning: \`bd_part\` is not in struct block_device on 6.1–6.12: removed in 5.11 [missing-member]`,
      `${tree}/sub/extra.c:6:15: warning: \`bd_part\` is not in struct block_device on 6.1: removed in 5.11 [missing-member]`,
    ]);
    assert.match(result.err, /helper\.c: not built by Kbuild \(helper\.o is not in obj-m, mydrv-y, mydrv-\$\(CONFIG_AIRO\)\): not checked/);
    assert.match(result.err, /airo_glue\.c: not built on 6\.12: CONFIG_AIRO off there/);
    assert.match(result.err, /sub\/extra\.c: not built on 6\.12: CONFIG_AIRO_CS off there/);
    assert.match(result.err, /4 file\(s\) checked against 3 kernel\(s\), 3 finding\(s\); 1 not built, so not judged/);
  });

  it('says a file no targeted kernel builds is not checked', async () => {
    const result = await cli(['check', '--targets', '6.12', '--format', 'json', join(tree, 'airo_glue.c')]);
    assert.deepEqual(JSON.parse(result.out), []);
    assert.equal(result.code, 0);
  });

  it('follows composite objects, folders named by path, and the driver\'s own config symbols', () => {
    const files = {
      Kbuild: 'MODULE_NAME := wifi\nobj-$(CONFIG_WIFI) := $(MODULE_NAME).o\n$(MODULE_NAME)-y += core/main.o\n$(MODULE_NAME)-$(CONFIG_WIFI_USB) += hal.o\nhal-objs := hal/usb.o\nCONFIG_WIFI = m\n',
      Makefile: 'obj-m += ignored.o\n',
    };
    // Kbuild wins over Makefile; `hal.o` is composite, so hal.c itself is not built.
    assert.deepEqual(verdict('core/main.c', files), { kind: 'built', makefile: '/m/Kbuild', when: [['CONFIG_WIFI']], problems: [] });
    assert.deepEqual(verdict('hal/usb.c', files), { kind: 'built', makefile: '/m/Kbuild', when: [['CONFIG_WIFI', 'CONFIG_WIFI_USB']], problems: [] });
    assert.equal(verdict('hal.c', files).kind, 'not-built');
    assert.equal(verdict('ignored.c', files).kind, 'not-built');
    // A header is never named by an object list: other signs decide.
    assert.equal(verdict('core/main.h', files).kind, 'unknown');
  });

  it("applies make's text functions to the lists (ayaneo-platform's obj-m = $(patsubst %,%.o,$(DRIVER)))", () => {
    const built = { kind: 'built', makefile: '/m/Makefile', when: [[]], problems: [] };
    assert.deepEqual(verdict('q.c', { Makefile: 'DRIVER := q\nobj-m = $(patsubst %,%.o,$(DRIVER))\n' }), built);
    assert.deepEqual(verdict('q.c', { Makefile: 'NAMES := q r\nobj-m += $(addsuffix .o,$(strip $(NAMES)))\n' }), built);
    assert.deepEqual(verdict('q.c', { Makefile: 'obj-m += $(subst x,q,x.o)\n' }), built);
    assert.equal(verdict('r.c', { Makefile: 'DRIVER := q\nobj-m = $(patsubst %,%.o,$(DRIVER))\n' }).kind, 'not-built');
  });

  it('knows nothing where the lists cannot be read in full, and says why', () => {
    assert.deepEqual(verdict('tool.c', { Makefile: 'all:\n\tgcc -o tool tool.c\n' }), { kind: 'unknown', problems: [] });
    assert.equal(verdict('a.c', { Makefile: 'obj-m += $(shell ls *.o)\n' }).kind, 'unknown');
    // A flag the reader cannot expand says nothing about which objects are built.
    assert.equal(verdict('a.c', { Makefile: 'ccflags-y += -DVERSION=$(shell git describe)\nobj-m += b.o\n' }).kind, 'not-built');
    assert.equal(verdict('a.c', { Makefile: 'include $(KDIR)/extra.mk\nobj-m += b.o\n' }).kind, 'unknown');
    assert.equal(verdict('a.c', { Makefile: 'include rules.mk\nobj-m += b.o\n', 'rules.mk': 'obj-m += a.o\n' }).kind, 'built');
    // A required include that is not there, under a test the reader cannot decide: make would stop
    // on it, so a working build did not take it (the lists and ending of Wayzware/memhole's
    // Makefile, as many module Makefiles end; memhole.c, which no list names, is not built).
    const dependFile = 'memhole-objs := main.o\nobj-m := memhole.o\nifeq (.depend,$(wildcard .depend))\ninclude .depend\nendif\n';
    assert.equal(verdict('memhole.c', { Makefile: dependFile }).kind, 'not-built');
    assert.equal(verdict('memhole.c', { Makefile: dependFile.replace('ifeq (.depend,$(wildcard .depend))\n', '').replace('endif\n', '') }).kind, 'unknown');

    const unbalanced = verdict('a.c', { Makefile: 'ifeq ($(X),y)\nobj-m += b.o\n' });
    assert.equal(unbalanced.kind, 'unknown');
    assert.deepEqual(unbalanced.problems, ['/m/Makefile: unbalanced ifeq/ifdef … endif: its object lists may not say everything it builds']);

    const huge = verdict('a.c', { Makefile: 'obj-m += b.o\n'.repeat(100_000) });
    assert.deepEqual(huge, { kind: 'unknown', problems: ['/m/Makefile: not read (over 1024 KB): which files it builds is unknown'] });
    const binary = verdict('a.c', { Makefile: 'obj-m += b.o\0\x01' });
    assert.deepEqual(binary, { kind: 'unknown', problems: ['/m/Makefile: not read (not a text file): which files it builds is unknown'] });
  });

  it('decides make conditionals on a config symbol per kernel, as the kernel\'s own sound Makefiles use them', () => {
    const makefile = [
      'snd-synth-y := synth.o',
      'ifneq ($(CONFIG_SND_SEQUENCER_OSS),)',
      'snd-synth-y += synth_oss.o',
      'else',
      'snd-synth-y += synth_no_oss.o',
      'endif',
      'ifeq ($(CONFIG_SND_DEBUG),y)',
      'snd-synth-y += synth_debug.o',
      'endif',
      'obj-$(CONFIG_SND_SYNTH) += snd-synth.o',
      '',
    ].join('\n');
    const when = (file: string) => {
      const found = verdict(file, { Makefile: makefile });
      return found.kind === 'built' ? found.when : found.kind;
    };
    assert.deepEqual(when('synth_oss.c'), [['CONFIG_SND_SYNTH', 'CONFIG_SND_SEQUENCER_OSS']]);
    assert.deepEqual(when('synth_no_oss.c'), [['CONFIG_SND_SYNTH', '!CONFIG_SND_SEQUENCER_OSS']]);
    assert.deepEqual(when('synth_debug.c'), [['CONFIG_SND_SYNTH', 'CONFIG_SND_DEBUG=y']]);
    const kernel = (config: Record<string, string>) => (symbol: string) => config[symbol];
    const oss = when('synth_oss.c') as string[][];
    assert.equal(builtWith(oss, kernel({ CONFIG_SND_SYNTH: 'm' })), false, 'OSS emulation off');
    assert.equal(builtWith(oss, kernel({ CONFIG_SND_SYNTH: 'm', CONFIG_SND_SEQUENCER_OSS: 'm' })), true);
    assert.equal(builtWith(when('synth_debug.c') as string[][], kernel({ CONFIG_SND_SYNTH: 'y', CONFIG_SND_DEBUG: 'm' })), false, 'only y passes ifeq (…,y)');
  });

  it('builds what a list held only where a later `list-$(CONFIG_X) :=` does not replace it', () => {
    // fs/proc's Makefile: with CONFIG_MMU=y the second line assigns proc-y.
    const makefile = 'proc-y := nommu.o task_nommu.o\nproc-$(CONFIG_MMU) := task_mmu.o\nproc-y += generic.o\nobj-$(CONFIG_PROC_FS) += proc.o\n';
    const when = (file: string) => {
      const found = verdict(file, { Makefile: makefile });
      return found.kind === 'built' ? found.when : found.kind;
    };
    assert.deepEqual(when('task_nommu.c'), [['CONFIG_PROC_FS', '!CONFIG_MMU=y']]);
    assert.deepEqual(when('task_mmu.c'), [['CONFIG_PROC_FS', 'CONFIG_MMU']]);
    assert.deepEqual(when('generic.c'), [['CONFIG_PROC_FS']]);
    const kernel = (config: Record<string, string>) => (symbol: string) => config[symbol];
    assert.equal(builtWith(when('task_nommu.c') as string[][], kernel({ CONFIG_PROC_FS: 'y', CONFIG_MMU: 'y' })), false);
    assert.equal(builtWith(when('task_nommu.c') as string[][], kernel({ CONFIG_PROC_FS: 'y' })), true);
  });

  it('reads a subfolder\'s lists with what the folders above export (batman-adv\'s `export CONFIG_BATMAN_ADV_NC=n`)', () => {
    const sub = 'obj-m += a.o\na-y := main.o\na-$(CONFIG_MY_NC) += nc.o\n';
    const kind = (top: string) => verdict('sub/nc.c', { Makefile: top, 'sub/Makefile': sub }).kind;
    assert.equal(kind('export CONFIG_MY_NC=n\nobj-y += sub/\n'), 'not-built');
    assert.equal(kind('CONFIG_MY_NC := y\nexport CONFIG_MY_NC\nobj-y += sub/\n'), 'built');
    // Not exported, or the subfolder sets it itself: the subfolder's own reading holds.
    assert.deepEqual(verdict('sub/nc.c', { Makefile: 'CONFIG_MY_NC=n\nobj-y += sub/\n', 'sub/Makefile': sub }), verdict('sub/nc.c', { Makefile: 'obj-y += sub/\n', 'sub/Makefile': sub }));
    assert.equal(verdict('sub/nc.c', { Makefile: 'export CONFIG_MY_NC=n\nobj-y += sub/\n', 'sub/Makefile': `CONFIG_MY_NC := y\n${sub}` }).kind, 'built');
  });

  it('builds a header of a folder Kbuild enters only under a config symbol only where that symbol is on', () => {
    // net/Makefile and net/dsa: dsa_priv.h is read only by net/dsa's files.
    const files = {
      Makefile: 'obj-$(CONFIG_NET_DSA) += dsa/\nobj-y += core/\n',
      'dsa/Makefile': 'obj-$(CONFIG_NET_DSA) += dsa_core.o\ndsa_core-y += dsa.o port.o\n',
      'core/Makefile': 'obj-y += dev.o\n',
    };
    assert.deepEqual(verdict('dsa/dsa_priv.h', files), { kind: 'built', makefile: '/m/Makefile', when: [['CONFIG_NET_DSA']], problems: [] });
    // A folder entered always, or one no list names: the header's includers decide.
    assert.equal(verdict('core/dev.h', files).kind, 'unknown');
    assert.equal(verdict('include/net/dsa.h', files).kind, 'unknown');
  });

  it('judges on every target the files listed under a config symbol that a missing make file of the module may set (fbtft\'s generated .config)', () => {
    const makefile = 'ifneq ($(KERNELRELEASE),)\n-include $(src)/.config\nobj-$(CONFIG_FB_TFT) += fbtft.o\nelse\ndefault: .config\n\t$(MAKE) -C $(KDIR) M=$$PWD modules\nendif\n';
    assert.deepEqual(verdict('fbtft.c', { Makefile: makefile }), {
      kind: 'built',
      makefile: '/m/Makefile',
      when: [[]],
      problems: ['/m/Makefile: includes .config, which is not there (a build step writes it): the config symbols it may set are unknown, so the files it lists are judged on every target'],
    });
    // Once written, it is read like any make file.
    const written = verdict('fbtft.c', { Makefile: makefile, '.config': 'CONFIG_FB_TFT=m\n' });
    assert.equal(written.kind, 'built');
    assert.deepEqual(written.kind === 'built' && written.problems, []);
  });

  it('takes the lists only from the Kbuild pass of a two-pass Makefile', () => {
    const makefile = 'ifneq ($(KERNELRELEASE),)\nobj-m := drv.o\nelse\nobj-m := other.o\nendif\n';
    assert.equal(verdict('drv.c', { Makefile: makefile }).kind, 'built');
    assert.equal(verdict('other.c', { Makefile: makefile }).kind, 'not-built');
  });
});
