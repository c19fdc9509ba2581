import * as assert from 'node:assert/strict';
import { EXTRA_CFLAGS_IGNORED_FROM, kbuildFlags } from '../../src/core/c/includes';

/** EXTRA_CFLAGS' flags are set only on kernels before 6.15, whose Kbuild still reads it. */
const BEFORE_6_15 = EXTRA_CFLAGS_IGNORED_FROM;

/** kbuildFlags over an in-memory module folder /m holding one Makefile. */
function flagsOf(makefile: string[], file = '/m/drv.c', others: Record<string, string> = {}) {
  const files: Record<string, string> = { '/m/Makefile': makefile.join('\n'), ...others };
  return kbuildFlags(file, ['/m'], (path) => files[path]);
}

describe('kbuildFlags: -D and -U', () => {
  it('reads unconditional flags as certain, with their values and quoting removed', () => {
    const flags = flagsOf([
      'obj-m += drv.o',
      'EXTRA_CFLAGS += -DCONFIG_IOCTL_CFG80211 -DRTW_USE_CFG80211_STA_EVENT',
      "ccflags-y += -DDRV_MODE=2 -D'DRV_NAME=\"drv\"' -UDEBUG # -DCOMMENTED",
      'CFLAGS_drv.o := -DONLY_DRV',
      'CFLAGS_other.o := -DONLY_OTHER',
      'ccflags-y += -DFROM_MAKE=$(VERSION)',
    ]);
    assert.deepEqual(flags.defines, [
      { name: 'CONFIG_IOCTL_CFG80211', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      { name: 'RTW_USE_CFG80211_STA_EVENT', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      { name: 'DRV_MODE', value: '2', certain: true },
      { name: 'DRV_NAME', value: '"drv"', certain: true },
      { name: 'DEBUG', value: null, certain: true },
      { name: 'ONLY_DRV', value: '1', certain: true },
      // Defined, with a value make works out: either way for `#if`, never left out.
      { name: 'FROM_MAKE', value: '1', certain: false },
    ]);
  });

  it('reads the -D flags a vendor driver gathers in a variable and appends to KBUILD_CPPFLAGS', () => {
    const flags = flagsOf([
      'obj-m += drv.o',
      'CDEFINES := -DANI_LITTLE_BYTE_ENDIAN',
      'CDEFINES += -DWLAN_PERF',
      'ifeq ($(CONFIG_DRV_TIMESTAMPING), y)',
      'OPTIONAL := -DDRV_TIMESTAMPING',
      'endif',
      'KBUILD_CPPFLAGS += $(CDEFINES) $(OPTIONAL)',
    ]);
    // OPTIONAL is set only on some configurations: its value is not known, so it gives nothing.
    assert.deepEqual(flags.defines, [
      { name: 'ANI_LITTLE_BYTE_ENDIAN', value: '1', certain: true },
      { name: 'WLAN_PERF', value: '1', certain: true },
    ]);
  });

  it('makes flags under make conditionals and config-dependent variables uncertain', () => {
    const flags = flagsOf([
      'ifeq ($(CONFIG_PLATFORM_I386_PC), y)',
      'EXTRA_CFLAGS += -DCONFIG_LITTLE_ENDIAN',
      'else ifeq ($(CONFIG_PLATFORM_ARM), y)',
      'EXTRA_CFLAGS += -DCONFIG_BIG_ENDIAN',
      'endif',
      'ccflags-$(CONFIG_DRV_DEBUG) += -DDRV_DEBUG',
      'EXTRA_CFLAGS += -DAFTER',
    ]);
    assert.deepEqual(flags.defines, [
      { name: 'CONFIG_LITTLE_ENDIAN', value: '1', certain: false, untilVersion: BEFORE_6_15 },
      { name: 'CONFIG_BIG_ENDIAN', value: '1', certain: false, untilVersion: BEFORE_6_15 },
      { name: 'DRV_DEBUG', value: '1', certain: false },
      { name: 'AFTER', value: '1', certain: true, untilVersion: BEFORE_6_15 },
    ]);
  });

  it('makes a flag a make function computes uncertain: whether the build passes it depends on what the function finds', () => {
    const flags = flagsOf([
      'obj-m := drv.o',
      'EXTRA_CFLAGS += -DPLAIN $(shell grep -qw "struct blk_holder_ops" $(srctree)/include/linux/blkdev.h && echo -D HAVE_BLK_HOLDER_OPS)',
      'ccflags-y += $(if $(wildcard $(srctree)/include/linux/genhd.h),-DHAVE_GENHD_H) -DAFTER',
    ]);
    assert.deepEqual(flags.defines, [
      { name: 'PLAIN', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      { name: 'HAVE_BLK_HOLDER_OPS', value: '1', certain: false, untilVersion: BEFORE_6_15 },
      { name: 'HAVE_GENHD_H', value: '1', certain: false },
      { name: 'AFTER', value: '1', certain: true },
    ]);
    // Each flag those functions may pass is named: nothing else is passed.
    assert.equal(flags.unread, false);
  });

  it('knows when the flags may hold macros it cannot read: a script, a computed name, an unknown variable, an included make file', () => {
    const unread = (line: string) => flagsOf(['obj-m := drv.o', line]).unread;
    assert.equal(unread('ccflags-y += $(shell $(src)/conftest.sh $(srctree))'), true);
    assert.equal(unread('EXTRA_CFLAGS += $(shell . /etc/os-release; echo "-D"$${ID})'), true);
    assert.equal(unread('ccflags-y += $(VENDOR_DEFINES)'), true);
    assert.equal(unread('include $(src)/flags.mk'), true);
    // A make file it includes is read in place (AQtion's Kbuild.cflags), conditionals and all.
    const included = flagsOf(['obj-m := drv.o', 'include $(src)/Kbuild.cflags'], '/m/drv.c', { '/m/Kbuild.cflags': 'ccflags-y += -DAQ_CFG\nifdef CONFIG_X\nccflags-y += -DAQ_X\nendif\n' });
    assert.equal(included.unread, false);
    assert.deepEqual(included.defines, [
      { name: 'AQ_CFG', value: '1', certain: true },
      { name: 'AQ_X', value: '1', certain: false },
    ]);
    // The folder's own Kbuild, read anyway; a flag variable, read from its own assignments.
    assert.equal(unread('include $(src)/Kbuild'), false);
    assert.equal(unread('ccflags-y += $(EXTRA_CFLAGS)'), false);
    // A folder or forced header whose path make computes from a variable the reader does not
    // know (wireguard's kbuild-dir, set under `ifeq ($(shell …))`): its tail is kept.
    const computed = flagsOf(['obj-m := drv.o', 'ifeq ($(wildcard $(srctree)/include/crypto/utils.h),)', 'ccflags-y += -I$(kbuild-dir)/compat/crypto/utils/include/', 'endif', 'ccflags-y += -include $(kbuild-dir)/compat/compat.h']);
    assert.deepEqual(computed.computedIncludeTails, ['/compat/crypto/utils/include']);
    assert.deepEqual(computed.computedForcedIncludeTails, ['/compat/compat.h']);
    assert.equal(computed.unread, true);
    // Debian's hardening options are code generation and warnings; its CPPFLAGS define macros.
    assert.equal(unread('EXTRA_CFLAGS += $(shell DEB_BUILD_MAINT_OPTIONS=hardening=-stackprotector dpkg-buildflags --get CFLAGS)'), false);
    assert.equal(unread('ccflags-y += $(shell dpkg-buildflags --get CPPFLAGS)'), true);
    // Folders, literal options and a value make computes hide no macro name.
    const read = flagsOf(['obj-m := drv.o', 'ccflags-y += -I$(KSRC)/include $(call cc-option,-Wno-unused) -DDRV_VERSION=\\"$(shell git describe)\\"']);
    assert.equal(read.unread, false);
    assert.deepEqual(read.defines, [{ name: 'DRV_VERSION', value: '1', certain: false }]);
    // A value quoted for C, then for the shell, around a variable make fills from a shell call (EnhanceIO's COMMIT_REV).
    const quoted = flagsOf(['COMMIT_REV ?= $(shell echo)', 'obj-m := drv.o', 'EXTRA_CFLAGS += -I$(src) -DCOMMIT_REV="\\"$(COMMIT_REV)\\""']);
    assert.equal(quoted.unread, false);
    assert.deepEqual(quoted.defines, [{ name: 'COMMIT_REV', value: '1', certain: false, untilVersion: BEFORE_6_15 }]);
  });

  it('knows the KERNELRELEASE test: the Kbuild pass is certain, the outer make adds nothing', () => {
    const flags = flagsOf([
      'ifneq ($(KERNELRELEASE),)',
      'obj-m := drv.o',
      'ccflags-y += -DIN_KBUILD',
      'ifdef CONFIG_DRV_EXTRA',
      'ccflags-y += -DEXTRA',
      'endif',
      'else',
      'KDIR ?= /lib/modules/$(shell uname -r)/build',
      'EXTRA_CFLAGS += -DOUTER_ONLY',
      'endif',
    ]);
    assert.deepEqual(flags.defines, [
      { name: 'IN_KBUILD', value: '1', certain: true },
      { name: 'EXTRA', value: '1', certain: false },
    ]);
  });
});

describe('kbuildFlags: make variables and literal conditionals', () => {
  it('expands variables the Makefile sets (TOP_DIR := $(src)/.. style) in -I, -include and -D', () => {
    const flags = flagsOf([
      'TOP_DIR := $(src)/..',
      'INC = $(TOP_DIR)/include',
      'ccflags-y += -I$(INC) -include $(TOP_DIR)/compat.h',
      'NOSTDINC_FLAGS += -I$(M)/backport',
      'VERSION_STRING := 2.1',
      'ccflags-y += -DDRV_VERSION=$(VERSION_STRING) -DFROM_SHELL=$(shell date)',
    ]);
    assert.deepEqual(flags.includeDirs, ['/include', '/m/backport']);
    assert.deepEqual(flags.forcedIncludes, ['/compat.h']);
    assert.deepEqual(flags.defines, [
      { name: 'DRV_VERSION', value: '2.1', certain: true },
      { name: 'FROM_SHELL', value: '1', certain: false },
    ]);
  });

  it('reads $(srctree) as the root of the kernel tree the file lies in, and leaves it out elsewhere', () => {
    // drivers/usb/gadget/function/Makefile: u_f.h is one folder up, named from the tree's root.
    const makefile = { '/linux/drivers/usb/gadget/function/Makefile': 'ccflags-y := -I$(srctree)/drivers/usb/gadget/\nccflags-y += -include $(srctree)/include/linux/kconfig.h\n' };
    const file = '/linux/drivers/usb/gadget/function/f_hid.c';
    const inTree = kbuildFlags(file, ['/linux/drivers'], (path) => makefile[path as keyof typeof makefile], '/linux');
    assert.deepEqual(inTree.includeDirs, ['/linux/drivers/usb/gadget']);
    assert.deepEqual(inTree.forcedIncludes, ['/linux/include/linux/kconfig.h']);
    const outside = kbuildFlags(file, ['/linux/drivers'], (path) => makefile[path as keyof typeof makefile]);
    assert.deepEqual([outside.includeDirs, outside.forcedIncludes], [[], []]);
  });

  it('decides conditionals on variables set literally (Realtek CONFIG_PLATFORM_I386_PC = y), and only those', () => {
    const flags = flagsOf([
      'CONFIG_PLATFORM_I386_PC = y',
      'CONFIG_PLATFORM_ARM_RPI = n',
      'ifeq ($(CONFIG_PLATFORM_I386_PC), y)',
      'EXTRA_CFLAGS += -DCONFIG_LITTLE_ENDIAN',
      'endif',
      'ifeq ($(CONFIG_PLATFORM_ARM_RPI), y)',
      'EXTRA_CFLAGS += -DCONFIG_BIG_ENDIAN',
      'else',
      'EXTRA_CFLAGS += -DNOT_RPI',
      'endif',
      'ifdef CONFIG_PLATFORM_I386_PC',
      'EXTRA_CFLAGS += -DHAS_PC',
      'endif',
      'ifeq ($(ARCH), arm)',
      'EXTRA_CFLAGS += -DFROM_ENVIRONMENT',
      'endif',
      'ifeq ($(CONFIG_SET_LATER), y)',
      'EXTRA_CFLAGS += -DSET_LATER',
      'endif',
      'CONFIG_SET_LATER = y',
    ]);
    assert.deepEqual(flags.defines, [
      { name: 'CONFIG_LITTLE_ENDIAN', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      { name: 'NOT_RPI', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      { name: 'HAS_PC', value: '1', certain: true, untilVersion: BEFORE_6_15 },
      // ARCH comes from the command line or the environment; CONFIG_SET_LATER is not set yet when make reads the test.
      { name: 'FROM_ENVIRONMENT', value: '1', certain: false, untilVersion: BEFORE_6_15 },
      { name: 'SET_LATER', value: '1', certain: false, untilVersion: BEFORE_6_15 },
    ]);
  });
});

describe('includes the build does not explain', () => {
  it('finds a workspace header by its path when no folder the flags name has it, the nearest first', async () => {
    const { createIncludeResolver } = await import('../../src/core/c/includes');
    const files: Record<string, string> = {
      '/ws/drv/main.c': '#include "compat/ver.h"\n',
      '/ws/drv/sub/compat/ver.h': '#define NEAR 1\n',
      '/ws/other/compat/ver.h': '#define FAR 1\n',
    };
    const resolve = createIncludeResolver(['/ws'], (path) => files[path], [], (spec) => Object.keys(files).filter((p) => p.endsWith(`/${spec}`)));
    assert.deepEqual(resolve('compat/ver.h', true, '/ws/drv/main.c'), { path: '/ws/drv/sub/compat/ver.h', text: '#define NEAR 1\n' });
    assert.equal(resolve('linux/module.h', false, '/ws/drv/main.c'), undefined, 'a kernel header stays unresolved');
    const plain = createIncludeResolver(['/ws'], (path) => files[path]);
    assert.equal(plain('compat/ver.h', true, '/ws/drv/main.c'), undefined);
  });

  it('takes no workspace copy of a kernel header for `#include <…>` but one that wraps the kernel\'s (#include_next)', async () => {
    const { createIncludeResolver, outsideKernelNames } = await import('../../src/core/c/includes');
    const files: Record<string, string> = {
      '/ws/drv/main.c': '#include <linux/platform_device.h>\n',
      // Beckhoff's BBAPI: a stand-in for FreeBSD's linuxkpi, never on the Kbuild include path.
      '/ws/drv/linuxkpi/linux/platform_device.h': 'struct platform_device { int id; };\n',
      '/ws/drv/backport/linux/pci.h': '#include_next <linux/pci.h>\n#define pci_backported 1\n',
      '/ws/drv/compat/drv_own.h': '#define DRV_OWN 1\n',
    };
    const paths = (spec: string) => Object.keys(files).filter((p) => p.endsWith(`/${spec}`));
    const kernelHas = (spec: string) => spec === 'linux/platform_device.h' || spec === 'linux/pci.h';
    const resolve = createIncludeResolver(['/ws'], (path) => files[path], [], outsideKernelNames(paths, kernelHas, (path) => files[path]));
    assert.equal(resolve('linux/platform_device.h', false, '/ws/drv/main.c'), undefined, "the kernel's header");
    assert.equal(resolve('linux/pci.h', false, '/ws/drv/main.c')?.path, '/ws/drv/backport/linux/pci.h');
    assert.equal(resolve('drv_own.h', false, '/ws/drv/main.c')?.path, '/ws/drv/compat/drv_own.h', 'a name the kernel does not have');
  });

  it('never takes the including file for the header it includes (net/nfc/nfc.h including <net/nfc/nfc.h>, the kernel\'s)', async () => {
    const { createIncludeResolver } = await import('../../src/core/c/includes');
    const files: Record<string, string> = { '/linux/net/nfc/nfc.h': '#include <net/nfc/nfc.h>\n', '/linux/net/nfc/core.c': '#include "nfc.h"\n' };
    const resolve = createIncludeResolver(['/linux/net'], (path) => files[path], [], (spec) => Object.keys(files).filter((p) => p.endsWith(`/${spec}`)));
    assert.equal(resolve('net/nfc/nfc.h', false, '/linux/net/nfc/nfc.h'), undefined);
    assert.equal(resolve('nfc.h', true, '/linux/net/nfc/core.c')?.path, '/linux/net/nfc/nfc.h');
  });
});

describe('include lookups over a whole tree', () => {
  it('reads the disk once per folder and name, whatever the number of files including it', async () => {
    const { createIncludeResolver, HeaderTexts } = await import('../../src/core/c/includes');
    const files: Record<string, string> = { '/ws/drv/include/drv.h': '#define DRV 1\n' };
    const reads: string[] = [];
    const read = (path: string) => {
      reads.push(path);
      return files[path];
    };
    const texts = new HeaderTexts(read);
    const first = createIncludeResolver(['/ws'], read, [], undefined, undefined, texts);
    const second = createIncludeResolver(['/ws'], read, ['/elsewhere'], undefined, undefined, texts);
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(first('drv.h', false, `/ws/drv/file${i}.c`), { path: '/ws/drv/include/drv.h', text: '#define DRV 1\n' });
      assert.equal(first('linux/module.h', false, `/ws/drv/file${i}.c`), undefined);
    }
    assert.deepEqual(second('drv.h', true, '/ws/drv/other.c'), { path: '/ws/drv/include/drv.h', text: '#define DRV 1\n' });
    assert.equal(new Set(reads).size, reads.length, `a path read twice: ${reads.join(', ')}`);
  });

  it('keeps header texts within their budget and reads an evicted one again', async () => {
    const { HeaderTexts } = await import('../../src/core/c/includes');
    const big = 'x'.repeat(1000);
    const reads: string[] = [];
    const texts = new HeaderTexts((path) => (reads.push(path), `${path}${big}`), 2500);
    for (const path of ['/a.h', '/b.h', '/c.h', '/a.h']) assert.equal(texts.read(path), `${path}${big}`);
    assert.deepEqual(reads, ['/a.h', '/b.h', '/c.h', '/a.h']);
  });
});
