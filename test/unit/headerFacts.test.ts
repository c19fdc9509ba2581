import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanKernelHeaders, type FunctionPrototype, type HeaderFacts } from '../../scripts/import/headerFacts';
import { packageRoot, wasmLocation } from '../../src/cli/paths';
import { loadCParser, type CParser } from '../../src/core/c/parser';

// test/fixtures/headers holds a tiny Debian-shaped headers tree: common/ (the source headers)
// and amd64/ (the generated ones). It is copied to a temporary folder, where the symlinks, a
// non-UTF-8 file and an oversized file are added (git and Windows checkouts handle those badly).
const FIXTURE = join(packageRoot, 'test', 'fixtures', 'headers');

let parser: CParser;
let dir: string;
let symlinks = true;
let facts: HeaderFacts;

function prototype(returnType: string, parameters: string[], header: string, more: Partial<FunctionPrototype> = {}): FunctionPrototype {
  return { returnType, parameters, variadic: false, inline: false, header, ...more };
}

describe('scanKernelHeaders', () => {
  before(async () => {
    parser = await loadCParser(wasmLocation());
    dir = mkdtempSync(join(tmpdir(), 'kernel-compat-headers-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const include = join(dir, 'common', 'include');
    try {
      mkdirSync(join(include, 'dt-bindings', 'input'), { recursive: true });
      // As in Debian's tree: a second name for a uapi header.
      symlinkSync('../../uapi/linux/input-event-codes.h', join(include, 'dt-bindings', 'input', 'linux-event-codes.h'));
      symlinkSync('nowhere.h', join(include, 'linux', 'missing.h')); // broken
      symlinkSync('..', join(include, 'linux', 'loop')); // a folder loop
    } catch {
      symlinks = false; // Windows without the privilege
    }
    writeFileSync(
      join(include, 'linux', 'latin1.h'),
      Buffer.concat([Buffer.from('/* Copyright Ren'), Buffer.from([0xe9]), Buffer.from(' */\nstruct latin1_named { int x; };\n')]),
    );
    writeFileSync(join(include, 'linux', 'huge_table.h'), 'struct huge_table { int x; };\n' + `/* ${'x'.repeat(1000)} */\n`.repeat(2200));
    facts = await scanKernelHeaders([join(dir, 'common'), join(dir, 'amd64')], parser);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('include names', () => {
    it('lists every name an #include can use on the x86 search path, generated and uapi folders included', () => {
      const expected = [
        'acpi/acpixf.h',
        'acpi/actbl2.h',
        'asm-generic/unaligned.h',
        'asm/io.h',
        'asm/processor.h',
        'asm/ptrace.h',
        'asm/sync_bitops.h',
        'asm/unaligned.h',
        'asm/unistd_64.h',
        ...(symlinks ? ['dt-bindings/input/linux-event-codes.h'] : []),
        'generated/asm/unaligned.h',
        'generated/autoconf.h',
        'generated/uapi/asm/unistd_64.h',
        'generated/uapi/linux/version.h',
        'linux/device.h',
        'linux/fortify-string.h',
        'linux/fs.h',
        'linux/huge_table.h',
        'linux/input-event-codes.h',
        'linux/latin1.h',
        'linux/types.h',
        'linux/version.h',
        'uapi/asm/ptrace.h',
        'uapi/asm/unistd_64.h',
        'uapi/linux/fs.h',
        'uapi/linux/input-event-codes.h',
        'uapi/linux/types.h',
      ];
      assert.deepEqual(facts.headers, expected);
    });

    it('skips folders outside the search path, broken symlinks and symlink loops', () => {
      assert.ok(!facts.headers.some((name) => name.includes('outside')), 'tools/include is not on the include path');
      assert.ok(!facts.headers.includes('linux/missing.h'));
      assert.ok(!facts.headers.some((name) => name.startsWith('linux/loop/')));
    });

    it('lets the first root win a name both roots have, and tolerates a root that does not exist', async () => {
      const a = join(dir, 'first');
      const b = join(dir, 'second');
      mkdirSync(join(a, 'include', 'linux'), { recursive: true });
      mkdirSync(join(b, 'include', 'linux'), { recursive: true });
      writeFileSync(join(a, 'include', 'linux', 'dup.h'), 'struct from_first { int x; };\n');
      writeFileSync(join(b, 'include', 'linux', 'dup.h'), 'struct from_second { int x; };\n');
      const both = await scanKernelHeaders([a, b, join(dir, 'absent')], parser);
      assert.deepEqual(both.headers, ['linux/dup.h']);
      assert.deepEqual(both.definitions, { 'struct from_first': ['linux/dup.h'] });
    });
  });

  describe('include graph', () => {
    it('follows angle, quoted and include_next includes, leaves out what the kernel does not compile or cannot take, and marks headers with unknown includes', async () => {
      const root = join(dir, 'graph');
      const write = (path: string, text: string) => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), text);
      };
      write('include/linux/a.h', '#include <linux/b.h>\n#include "c.h"\r\n#if 0\n#include <linux/never.h>\n#endif\n');
      write('include/linux/b.h', '#include_next <linux/b.h>\n');
      write('include/uapi/linux/b.h', 'struct b_uapi { int x; };\n');
      write('include/linux/c.h', '#define C_HEADER <linux/b.h>\n#include C_HEADER\n');
      write('include/linux/d.h', '#include <linux/absent.h>\n');
      // ACPICA's acenv.h: C library headers only a userspace build's macro takes.
      write('include/linux/f.h', '#ifdef ACPI_USE_STANDARD_HEADERS\n#include <stdlib.h>\n#endif\n#ifdef _MSC_VER\n#include <linux/absent.h>\n#endif\n');
      write('include/uapi/linux/e.h', 'struct e_uapi { int x; };\n');
      const graph = await scanKernelHeaders([root], parser, undefined, { versionCode: 0x060c00, config: () => undefined });
      assert.deepEqual(graph.includes, {
        'linux/a.h': ['linux/b.h', 'linux/c.h'],
        'linux/b.h': ['uapi/linux/b.h'],
        'uapi/linux/e.h': ['linux/e.h'],
      });
      assert.deepEqual(graph.openHeaders, ['linux/c.h', 'linux/d.h']);
    });
  });

  describe('macros a module build compiles', () => {
    it("judges which parameters are values by the definitions gcc compiles (optimized, not sparse, not assembly), through a comment inside a #define", async () => {
      const root = join(dir, 'compiled-macros');
      mkdirSync(join(root, 'include', 'linux'), { recursive: true });
      const header = [
        '#ifdef __OPTIMIZE__',
        '# define check_cond(cond, msg) do { /* the call stops the build \\',
        '   when cond is false */ if (!(cond)) stop_build(msg); } while (0)',
        '#else',
        '# define check_cond(cond, msg) do { } while (0)',
        '#endif',
        '#ifdef __CHECKER__',
        '#define zero_if(e) (0)',
        '#else',
        '#define zero_if(e) ((int)(sizeof(struct { int:(-!!(e)); })))',
        '#endif',
        '#ifdef CONFIG_DEBUG_LOCK_ALLOC',
        '#define lock_it(l) lock_nested(#l)',
        '#endif',
        '#if !defined(__ASSEMBLY__)',
        '#define input_check(h, l) zero_if((l) > (h))',
        '#else',
        '#define input_check(h, l) 0',
        '#endif',
        '',
      ].join('\n');
      writeFileSync(join(root, 'include', 'linux', 'checks.h'), header);
      const values = (facts: HeaderFacts) => Object.fromEntries(Object.entries(facts.macros).map(([name, variants]) => [name, variants.map((v) => v.values)]));
      // With a kernel's build, the variants gcc never compiles (which drop their arguments) are left
      // out of the values, and a macro defined only under an option the kernel turns off hides nothing.
      const built = await scanKernelHeaders([root], parser, undefined, { versionCode: 0x060100, config: () => undefined });
      assert.deepEqual(values(built), { check_cond: [3], input_check: [3], lock_it: [1], zero_if: [1] });
      // Read without one, every definition counts, and every one of these drops its arguments somewhere.
      assert.deepEqual(values(await scanKernelHeaders([root], parser)), { check_cond: [0], input_check: [0], lock_it: [0], zero_if: [0] });
    });
  });

  describe('definitions', () => {
    it('records struct, union, enum bodies and typedefs by the name gcc would reach the header with', () => {
      assert.deepEqual(facts.definitions, {
        'enum input_uapi_kind': ['linux/input-event-codes.h'],
        'enum rw_hint': ['linux/fs.h'],
        // Bodies that end in a macro, which tree-sitter cannot read: found by the line rule.
        'struct acpi_mpst_channel': ['acpi/actbl2.h'],
        'struct acpi_resource_address': ['acpi/actbl2.h'],
        'struct acpi_table_mpst': ['acpi/actbl2.h'],
        'struct cpuinfo_x86': ['asm/processor.h'],
        'struct dentry': ['linux/fs.h'],
        'struct exception_stacks': ['asm/processor.h'],
        'struct file_clone_range': ['uapi/linux/fs.h'],
        'struct file_lock': ['linux/fs.h'],
        'struct file_operations': ['linux/fs.h'],
        'struct latin1_named': ['linux/latin1.h'],
        // asm/ptrace.h and the uapi header (under `#ifndef __KERNEL__`): conditions are not evaluated.
        'struct pt_regs': ['asm/ptrace.h', 'uapi/asm/ptrace.h'],
        'typedef __kernel_size_t': ['uapi/linux/types.h'],
        'typedef bool': ['linux/types.h'],
        'typedef filldir_t': ['linux/fs.h'],
        'typedef gfp_t': ['linux/types.h'],
        'typedef size_t': ['linux/types.h'],
        'union fs_uapi_value': ['uapi/linux/fs.h'],
      });
    });

    it('does not count forward declarations, and does not read files over 2 MB', () => {
      assert.equal(facts.definitions['struct inode'], undefined);
      assert.equal(facts.definitions['struct class'], undefined);
      assert.equal(facts.definitions['struct huge_table'], undefined);
    });

    /** The definitions scanKernelHeaders finds in a tree of one header, `include/<header>`. */
    async function definitionsIn(folder: string, header: string, lines: string[]): Promise<HeaderFacts['definitions']> {
      const root = join(dir, folder);
      mkdirSync(join(root, 'include', header, '..'), { recursive: true });
      writeFileSync(join(root, 'include', header), lines.join('\n') + '\n');
      return (await scanKernelHeaders([root], parser)).definitions;
    }

    it("reads 7.2's lock types, opened by context_lock_struct(name), as struct definitions; a bare context_lock_struct(name); declares only", async () => {
      const locks = await definitionsIn('locks', 'linux/mutex_types.h', [
        '#define context_lock_struct(name, ...) struct __VA_ARGS__ name',
        '#ifndef CONFIG_PREEMPT_RT',
        'context_lock_struct(mutex) {',
        '\tatomic_long_t owner;',
        '};',
        '#else',
        'context_lock_struct(mutex)',
        '{',
        '\tstruct rt_mutex_base rtmutex;',
        '};',
        '#endif',
        'context_lock_struct(rt_mutex);',
        'context_lock_struct(srcu_struct, __reentrant_ctx_lock);',
        'context_lock_struct(ww_mutex, __reentrant_ctx_lock) {',
        '\tstruct mutex base;',
        '};',
      ]);
      assert.deepEqual(locks, { 'struct mutex': ['linux/mutex_types.h'], 'struct ww_mutex': ['linux/mutex_types.h'] });
    });

    it("reads a struct whose body is a braced macro of its header (crypto's `struct hash_alg_common HASH_ALG_COMMON;`), not one named by any other macro", async () => {
      const crypto = await definitionsIn('crypto', 'crypto/hash.h', [
        '#define HASH_ALG_COMMON {\t\t\\',
        '\tunsigned int digestsize;\t\\',
        '\tstruct crypto_alg base;\t\\',
        '}',
        '#define HASH_ALG_ATTRIBUTES __aligned(8)',
        'struct hash_alg_common HASH_ALG_COMMON;',
        'struct hash_alg_unknown HASH_ALG_ATTRIBUTES;',
        'struct shash_alg {',
        '\tunion {',
        '\t\tstruct HASH_ALG_COMMON;',
        '\t\tstruct hash_alg_common halg;',
        '\t};',
        '};',
      ]);
      assert.deepEqual(Object.keys(crypto).sort(), ['struct hash_alg_common', 'struct shash_alg']);
    });
  });

  describe('functions', () => {
    it('reads extern prototypes and inline definitions with their types and without parameter names', () => {
      assert.deepEqual(facts.functions, {
        __class_create: [prototype('struct class *', ['struct module *', 'const char *', 'struct lock_class_key *'], 'linux/device.h')],
        // Followed by a macro call (`__RENAME(strlen)`): read from the ERROR node tree-sitter makes of them.
        __underlying_memcmp: [prototype('int', ['const void *', 'const void *', '__kernel_size_t'], 'linux/fortify-string.h')],
        __underlying_strlen: [prototype('__kernel_size_t', ['const char *'], 'linux/fortify-string.h')],
        // Wrapped in ACPI_EXTERNAL_RETURN_STATUS(...) and the like.
        acpi_enable: [prototype('acpi_status', [], 'acpi/acpixf.h')],
        acpi_evaluate_object: [
          prototype('acpi_status', ['acpi_handle', 'acpi_string', 'struct acpi_object_list *', 'struct acpi_buffer *'], 'acpi/acpixf.h'),
        ],
        class_create: [prototype('struct class *', ['const char *'], 'linux/device.h')],
        class_destroy: [prototype('void', ['const struct class *'], 'linux/device.h')],
        cpu_detect: [prototype('void', ['struct cpuinfo_x86 *'], 'asm/processor.h')],
        dev_set_name: [prototype('int', ['struct device *', 'const char *'], 'linux/device.h', { variadic: true })],
        file_inode: [prototype('struct inode *', ['const struct file *'], 'linux/fs.h', { inline: true })],
        filp_open: [prototype('struct file *', ['const char *', 'int', 'umode_t'], 'linux/fs.h')],
        // After macro calls that stand alone without a `;` (and a `#define` continued on a call).
        fs_after_bare_calls: [prototype('unsigned int', [], 'linux/fs.h', { inline: true })],
        fs_after_continuation: [prototype('int', [], 'linux/fs.h')],
        fs_map: [prototype('void *', ['void *', 'unsigned long'], 'linux/fs.h')],
        fs_pick: [prototype('int (*)(struct file *, int)', ['int'], 'linux/fs.h')],
        // `extern int` + `fs_split_declaration(...);` on the next line, after `DECLARE_PER_CPU(...);`.
        fs_split_declaration: [prototype('int', ['struct file *', 'int'], 'linux/fs.h')],
        // `char * const POS p`, with fortify-string.h's `#define POS __pass_object_size(1)`.
        fortified_memchr: [prototype('int', ['const void * const', 'int'], 'linux/fortify-string.h', { inline: true })],
        get_unaligned_le16: [prototype('u16', ['const void *'], 'asm-generic/unaligned.h', { inline: true })],
        ioremap_cache: [prototype('void *', ['resource_size_t', 'unsigned long'], 'asm/io.h')],
        isa_virt_to_bus: [prototype('unsigned int', ['volatile void *'], 'asm/io.h', { inline: true })],
        locks_lock_file_wait: [
          prototype('int', ['struct file *', 'struct file_lock *'], 'linux/fs.h'),
          prototype('int', ['struct file *'], 'linux/fs.h', { inline: true }),
        ],
        register_chrdev_region: [prototype('int', ['dev_t', 'unsigned', 'const char *'], 'linux/fs.h')],
        rep_nop: [prototype('void', [], 'asm/processor.h', { inline: true })],
        // After `#define __head __section(".head.text")`, whose value is blanked.
        startup_64_setup_env: [prototype('void', ['unsigned long'], 'asm/processor.h')],
        strscpy: [prototype('ssize_t', ['char * const', 'const char * const', 'size_t'], 'linux/fortify-string.h', { inline: true })],
        // Bodies with `asm volatile("lock; " __ASM_SIZE(bts) " %1,%0" ...)`.
        sync_clear_bit: [prototype('void', ['long', 'volatile unsigned long *'], 'asm/sync_bitops.h', { inline: true })],
        sync_set_bit: [prototype('void', ['long', 'volatile unsigned long *'], 'asm/sync_bitops.h', { inline: true })],
        vfs_noop: [prototype('int', [], 'linux/fs.h', { inline: true })],
        vfs_note: [prototype('int', ['struct file *', 'const char *'], 'linux/fs.h', { variadic: true })],
      });
    });

    it('keeps both variants of an #ifdef and leaves out function pointer variables', () => {
      assert.equal(facts.functions.locks_lock_file_wait.length, 2);
      assert.equal(facts.functions.fs_hook, undefined);
    });
  });

  describe('macros and member aliases', () => {
    it('counts the parameters of function-like macros only, with ... and args... as variadic, and which it compiles as values', () => {
      // values: `__RENAME(x)` stringifies, `fs_none()` has none; `build_mmio_read`'s arguments make a function and its asm operands.
      assert.deepEqual(facts.macros, {
        ACPI_EXTERNAL_RETURN_STATUS: [{ parameters: 1, variadic: false, header: 'acpi/acpixf.h', values: 1 }],
        ESTACKS_MEMBERS: [{ parameters: 2, variadic: false, header: 'asm/processor.h', values: 1 }],
        FS_IOC: [{ parameters: 1, variadic: false, header: 'uapi/linux/fs.h', values: 1 }],
        KERNEL_VERSION: [{ parameters: 3, variadic: false, header: 'linux/version.h', values: 7 }],
        __RENAME: [{ parameters: 1, variadic: false, header: 'linux/fortify-string.h', values: 0 }],
        build_mmio_read: [{ parameters: 5, variadic: false, header: 'asm/io.h', values: 0 }],
        class_create: [{ parameters: 2, variadic: false, header: 'linux/device.h', values: 3 }],
        fs_dbg: [{ parameters: 1, variadic: true, header: 'linux/fs.h', values: 3 }],
        fs_none: [{ parameters: 0, variadic: false, header: 'linux/fs.h', values: 0 }],
        fs_warn: [{ parameters: 1, variadic: true, header: 'linux/fs.h', values: 3 }],
        get_unaligned: [{ parameters: 1, variadic: false, header: 'asm-generic/unaligned.h', values: 1 }],
      });
    });

    it('reads member aliases: paths into a member (through arrays and pointers) and other names for one, not a name defined as itself', () => {
      assert.deepEqual(facts.memberAliases, {
        d_lock: ['d_lockref.lock'],
        d_opt_src: ['d_opt_array[D_OPT_SRC]'],
        d_pmtu: ['d_metrics->metrics[D_MTU-1]'],
        rcu_head: ['callback_head'],
      });
    });
  });
});

/** Scans one header, at `include/<name>` of a kernel tree's common part, for the watched names (no config set). */
async function scanWatched(name: string, lines: string[], versionCode: number, watched: ReadonlySet<string>): Promise<HeaderFacts> {
  const cParser = await loadCParser(wasmLocation());
  const root = mkdtempSync(join(tmpdir(), 'kernel-compat-watched-'));
  try {
    mkdirSync(join(root, 'common', 'include', dirname(name)), { recursive: true });
    mkdirSync(join(root, 'amd64', 'include'), { recursive: true });
    writeFileSync(join(root, 'common', 'include', name), lines.join('\n'));
    return await scanKernelHeaders([join(root, 'common'), join(root, 'amd64')], cParser, undefined, { versionCode, config: () => undefined }, watched);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('scanKernelHeaders: names of older kernels', () => {
  it('finds which watched names the headers spell in code or directives, under any condition, and not in comments alone', async () => {
    const watched = new Set(['do_gettimeofday', 'fs_param_is_u32', 'blk_init_queue', 'flush_tlb_mm_range', 'set_fs']);
    const scanned = await scanWatched(
      'linux/demo.h',
      [
        '/* do_gettimeofday() is gone: use ktime_get_real_ts64() */',
        'extern fs_param_type fs_param_is_u32;',
        '#ifdef CONFIG_NEVER_SET',
        'void blk_init_queue(void);',
        '#endif',
        '#define flush_tlb_mm_range(mm) do { } while (0)',
        '',
      ],
      0x60100,
      watched,
    );
    assert.deepEqual([...scanned.spelledWatched].sort(), ['blk_init_queue', 'flush_tlb_mm_range', 'fs_param_is_u32']);
  });

  it('finds which watched names the headers may make a type of for a module build: not under #ifndef __KERNEL__ or a config the kernel turns off, nor in a macro body that only uses them', async () => {
    // Shaped like 5.10's uapi/sound/asound.h and uapi/asm-generic/socket.h, which spell time_t
    // only where a module never compiles it: gcc-10 says "unknown type name 'time_t'" there.
    const watched = new Set(['time_t', 'suseconds_t', 'old_clock_t', 'request_fn_proc', 'mm_segment_t', 'make_request_fn', 'blk_qc_t']);
    const scanned = await scanWatched(
      'uapi/linux/demo.h',
      [
        '#ifndef __KERNEL__',
        'typedef struct { unsigned char pad[sizeof(time_t) - sizeof(int)]; } __time_pad;',
        '#endif',
        '#define SO_DEMO (sizeof(time_t) == sizeof(long) ? \\',
        '\t1 : sizeof(suseconds_t))',
        '#ifdef CONFIG_NEVER_SET',
        'typedef long old_clock_t;',
        '#endif',
        '#define DEMO_TYPEDEF(n) typedef int n##_t; typedef n##_t request_fn_proc',
        '#define mm_segment_t unsigned long',
        'extern make_request_fn *demo_fn;',
        '',
      ],
      0x50a00,
      watched,
    );
    // A typedef under a config the kernel turns off is not made for its modules either.
    assert.deepEqual([...scanned.typedefWatched].sort(), ['make_request_fn', 'mm_segment_t', 'request_fn_proc']);
    assert.deepEqual([...scanned.spelledWatched].sort(), [...watched].filter((name) => name !== 'blk_qc_t').sort());
  });
});

describe('scanKernelHeaders: struct tags of older kernels', () => {
  it("finds which watched tags the headers may make otherwise than a definition shows: a directive the build may take or a macro argument, not `struct timespec;` nor a parameter's name", async () => {
    // Shaped like 5.10's linux/syscalls.h and uapi/linux/time.h: `struct timespec` is declared,
    // defined only for userspace; gcc-10 says "storage size of 'ts' isn't known" in a module.
    const watched = new Set(['timespec', 'timeval', 'itimerval', 'rusage', 'timezone']);
    const scanned = await scanWatched(
      'linux/demo.h',
      [
        'struct timespec;',
        'long demo_time(struct timespec __user *tp);',
        '#ifndef __KERNEL__',
        'struct timeval { long tv_sec; long tv_usec; };',
        '#define __demo_timespec timespec',
        '#endif',
        'int demo_stamp(bool timeval, struct __kernel_timespec __user *timespec);',
        'DEMO_DEFINE_STAMP(itimerval);',
        '#define SIOCGSTAMP ((sizeof(struct timeval)) == 8 ? 1 : 2)',
        '#define DEMO_OLD_STAMP struct timezone { int tz_minuteswest; }',
        '#define DEMO_STAMP_TYPE struct rusage',
        '',
      ],
      0x50a00,
      watched,
    );
    assert.deepEqual([...scanned.tagWatched].sort(), ['itimerval', 'rusage', 'timezone']);
  });
});
