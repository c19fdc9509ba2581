import * as assert from 'node:assert/strict';
import { kbuildFlags } from '../../src/core/includes';

/** kbuildFlags over an in-memory module folder /m holding one Makefile. */
function flagsOf(makefile: string[], file = '/m/drv.c') {
  const files: Record<string, string> = { '/m/Makefile': makefile.join('\n') };
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
      { name: 'CONFIG_IOCTL_CFG80211', value: '1', certain: true },
      { name: 'RTW_USE_CFG80211_STA_EVENT', value: '1', certain: true },
      { name: 'DRV_MODE', value: '2', certain: true },
      { name: 'DRV_NAME', value: '"drv"', certain: true },
      { name: 'DEBUG', value: null, certain: true },
      { name: 'ONLY_DRV', value: '1', certain: true },
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
      { name: 'CONFIG_LITTLE_ENDIAN', value: '1', certain: false },
      { name: 'CONFIG_BIG_ENDIAN', value: '1', certain: false },
      { name: 'DRV_DEBUG', value: '1', certain: false },
      { name: 'AFTER', value: '1', certain: true },
    ]);
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
