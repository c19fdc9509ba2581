// Rule unknown-type: a kernel typedef named as a declaration's type on a kernel whose headers
// define no typedef of that name.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker, CheckOptions } from '../../src/core/check/checker';
import { parseTargets } from '../../src/core/kernels/targets';
import { typedefUses } from '../../src/core/c/typedefUses';
import { maskCode } from '../../src/core/c/statements';
import { lineStarts } from '../../src/core/c/lineIndex';
import { headersFile, typedefsLacking } from '../../scripts/import/headers';
import { olderStructTags, olderTypedefNames, typeWords } from '../../scripts/import/olderTypedefs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KernelImage } from '../../src/core/kernels/schema';
import { bundledDatabase, headerFacts } from './helpers';
import { hoverAnswer } from '../../src/extension/worker/hoverAnswer';
import { createIncludeResolver } from '../../src/core/c/includes';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

function rows(text: string, spec: string, options: Partial<CheckOptions> = {}): string[] {
  const result = checker.check(text, { fileName: '/ws/demo.c', targets: parseTargets(spec, db.images).images, ...options });
  return result.findings
    .filter((f) => f.code === 'unknown-type')
    .map((f) => `${f.severity} ${f.range.startLine + 1}:${f.range.startColumn + 1}-${f.range.endColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
}

/**
 * Built with Kbuild and gcc-12 against Debian's headers: 6.1 stops with "unknown type name" at
 * 12:9, 16:8, 18:9, 22:44, 31:9, 32:9 and 33:9 (tabs count 8 there) and, for the cast, with
 * "'fop_flags_t' undeclared" at 34:43; nothing in demo_open's body (gcc dropped the function
 * at its parameter), and no error for pfn_t or the compat blk_opf_t; 6.12 builds it.
 */
const DEMO = [
  '#include <linux/module.h>',
  '#include <linux/version.h>',
  '#include <linux/blkdev.h>',
  '#include <linux/fs.h>',
  '#include <linux/pfn.h>',
  '',
  '#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)',
  'typedef unsigned int blk_opf_t;',
  '#endif',
  '',
  'struct demo_req {',
  '\tblk_mode_t mode;',
  '\tpfn_t pfn;',
  '};',
  '',
  'static blk_mode_t demo_mode(struct demo_req *r)',
  '{',
  '\tfop_flags_t inner = 0;',
  '\treturn r->mode + inner;',
  '}',
  '',
  'static int demo_open(struct gendisk *disk, blk_mode_t mode)',
  '{',
  '\tfop_flags_t flags = 0;',
  '\treturn (int)flags + (int)mode;',
  '}',
  '',
  'static int demo_flags(void)',
  '{',
  '\tblk_opf_t opf = 0;',
  '\tfop_flags_t flags = 0;',
  '\tfop_flags_t more = 1;',
  '\tintptr_t p = 0;',
  '\tunsigned long x = (unsigned long)(fop_flags_t)flags;',
  '',
  '\treturn (int)opf + (int)p + (int)x + (int)more;',
  '}',
  '',
].join('\n');

const message = (name: string, lacking: string, having: string, headers: string) =>
  `\`${name}\` is a type no kernel header of ${lacking} defines, so the declaration does not compile there (gcc: unknown type name); ${having} ${/[–,]/.test(having) ? 'define' : 'defines'} it in ${headers}`;
const BLK_MODE = message('blk_mode_t', '6.1', '6.12', '<linux/blkdev.h>');
const FOP_FLAGS = message('fop_flags_t', '6.1', '6.12', '<linux/fs.h>');

describe('unknown-type', () => {
  it("warns at each declaration typed by a typedef the kernel's headers lack, as gcc does, and nothing in a function gcc dropped at a parameter", () => {
    assert.deepEqual(rows(DEMO, '6.1,6.12'), [
      `warning 12:2-12 [6.1] ${BLK_MODE}`,
      `warning 16:8-18 [6.1] ${BLK_MODE}`,
      `warning 18:2-13 [6.1] ${FOP_FLAGS}`,
      `warning 22:44-54 [6.1] ${BLK_MODE}`,
      `warning 31:2-13 [6.1] ${FOP_FLAGS}`,
      `warning 32:2-13 [6.1] ${FOP_FLAGS}`,
      `warning 33:2-10 [6.1] ${message('intptr_t', '6.1', '6.12', '<linux/types.h>')}`,
    ]);
  });

  it('names every kernel that lacks the type, old ones for a type that went (mm_segment_t, gone in 5.18)', () => {
    const text = ['#include <linux/module.h>', '#include <linux/uaccess.h>', '', 'static void demo(void)', '{', '\tmm_segment_t old = get_fs();', '\t(void)old;', '}', ''].join('\n');
    assert.deepEqual(
      rows(text, '5.10,6.1,7.3'),
      [`warning 6:2-14 [6.1,7.3] ${message('mm_segment_t', '6.1–7.3', '5.10', '<linux/uaccess.h>')}`],
    );
  });

  it("warns on every Debian kernel for an older kernel's typedef no Debian header spells (make_request_fn, gone in 5.9)", () => {
    const text = ['#include <linux/module.h>', '#include <linux/blkdev.h>', '', 'static make_request_fn *demo_orig;', ''].join('\n');
    assert.deepEqual(rows(text, '5.10,6.1,7.3'), [
      'warning 4:8-23 [5.10,6.1,7.3] `make_request_fn` is a type no kernel header of 5.10–7.3 defines, so the declaration does not compile there (gcc: unknown type name); older kernels declared functions with it, and no kernel with header data makes it a type',
    ]);
  });

  it("warns where a workspace header the file reads only declares with the type, and is silent where the header may define it", () => {
    // enhanceio: eio.h has `make_request_fn *origmfn;` in a struct, and eio_ttc.c declares with
    // the type too; gcc-12 reports "unknown type name" at the .c file's line on 6.1.
    const text = ['#include <linux/module.h>', '#include <linux/blkdev.h>', '#include "eio.h"', '', 'static make_request_fn *demo_orig;', ''].join('\n');
    const withHeader = (header: string) => rows(text, '6.1', { resolveInclude: createIncludeResolver(['/ws'], (path) => (path === '/ws/eio.h' ? header : undefined)) });
    assert.deepEqual(withHeader('struct cache_c {\n\tmake_request_fn *origmfn; /* make_request_fn */\n};\n'), [
      'warning 5:8-23 [6.1] `make_request_fn` is a type no kernel header of 6.1 defines, so the declaration does not compile there (gcc: unknown type name); older kernels declared functions with it, and no kernel with header data makes it a type',
    ]);
    assert.deepEqual(withHeader('typedef void (make_request_fn)(struct request_queue *, struct bio *);\n'), []);
    assert.deepEqual(withHeader('DEMO_FN_TYPE(make_request_fn);\n'), []);
    assert.deepEqual(withHeader('#define DEMO_TYPE make_request_fn\n'), []);
  });

  it("reports a header's declarations at the header's lines, from the check of a file that includes it, an inline function's body gcc compiles among them", () => {
    // gcc-12 on 6.1 errors at demo.h 6:9, 10:44 and 14:9, and at demo.c 4:44; 6.12 builds it.
    const header = [
      '#ifndef DEMO_H',
      '#define DEMO_H',
      '#include <linux/blkdev.h>',
      '',
      'struct demo_dev {',
      '\tblk_mode_t mode;',
      '\tint users;',
      '};',
      '',
      'static int demo_open(struct gendisk *disk, blk_mode_t mode);',
      '',
      'static inline int demo_users(struct demo_dev *dev)',
      '{',
      '\tblk_mode_t mode = dev->mode;',
      '\treturn dev->users + (mode != 0);',
      '}',
      '#endif',
      '',
    ].join('\n');
    const text = ['#include <linux/module.h>', '#include "demo.h"', '', 'static int demo_open(struct gendisk *disk, blk_mode_t mode)', '{', '\treturn 0;', '}', ''].join('\n');
    const result = checker.check(text, { fileName: '/ws/demo.c', targets: parseTargets('6.1,6.12', db.images).images, resolveInclude: createIncludeResolver(['/ws'], (path) => (path === '/ws/demo.h' ? header : undefined)) });
    const at = (findings: readonly { code: string; range: { startLine: number; startColumn: number }; targets: number[] }[]) =>
      findings.map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`);
    assert.deepEqual(at(result.findings), ['unknown-type 4:44 [6.1]']);
    assert.deepEqual(result.headerFindings?.map(({ path, findings }) => [path, at(findings)]), [['/ws/demo.h', ['unknown-type 6:2 [6.1]', 'unknown-type 10:44 [6.1]', 'unknown-type 14:2 [6.1]']]]);
  });

  it("is silent on the driver's own typedef, macro or -D flag of the name, on lines a target does not compile, and in a header", () => {
    const own = DEMO.replace('#include <linux/pfn.h>', '#include <linux/pfn.h>\ntypedef unsigned int fop_flags_t;');
    assert.deepEqual(rows(own, '6.1').map((row) => row.split(' ')[3]), ['`blk_mode_t`', '`blk_mode_t`', '`blk_mode_t`', '`intptr_t`']);
    const macro = DEMO.replace('#include <linux/pfn.h>', '#include <linux/pfn.h>\n#define blk_mode_t fmode_t');
    assert.ok(!rows(macro, '6.1').some((row) => row.includes('`blk_mode_t`')));
    assert.ok(!rows(DEMO, '6.1', { defines: [{ name: 'intptr_t', value: 'long', certain: true }] }).some((row) => row.includes('`intptr_t`')));
    const guarded = ['#include <linux/version.h>', '#include <linux/blkdev.h>', '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)', 'static blk_mode_t demo_mode;', '#endif', ''].join('\n');
    assert.deepEqual(rows(guarded, '6.1,6.12'), []);
    assert.deepEqual(rows(DEMO, '6.1', { fileName: '/ws/demo.h' }), []);
  });

  it('hovers, per targeted kernel, where its headers define the typedef or that none does', () => {
    const targets = parseTargets('5.10,6.1,6.8,6.12', db.images).images;
    const result = checker.check(DEMO, { fileName: '/ws/demo.c', targets });
    const hover = (typeName: string) => hoverAnswer(db, { version: 1, targets, result, text: DEMO }, { key: 'k', version: 1, offset: 0, line: 29, character: 3, typeName })?.markdown;
    assert.equal(
      hover('blk_opf_t'),
      [
        '**`blk_opf_t`** on the targeted kernels',
        '',
        '- 5.10: **not defined**: no kernel header defines a typedef of that name, so a declaration of that type does not compile there',
        '- 6.1, 6.12: a typedef of `<linux/blk_types.h>`',
        '',
        'Not known on 6.8: the data has no headers of those kernels.',
      ].join('\n'),
    );
    // A typedef every kernel with header data defines, and a name that is none: nothing to say.
    assert.equal(hover('u32'), undefined);
    assert.equal(hover('opf'), undefined);
  });

  it('takes only declarations, unnamed parameters among them: not a cast, a call, a member, a tag or a variable of the name', () => {
    const text = ['x = (blk_opf_t)y;', 'f(blk_opf_t);', 's.blk_opf_t = 1;', 'struct blk_opf_t *p;', 'blk_opf_t(q);', 'blk_opf_t = 2;', 'static const blk_opf_t *const op;', 'int g(int a, blk_opf_t (*cb)(void));', 'void h(int, blk_opf_t *, int);', 'void k(int, blk_opf_t *);', 'y = f((blk_opf_t *)p);', ''].join('\n');
    const masked = maskCode(text);
    const offsets = [...text.matchAll(/blk_opf_t/g)].map((match) => ({ name: 'blk_opf_t', offset: match.index! }));
    assert.deepEqual(
      typedefUses(masked, () => false, lineStarts(text), offsets).map((use) => `${use.line}:${use.startColumn}${use.block ? ` ${use.block.parameter}` : ''}`),
      ['6:13', '7:13', '8:12', '9:12'],
    );
  });
});

describe('unknown-type data', () => {
  it('lists, per kernel, the typedefs other kernels define and it does not', () => {
    const lacking = typedefsLacking([
      headerFacts({ definitions: { 'typedef mm_segment_t': ['asm/uaccess.h'], 'struct file': ['linux/fs.h'], 'typedef u32': ['linux/types.h'] } }),
      headerFacts({ definitions: { 'typedef blk_opf_t': ['linux/blk_types.h'], 'typedef u32': ['linux/types.h'] } }),
    ]);
    assert.deepEqual(lacking.map((names) => [...names]), [['blk_opf_t'], ['mm_segment_t']]);
  });

  it("reads older kernels' typedefs from the words in a type's place of their prototypes: no C word, tag, parameter or function name", () => {
    assert.deepEqual(typeWords('void blk_queue_make_request(struct request_queue *q, make_request_fn *mfn);'), ['make_request_fn']);
    assert.deepEqual(typeWords('static inline gfp_t f(const struct foo *a, unsigned long b, u32 (*cb)(void *), mm_segment_t fs, __u64 x);'), ['gfp_t', 'u32', 'mm_segment_t']);
    const dir = mkdtempSync(join(tmpdir(), 'kernel-compat-typedefs-'));
    try {
      const line = (proto: string | null, images: string[]) => JSON.stringify({ name: 'f', variants: [{ proto, inline: 'No', collision: 'Unique Global', transformation: 'False', images }] });
      writeFileSync(join(dir, 'functions.jsonl.gz'), gzipSync([line('void f(request_fn_proc *rfn);', ['4.4']), line('void f(arm_only_t x);', ['arm64']), line(null, ['4.4'])].join('\n') + '\n'));
      const image = (label: string, arch: string) => ({ label, arch, group: 'version', versionCode: 0 }) as KernelImage;
      assert.deepEqual([...olderTypedefNames(dir, [image('4.4', 'amd64'), image('arm64', 'arm64')])], ['request_fn_proc']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads older kernels' struct tags from their global functions' prototypes on amd64 images", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kernel-compat-tags-'));
    try {
      const line = (proto: string | null, collision: string, images: string[]) => JSON.stringify({ name: 'f', variants: [{ proto, inline: 'No', collision, transformation: 'False', images }] });
      const lines = [
        line('void getnstimeofday(struct timespec *ts);', 'Unique Global', ['4.4']),
        line('static int f(struct private_state *s, struct __reserved *r);', 'Unique Static', ['4.4']),
        line('void g(struct arm_only *a);', 'Unique Global', ['arm64']),
        line(null, 'Unique Global', ['4.4']),
      ];
      writeFileSync(join(dir, 'functions.jsonl.gz'), gzipSync(lines.join('\n') + '\n'));
      const image = (label: string, arch: string) => ({ label, arch, group: 'version', versionCode: 0 }) as KernelImage;
      assert.deepEqual([...olderStructTags(dir, [image('4.4', 'amd64'), image('arm64', 'arm64')])], ['timespec']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the older kernels' struct tags no kernel with header data defines or could make", () => {
    const facts = (tags: string[], defined: string[]) => headerFacts({ headers: ['linux/demo.h'], tagWatched: new Set(tags), definitions: Object.fromEntries(defined.map((tag) => [`struct ${tag}`, ['linux/demo.h']])) });
    const { names } = headersFile([0, 1], [facts(['itimerval'], ['timespec64']), facts([], ['rusage'])], { olderStructs: new Set(['timespec', 'timeval', 'itimerval', 'rusage', 'timespec64']) });
    assert.deepEqual(names.retiredStructs, ['timespec', 'timeval']);
  });

  it("keeps the older kernels' typedefs no kernel with header data makes a type of", () => {
    const facts = (typed: string[]) => headerFacts({ typedefWatched: new Set(typed) });
    const { names } = headersFile([0, 1], [facts(['gfp_t']), facts(['gfp_t', 'mm_segment_t'])], { olderTypedefs: new Set(['make_request_fn', 'gfp_t', 'mm_segment_t']) });
    assert.deepEqual(names.retiredTypedefs, ['make_request_fn']);
  });
});
