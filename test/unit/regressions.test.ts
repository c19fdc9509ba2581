// Cases found by running the checker on real out-of-tree drivers (the fixtures say where each
// pattern comes from). Each one was once a wrong warning or a miss.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Checker } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { includeContexts } from '../../src/cli/files';
import { createChecker } from '../../src/cli/runtime';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'regressions');
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

/** Findings of a fixture against 4.4..6.8 as `code line:column [targets]`. */
function findings(name: string, text = readFileSync(join(fixtures, name), 'utf8')): string[] {
  const targets = parseTargets('4.4..6.8', db.images).images;
  return checker
    .check(text, { fileName: name, targets })
    .findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
}

describe('regressions from real drivers', () => {
  it('takes no signature from prototypes an unknown guard chooses between', () => {
    assert.deepEqual(findings('maybe-guarded-callback-variant.c'), []);
  });

  it('takes no member type from a declaration an unknown guard chooses', () => {
    assert.deepEqual(findings('maybe-guarded-member-type.c'), []);
  });

  it('counts const on what a parameter points to', () => {
    assert.deepEqual(findings('const-param-callback.c'), ['callback-signature 13:59 [4.4,4.8,4.10,4.13,4.15,4.18,5.0,5.3,5.4,5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2]']);
  });

  it('checks a callback stored with an assignment', () => {
    assert.deepEqual(findings('callback-by-assignment.c'), ['callback-signature 17:5 [4.15,4.18,5.0,5.3,5.4,5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]']);
  });

  it('leaves a cast assignment alone: the author converted on purpose', () => {
    const text = readFileSync(join(fixtures, 'callback-by-assignment.c'), 'utf8').replace('t->function = my_poll;', 't->function = (TIMER_FUNC_TYPE)my_poll;');
    assert.deepEqual(findings('callback-by-assignment.c', text), []);
  });

  it('judges against the kernel struct where a local fallback definition is not compiled', () => {
    assert.deepEqual(findings('guarded-local-struct-shadow.c'), [
      'callback-signature 18:43 [5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]',
      'missing-member 18:65 [5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]',
    ]);
  });

  it('reads a variable declared differently per kernel from the declaration each kernel compiles', () => {
    const text = [
      '#include <linux/version.h>',
      '#include <linux/hrtimer.h>',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(4, 15, 0)',
      'static struct timer_list poll;',
      '#else',
      'static struct hrtimer poll;',
      '#endif',
      'static void arm(void)',
      '{',
      '\tpoll.expires = 0;',
      '}',
    ].join('\n');
    // hrtimer has no `expires` (it has `_softexpires`/`node`): the access breaks from 4.15 on.
    assert.deepEqual(findings('inline.c', text), ['missing-member 10:7 [4.15,4.18,5.0,5.3,5.4,5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]']);
  });

  it('reads an array parameter as the pointer it is (WireGuard newlink)', () => {
    const text = [
      '#include <net/rtnetlink.h>',
      'static int my_newlink(struct net *src_net, struct net_device *dev,',
      '\t\t      struct nlattr *tb[], struct nlattr *data[],',
      '\t\t      struct netlink_ext_ack *extack)',
      '{',
      '\treturn 0;',
      '}',
      'static struct rtnl_link_ops my_link_ops = {',
      '\t.newlink = my_newlink,',
      '};',
    ].join('\n');
    // Four parameters before extack arrived in 4.13; the arrays match `struct nlattr **` on every kernel.
    assert.deepEqual(findings('inline.c', text), ['callback-signature 9:3 [4.4,4.8,4.10]']);
  });

  it('reads `current` as the running task: `state` became `__state` in 5.14', () => {
    const nap = (guarded: boolean) =>
      [
        '#include <linux/sched.h>',
        'static void nap(void)',
        '{',
        ...(guarded ? ['#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 14, 0)'] : []),
        '\tcurrent->state = TASK_INTERRUPTIBLE;',
        ...(guarded ? ['#else', '\tWRITE_ONCE(current->__state, TASK_INTERRUPTIBLE);', '#endif'] : []),
        '}',
      ].join('\n');
    assert.deepEqual(findings('inline.c', nap(false)), ['missing-member 4:11 [5.15,5.19,6.1,6.2,6.5,6.8]']);
    assert.deepEqual(findings('inline.c', nap(true)), []);
  });

  describe('alternative function headers under #if/#else (read per branch, not both at once)', () => {
    const timeoutDriver = (condition: string, first: string, second: string) =>
      [
        '#include <linux/version.h>',
        '#include <linux/netdevice.h>',
        `#if ${condition}`,
        `static void my_timeout(${first})`,
        '#else',
        `static void my_timeout(${second})`,
        '#endif',
        '{',
        '\tnd->stats.tx_errors++;',
        '}',
        'static const struct net_device_ops my_ops = {',
        '\t.ndo_tx_timeout = my_timeout,',
        '};',
      ].join('\n');
    const withQueue = 'struct net_device *nd, unsigned int txqueue';
    const withoutQueue = 'struct net_device *nd';

    it('is clean when the guard sits at the 5.6 boundary, in either order', () => {
      assert.deepEqual(findings('inline.c', timeoutDriver('LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)', withQueue, withoutQueue)), []);
      assert.deepEqual(findings('inline.c', timeoutDriver('LINUX_VERSION_CODE < KERNEL_VERSION(5, 6, 0)', withoutQueue, withQueue)), []);
    });

    it('names the kernels a late guard gives the old header, whichever branch holds it', () => {
      // ndo_tx_timeout gained `txqueue` in 5.6: a guard at 5.11 leaves 5.8 and Debian 5.10 with the old header.
      const late = ['callback-signature 12:3 [5.8,5.10]'];
      assert.deepEqual(findings('inline.c', timeoutDriver('LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)', withQueue, withoutQueue)), late);
      assert.deepEqual(findings('inline.c', timeoutDriver('LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)', withoutQueue, withQueue)), late);
    });

    it('checks each of two alternative full definitions against the kernels that compile it (exfat-linux getattr)', () => {
      const getattr = (condition: string) =>
        [
          '#include <linux/fs.h>',
          '#include <linux/version.h>',
          `#if ${condition}`,
          'int my_getattr(const struct path *path, struct kstat *stat, u32 request_mask, unsigned int flags)',
          '{',
          '\treturn 0;',
          '}',
          '#else',
          'int my_getattr(struct vfsmount *mnt, struct dentry *dentry, struct kstat *stat)',
          '{',
          '\treturn 0;',
          '}',
          '#endif',
          'const struct inode_operations my_iops = {',
          '\t.getattr = my_getattr,',
          '};',
        ].join('\n');
      // getattr took a path from 4.11 and gained the namespace argument in 5.12: the first
      // definition (the one the union parse does not keep) is wrong from 5.13 on.
      assert.deepEqual(findings('inline.c', getattr('LINUX_VERSION_CODE >= KERNEL_VERSION(4, 11, 0)')), [
        'callback-signature 15:3 [5.13,5.15,5.19,6.1,6.2]',
        'callback-signature 15:3 [6.5,6.8]',
      ]);
      // A guard at 4.8 gives 4.8 and 4.10 the path form a release too early.
      assert.deepEqual(findings('inline.c', getattr('LINUX_VERSION_CODE >= KERNEL_VERSION(4, 8, 0)')), [
        'callback-signature 15:3 [4.8,4.10]',
        'callback-signature 15:3 [5.13,5.15,5.19,6.1,6.2]',
        'callback-signature 15:3 [6.5,6.8]',
      ]);
    });

    it('reads a parameter list with #if/#else inside per target (RTL88x2BU select_queue)', () => {
      const selectQueue = (fallbackUntil: string) =>
        [
          '#include <linux/netdevice.h>',
          '#include <linux/version.h>',
          'static u16 my_select_queue(struct net_device *dev, struct sk_buff *skb',
          '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 19, 0)',
          '\t, struct net_device *sb_dev',
          '#else',
          '\t, void *accel_priv',
          '#endif',
          `#if LINUX_VERSION_CODE < KERNEL_VERSION(${fallbackUntil}, 0)`,
          '\t, select_queue_fallback_t fallback',
          '#endif',
          ')',
          '{',
          '\treturn 0;',
          '}',
          'static const struct net_device_ops my_ops = {',
          '\t.ndo_select_queue = my_select_queue,',
          '};',
        ].join('\n');
      // The fallback argument left in 5.2; sb_dev replaced accel_priv in 4.19.
      assert.deepEqual(findings('inline.c', selectQueue('5, 2')), []);
      assert.deepEqual(findings('inline.c', selectQueue('5, 5')), ['callback-signature 17:3 [5.3,5.4]']);
    });

    it('reads alternative first lines of a parameter list per branch', () => {
      const text = [
        '#include <linux/version.h>',
        '#include <linux/netdevice.h>',
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)',
        'static void my_timeout(struct net_device *nd,',
        '#else',
        'static void my_timeout(struct net_device *nd, int unused,',
        '#endif',
        '\t\t       unsigned int txqueue)',
        '{',
        '}',
        'static const struct net_device_ops my_ops = {',
        '\t.ndo_tx_timeout = my_timeout,',
        '};',
      ].join('\n');
      // The old branch's three parameters never fit: the member took one before 5.6 and two
      // from then on (one finding per reason). The new branch fits from 5.11 on.
      assert.deepEqual(findings('inline.c', text), [
        'callback-signature 12:3 [4.4,4.8,4.10,4.13,4.15,4.18,5.0,5.3,5.4]',
        'callback-signature 12:3 [5.8,5.10]',
      ]);
    });

    it('finds member uses inside the branch the shared parse leaves out', () => {
      const text = [
        '#include <linux/version.h>',
        '#include <linux/netdevice.h>',
        'static int my_count(struct net_device *nd)',
        '{',
        '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)',
        '\tif (nd->min_mtu) {',
        '#else',
        '\tif (nd->stats.tx_errors && nd->priv_destructor) {',
        '#endif',
        '\t\treturn 1;',
        '\t}',
        '\treturn 0;',
        '}',
      ].join('\n');
      // priv_destructor arrived in 4.11 (4.4..4.10 had `destructor`); min_mtu in 4.10.
      assert.deepEqual(findings('inline.c', text), ['missing-member 8:33 [4.4,4.8,4.10]']);
    });
  });

  it('does not judge members of a member whose struct differs between targets (i_ctime: timespec, then timespec64)', () => {
    const text = ['#include <linux/fs.h>', 'void stamp(struct inode *inode)', '{', '\tinode->i_ctime.tv_sec = 0;', '}'].join('\n');
    // Before 4.18 i_ctime was a struct timespec, which the data has; timespec64 it does not have there.
    assert.deepEqual(findings('inline.c', text), ['missing-member 4:9 [6.8]']);
  });

  it('reads member names that kernel headers define as macros as the members they expand to (lttng d_lock)', () => {
    const text = [
      '#include <linux/dcache.h>',
      '#include <net/sock.h>',
      'static void f(struct dentry *d, struct sock *sk, struct ifreq *ifr)',
      '{',
      '\tspin_lock(&d->d_lock);',
      '\tif (sk->sk_family == 2 && ifr->ifr_data)',
      '\t\td->d_no_such_member = 0;',
      '}',
    ].join('\n');
    assert.deepEqual(findings('inline.c', text), [
      'missing-member 7:6 [4.4,4.8,4.10,4.13,4.15,4.18,5.0,5.3,5.4,5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]',
    ]);
  });

  it('reports writes to vm_flags where it is const (6.3 on), not reads, and not guarded writes', () => {
    const mmap = (guarded: boolean) =>
      [
        '#include <linux/mm.h>',
        '#include <linux/version.h>',
        'static int my_mmap(struct file *file, struct vm_area_struct *vma)',
        '{',
        '\tif (vma->vm_flags & VM_WRITE)',
        '\t\treturn -EINVAL;',
        ...(guarded ? ['#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)', '\tvm_flags_set(vma, VM_IO | VM_DONTEXPAND);', '#else'] : []),
        '\tvma->vm_flags |= VM_IO | VM_DONTEXPAND;',
        ...(guarded ? ['#endif'] : []),
        '\treturn 0;',
        '}',
      ].join('\n');
    assert.deepEqual(findings('inline.c', mmap(false)), ['read-only-member 7:7 [6.5,6.8]']);
    assert.deepEqual(findings('inline.c', mmap(true)), []);
  });

  it('reports writes through net_device.dev_addr where it points to const (5.17 on), not memcpy into it, reads or other members', () => {
    const text = [
      '#include <linux/netdevice.h>',
      'static void set_mac(struct net_device *dev, const u8 *mac)',
      '{',
      '\tint i;',
      '\tfor (i = 0; i < 6; i++)',
      '\t\tdev->dev_addr[i] = mac[i];',
      '\tdev->dev_addr[0] |= 2;',
      '\t*dev->dev_addr = 0;',
      '\tdev->dev_addr[5]++;',
      '\tmemcpy(dev->dev_addr, mac, 6);',
      '\tif (dev->dev_addr[0] == mac[0])',
      '\t\tdev->perm_addr[0] = mac[0];',
      '\tmac = dev->dev_addr;',
      '}',
    ].join('\n');
    const on = '[5.19,6.1,6.2,6.5,6.8]';
    assert.deepEqual(findings('inline.c', text), [`read-only-member 6:8 ${on}`, `read-only-member 7:7 ${on}`, `read-only-member 8:8 ${on}`, `read-only-member 9:7 ${on}`]);
    const message = checker.check(text, { fileName: 'inline.c', targets: parseTargets('6.1', db.images).images }).findings[0]?.message;
    assert.equal(message, '`dev_addr` of struct net_device points to const data on 6.1, where it is `const unsigned char *dev_addr`: what it points to cannot be assigned there');
  });

  it('reports `.` on a member that is a pointer on some kernels, and `->` where it is embedded (kvmfr pgmap.res)', () => {
    const probe = (guard: string, access: string) =>
      [
        '#include <linux/memremap.h>',
        '#include <linux/version.h>',
        'void probe(struct dev_pagemap *pgmap)',
        '{',
        `#if ${guard}`,
        `\tpgmap->res${access}start = 0;`,
        '#endif',
        '}',
      ].join('\n');
    // res was `const struct resource *` on 4.8-4.15, embedded from 4.18, gone from 5.11.
    assert.deepEqual(findings('inline.c', probe('LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)', '.')), [
      'access-operator 6:9 [4.8,4.10,4.13,4.15]',
      'struct-not-in-image 6:9 [4.4]',
    ]);
    assert.deepEqual(findings('inline.c', probe('LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)', '->')), [
      'access-operator 6:9 [4.18,5.0,5.3,5.4,5.8]',
      'struct-not-in-image 6:9 [4.4]',
    ]);
    assert.deepEqual(findings('inline.c', probe('LINUX_VERSION_CODE >= KERNEL_VERSION(4, 18, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)', '.')), []);
  });

  it('compiles as Kbuild does for a module: __KERNEL__ and MODULE are defined', () => {
    const text = [
      '#include <linux/fs.h>',
      'void touch(struct inode *inode)',
      '{',
      '#ifdef MODULE',
      '\tinode->i_mtime = current_time(inode);',
      '#endif',
      '#ifndef __KERNEL__',
      '\tinode->i_ctime = current_time(inode);',
      '#endif',
      '}',
    ].join('\n');
    assert.deepEqual(findings('inline.c', text), ['missing-member 5:9 [6.8]']);
  });

  describe('callbacks defined in another file, declared in a workspace header (linux-apfs-rw style)', () => {
    const driver = ['#include "apfs.h"', 'const struct inode_operations my_iops = {', '\t.rename = my_rename,', '\t.update_time = my_update_time,', '};'].join('\n');
    const check = (header: string[]) => {
      const resolveInclude = (spec: string) => (spec === 'apfs.h' ? { path: '/ws/apfs.h', text: header.join('\n') } : undefined);
      return checker
        .check(driver, { fileName: '/ws/namei.c', targets: parseTargets('4.4..6.8', db.images).images, resolveInclude })
        .findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
    };
    const updateTime = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)',
      'int my_update_time(struct inode *inode, struct timespec64 *time, int flags);',
      '#else',
      'int my_update_time(struct inode *inode, int flags);',
      '#endif',
    ];

    it('checks each target against the prototype it compiles', () => {
      const header = [
        '#include <linux/fs.h>',
        '#include <linux/version.h>',
        '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 12, 0)',
        'extern int my_rename(struct inode *old_dir, struct dentry *old_dentry,',
        '\t\t     struct inode *new_dir, struct dentry *new_dentry, unsigned int flags);',
        '#else',
        'extern int my_rename(struct user_namespace *mnt_userns, struct inode *old_dir, struct dentry *old_dentry,',
        '\t\t     struct inode *new_dir, struct dentry *new_dentry, unsigned int flags);',
        '#endif',
        ...updateTime,
      ];
      // rename took flags from 4.9; user_namespace came in 5.12 and became mnt_idmap in 6.3.
      // Before 4.18 a 64-bit kernel spelled timespec64 as a macro for timespec: no finding there.
      assert.deepEqual(check(header), ['callback-signature 3:3 [4.4,4.8]', 'callback-signature 3:3 [6.5,6.8]']);
    });

    it('takes no prototype an unknown guard chooses, and none where the name is a macro', () => {
      assert.deepEqual(check(['#ifdef MY_OLD_VFS', 'int my_rename(struct inode *a, struct dentry *b, struct inode *c, struct dentry *d);', '#endif', ...updateTime]), []);
      assert.deepEqual(
        check([
          'int my_rename(struct inode *a, struct dentry *b, struct inode *c, struct dentry *d);',
          '#if LINUX_VERSION_CODE >= KERNEL_VERSION(4, 9, 0)',
          '#define my_rename my_rename2',
          '#endif',
          ...updateTime,
        ]),
        [],
      );
    });
  });

  describe('a driver that refuses kernels with #error (exfat-linux compat.h style)', () => {
    const touch = (refusal: string[]) =>
      [
        '#include <linux/fs.h>',
        '#include <linux/version.h>',
        ...refusal,
        'void touch(struct inode *inode)',
        '{',
        '\tinode->i_ctime = current_time(inode);',
        '}',
      ].join('\n');
    const refuseNew = ['#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)', '#error "This driver does not support v5.8+"', '#endif'];
    const stops = (text: string, options: object = {}) =>
      checker
        .check(text, { fileName: 'inline.c', targets: parseTargets('4.4..6.8', db.images).images, ...options })
        .stops.map((stop) => `${stop.line + 1} [${stop.targets.map((t) => db.images[t].label).join(',')}]`);

    it('reports the #error on the kernels it refuses, and what fails after it there: gcc goes on compiling', () => {
      assert.deepEqual(findings('inline.c', touch([])), ['missing-member 5:9 [6.8]']);
      assert.deepEqual(findings('inline.c', touch(refuseNew)), ['error-directive 4:1 [5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]', 'missing-member 8:9 [6.8]']);
      assert.deepEqual(stops(touch(refuseNew)), ['4 [5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]']);
    });

    it('follows the #error into a workspace header, anchored at its #include', () => {
      const text = touch(['#include "compat.h"']);
      const resolveInclude = (spec: string) => (spec === 'compat.h' ? { path: 'compat.h', text: refuseNew.join('\n') } : undefined);
      assert.deepEqual(stops(text, { resolveInclude }), ['3 [5.8,5.10,5.11,5.13,5.15,5.19,6.1,6.2,6.5,6.8]']);
      // gcc reports the header's #error in the header, and goes on to the member 6.8 lacks.
      assert.deepEqual(
        checker.check(text, { fileName: 'inline.c', targets: parseTargets('4.4..6.8', db.images).images, resolveInclude }).findings.map((f) => `${f.code} ${f.range.startLine + 1}`),
        ['missing-member 6'],
      );
    });

    it('still judges a kernel where an unknown guard decides whether the #error is reached', () => {
      const text = touch(['#if defined(RHEL_RELEASE_CODE) && LINUX_VERSION_CODE >= KERNEL_VERSION(5, 8, 0)', '#error "no RHEL 9"', '#endif']);
      assert.deepEqual(stops(text), []);
      assert.deepEqual(findings('inline.c', text), ['missing-member 8:9 [6.8]']);
    });
  });

  describe('what the Kbuild adds (WireGuard compat style)', () => {
    const folder = join(fixtures, '..', 'kbuild');
    const file = join(folder, 'mydev.c');
    const text = readFileSync(file, 'utf8');
    const targets = () => parseTargets('4.4..6.8', db.images).images;
    const rows = (options: object) =>
      checker
        .check(text, { fileName: file, targets: targets(), ...options })
        .findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);

    it('reads -include headers first and -I folders for includes, so renamed members are not reported', () => {
      // compat.h renames priv_destructor and newlink before 4.13; hdr/ says max_mtu exists from
      // 4.8, one release too early (the data first has it in 4.10): that one is real.
      assert.deepEqual(rows(includeContexts([folder])(file)), ['missing-member 21:7 [4.8]']);
    });

    it('takes -D switches from the Makefile: certain ones decide, platform-chosen ones leave the code unjudged', () => {
      const defines = join(fixtures, '..', 'kbuild-defines');
      const touch = join(defines, 'touch.c');
      const found = checker
        .check(readFileSync(touch, 'utf8'), { fileName: touch, targets: targets(), ...includeContexts([defines])(touch) })
        .findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
      // i_mtime is judged (the switch is always on); i_ctime is never built; i_atime may not be.
      assert.deepEqual(found, ['missing-member 6:9 [6.8]']);
    });

    it('without the Kbuild, reports what the compiler would see without the compat header', () => {
      assert.deepEqual(rows({}), ['missing-member 19:7 [4.4,4.8,4.10]', 'callback-signature 27:3 [4.4,4.8,4.10]']);
    });
  });
});
