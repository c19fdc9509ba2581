// Rule missing-header: an #include <…> that some targeted kernel's headers do not have.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { createIncludeResolver } from '../../src/core/c/includes';
import { versionIncludeEdit } from '../../src/core/edits/versionGuard';
import { angleIncludes, includeHover, missingHeaderFixes } from '../../src/core/rules/missingHeader';
import { applyEdits, TextLines } from '../../src/core/edits/textEdits';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase, checkFolder } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string, headers: Record<string, string> = {}): string[] {
  const resolveInclude = createIncludeResolver(['/ws'], (path) => headers[path]);
  const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images, resolveInclude });
  return result.findings
    .filter((f) => f.code === 'missing-header')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

describe('missing-header', () => {
  it('reads the include lines and where each name is written', () => {
    assert.deepEqual(angleIncludes(['#include <linux/fs.h>', '  #  include < asm/io.h >', '#include "local.h"']), [
      { line: 0, name: 'linux/fs.h', startColumn: 10, endColumn: 20 },
      { line: 1, name: 'asm/io.h', startColumn: 15, endColumn: 23 },
    ]);
  });

  it('warns on the kernels whose headers lack the header (linux/genhd.h left in 5.18)', () => {
    assert.deepEqual(rows('#include <linux/module.h>\n#include <linux/genhd.h>\n', '5.10,6.1,6.12'), [
      'warning 2:11-24 [6.1,6.12] `<linux/genhd.h>` is not in the kernel headers of 6.1–6.12',
    ]);
  });

  it('judges nothing after the include on the kernels that lack it: gcc stops the file there', () => {
    const text = ['#include <linux/module.h>', '#include <linux/bio.h>', '#include <linux/genhd.h>', '#include <asm/unaligned.h>', '', 'static unsigned int demo_pages(void)', '{', '\treturn BIO_MAX_PAGES;', '}', ''].join('\n');
    const findingsOf = (source: string, spec: string) =>
      checker.check(source, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images }).findings.map((f) => `${f.range.startLine + 1} ${f.code} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
    // gcc-12 on 6.1 and on 6.12: "3:10: fatal error: linux/genhd.h: No such file or directory", and nothing else
    // (6.12 lacks asm/unaligned.h and both lack BIO_MAX_PAGES, which gcc never reaches).
    assert.deepEqual(findingsOf(text, '5.10,6.1,6.12'), ['3 missing-header [6.1,6.12]']);
    // Under a version guard that leaves it out there, that include stops nothing: 6.1 goes on to
    // BIO_MAX_PAGES, 6.12 stops at asm/unaligned.h (gcc-12: 6.1 "11:16: error: ‘BIO_MAX_PAGES’
    // undeclared", 6.12 "7:10: fatal error: asm/unaligned.h: No such file or directory").
    const guarded = text.replace('#include <linux/genhd.h>', '#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)\n#include <linux/genhd.h>\n#endif');
    assert.deepEqual(findingsOf(guarded, '5.10,6.1,6.12'), ['7 missing-header [6.12]', '11 undeclared-constant [6.1]']);
  });

  it('reports the include where gcc stops at it before an #error further down', () => {
    const text = ['#include <linux/module.h>', '#include <linux/version.h>', '#include <linux/genhd.h>', '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)', '#error "not ported to 6.0 yet"', '#endif', 'MODULE_LICENSE("GPL");', ''].join('\n');
    const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets('5.10,6.1', db.images).images });
    // gcc-12 on 6.1: "3:10: fatal error: linux/genhd.h: No such file or directory", and no #error.
    assert.deepEqual(
      result.findings.filter((f) => f.severity === 'warning').map((f) => `${f.range.startLine + 1} ${f.code} [${f.targets.map((t) => db.images[t].label).join(',')}]`),
      ['3 missing-header [6.1]'],
    );
    assert.deepEqual(result.stops, []);
  });

  it("judges nothing after including a driver header that includes a header a kernel lacks: gcc stops inside it", () => {
    const headers = { '/ws/driver.h': '#ifndef DRIVER_H\n#define DRIVER_H\n#include <linux/bio.h>\n#include <linux/genhd.h>\n#endif\n' };
    const text = ['#include <linux/module.h>', '#include "driver.h"', '', 'static unsigned int demo_pages(void)', '{', '\treturn BIO_MAX_PAGES;', '}', ''].join('\n');
    const findingsOf = (source: string) =>
      checker
        .check(source, { fileName: '/ws/drv.c', targets: parseTargets('5.10,6.1,6.12', db.images).images, resolveInclude: createIncludeResolver(['/ws'], (path) => headers[path as keyof typeof headers]) })
        .findings.map((f) => `${f.range.startLine + 1} ${f.code} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
    // gcc-12, 6.1 and 6.12: "In file included from drv.c:2: driver.h:4:10: fatal error: linux/genhd.h:
    // No such file or directory", nothing in drv.c; the header's own check reports that line.
    assert.deepEqual(findingsOf(text), []);
    // Without the include of genhd.h, 6.1 and 6.12 go on to BIO_MAX_PAGES (gone in 5.12).
    headers['/ws/driver.h'] = headers['/ws/driver.h'].replace('#include <linux/genhd.h>\n', '');
    assert.deepEqual(findingsOf(text), ['6 undeclared-constant [6.1,6.12]']);
  });

  it('names the header that took its place (asm/unaligned.h became linux/unaligned.h in 6.12)', () => {
    assert.deepEqual(rows('#include <asm/unaligned.h>\n', '6.1,6.12,7.3'), [
      'warning 1:11-26 [6.12,7.3] `<asm/unaligned.h>` is not in the kernel headers of 6.12–7.3: `<linux/unaligned.h>` has its name there',
    ]);
  });

  it('is silent where the line is not compiled, where the workspace has the header, and on kernels without header data', () => {
    const guarded = '#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 18, 0)\n#include <linux/genhd.h>\n#endif\n';
    assert.deepEqual(rows(guarded, '5.10,6.1,6.12'), []);
    assert.deepEqual(rows('#include <linux/genhd.h>\n', '6.1', { '/ws/include/linux/genhd.h': '/* the driver\'s own backport */\n' }), []);
    assert.deepEqual(rows('#include <linux/genhd.h>\n', '5.19,6.8'), [], 'the Ubuntu images have no header data');
    assert.deepEqual(rows('#include <mydev_features.h>\n', '6.1,6.12'), [], 'a header no kernel has is the driver\'s, behind flags not read');
  });

  it("warns on an older kernel's header no Debian kernel has, in a Kbuild-built file whose build searches only the workspace, and nowhere else", async () => {
    const source = '#include <linux/module.h>\n#include <drm/drmP.h>\n#include <vendor/api.h>\n\nMODULE_LICENSE("GPL");\n';
    const rows = async (files: Record<string, string>) =>
      (await checkFolder({ 'demo.c': source, ...files }, 'debian'))
        .filter((finding) => finding.code === 'missing-header')
        .map((finding) => `${finding.file}:${finding.line}:${finding.column} [${finding.targets.join(',')}] ${finding.message}`);
    assert.deepEqual(await rows({ Kbuild: 'obj-m += demo.o\nccflags-y += -I$(src)/include\n' }), [
      'demo.c:2:11 [5.10,6.1,6.12,7.2,7.3] `<drm/drmP.h>` is not in the kernel headers of 5.10–7.3, nor in any folder the build searches',
    ]);
    // And another architecture's (sd151.h's <asm/gpio.h>): gcc on every amd64 kernel, "fatal error: asm/gpio.h: No such file or directory".
    const asm = async (files: Record<string, string>) =>
      (await checkFolder({ 'demo.c': source.replace('drm/drmP.h', 'asm/gpio.h'), ...files }, 'debian')).filter((finding) => finding.code === 'missing-header').map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.message}`);
    assert.deepEqual(await asm({ Kbuild: 'obj-m += demo.o\n' }), ['demo.c:2:11 `<asm/gpio.h>` is not in the kernel headers of 5.10–7.3, nor in any folder the build searches']);
    assert.deepEqual(await asm({ Kbuild: 'obj-m += demo.o\nccflags-y += $(shell pkg-config --cflags vendor)\n' }), []);
    // The driver has it; a -I folder outside the workspace may; flags not read may add one; no object list names the file.
    assert.deepEqual(await rows({ Kbuild: 'obj-m += demo.o\n', 'compat/drm/drmP.h': '#include <drm/drm_drv.h>\n' }), []);
    assert.deepEqual(await rows({ Kbuild: 'obj-m += demo.o\nccflags-y += -I/opt/vendor-drm/include\n' }), []);
    assert.deepEqual(await rows({ Kbuild: 'obj-m += demo.o\nccflags-y += $(shell pkg-config --cflags vendor)\n' }), []);
    assert.deepEqual(await rows({}), []);
  });

  it("reports such a header at the driver header's line that includes it, and judges nothing after it in the file", async () => {
    // drm_fbdev_generic.h was in 6.2-6.10 only. gcc-10 on 5.10, gcc-12 on 6.1 and 6.12, gcc-14 on
    // 7.3: "In file included from demo.c:2: demo.h:3:10: fatal error: drm/drm_fbdev_generic.h: No
    // such file or directory", and nothing about demo.c's BIO_MAX_PAGES, which gcc never reaches.
    const files = {
      Kbuild: 'obj-m += demo.o\n',
      'demo.h': '#ifndef DEMO_H\n#define DEMO_H\n#include <drm/drm_fbdev_generic.h>\n#include <drm/drm_gem_dma_helper.h>\n#endif\n',
      'demo.c': '#include <linux/module.h>\n#include "demo.h"\n#include <linux/bio.h>\n\nstatic unsigned int demo_pages(void)\n{\n\treturn BIO_MAX_PAGES;\n}\nMODULE_LICENSE("GPL");\n',
    };
    const reported = async (given: Record<string, string>) =>
      (await checkFolder(given, '5.10,6.1,6.12,7.3')).map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.code} [${finding.targets.join(',')}] ${finding.message}`);
    assert.deepEqual(await reported(files), [
      // The header's own check: drm_gem_dma_helper.h came in 6.1.
      'demo.h:4:11 missing-header [5.10] `<drm/drm_gem_dma_helper.h>` is not in the kernel headers of 5.10',
      'demo.h:3:11 missing-header [5.10,6.1,6.12,7.3] `<drm/drm_fbdev_generic.h>` is not in the kernel headers of 5.10–7.3, nor in any folder the build searches',
    ]);
    // Without that include, the build goes on to BIO_MAX_PAGES (gone in 5.12) where drm_gem_dma_helper.h
    // is found: gcc-12 and gcc-14, "demo.c:7:16: error: 'BIO_MAX_PAGES' undeclared"; gcc-10 on 5.10
    // stops at demo.h:4.
    const without = { ...files, 'demo.h': files['demo.h'].replace('#include <drm/drm_fbdev_generic.h>\n', '') };
    assert.deepEqual(await reported(without), [
      'demo.c:7:9 undeclared-constant [6.1,6.12,7.3] `BIO_MAX_PAGES` is declared by no kernel header of 6.1–7.3 (no macro, enumerator or variable of that name), so the use does not compile there',
      'demo.h:3:11 missing-header [5.10] `<drm/drm_gem_dma_helper.h>` is not in the kernel headers of 5.10',
    ]);
  });

  it('hovers an include with the kernels that have it', () => {
    assert.equal(
      includeHover(db, 'linux/genhd.h', parseTargets('5.10,6.1,6.8,6.12', db.images).images),
      [
        '**`<linux/genhd.h>`**',
        'In the kernel headers of 5.10.',
        '**Not in the kernel headers of 6.1, 6.12**: the build stops at this line there.',
        'Not known on 6.8: the data has no headers of those kernels.',
      ].join('\n\n'),
    );
  });
});

describe('missing-header fixes', () => {
  const fix = (text: string, spec: string) => {
    const result = checker.check(text, { fileName: '/ws/drv.c', targets: parseTargets(spec, db.images).images });
    const finding = result.findings.find((f) => f.code === 'missing-header')!;
    assert.ok(finding?.header, 'no missing-header finding');
    const [guard] = missingHeaderFixes(text, finding.range.startLine, finding.header, versionIncludeEdit(new TextLines(text)));
    return { guard, fixed: applyEdits(text, guard.edits) };
  };

  it('guards the include with its successor from the boundary on, and the result builds everywhere', () => {
    const { guard, fixed } = fix('#include <linux/module.h>\n#include <asm/unaligned.h>\n', '6.1,6.12,7.3');
    assert.equal(guard.title, 'Guard this include by kernel version: `<linux/unaligned.h>` from 6.12, `<asm/unaligned.h>` before');
    assert.equal(
      fixed,
      '#include <linux/module.h>\n#include <linux/version.h>\n#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)\n#include <linux/unaligned.h>\n#else\n#include <asm/unaligned.h>\n#endif\n',
    );
    assert.deepEqual(rows(fixed, '6.1,6.12,7.3'), []);
  });

  it('keeps a header without successor only before the first kernel without it', () => {
    const { guard, fixed } = fix('#include <linux/version.h>\n#include <linux/genhd.h>\n', '5.10,6.1,6.12');
    assert.equal(guard.title, 'Guard this include by kernel version: only before 6.1, where `<linux/genhd.h>` is gone');
    assert.equal(fixed, '#include <linux/version.h>\n#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)\n#include <linux/genhd.h>\n#endif\n');
    assert.deepEqual(rows(fixed, '5.10,6.1,6.12'), []);
  });
});
