import * as assert from 'node:assert/strict';
import {
  IncludeResolver,
  KernelEnvironment,
  LineState,
  PreprocessResult,
  preprocess,
} from '../../src/core/c/preprocessor';

const A = LineState.Active;
const M = LineState.Maybe;
const I = LineState.Inactive;

function kernel(major: number, minor: number, sub: number, config: Record<string, string> | null): KernelEnvironment {
  return {
    versionCode: (major << 16) + (minor << 8) + Math.min(sub, 255),
    config: (symbol) => (config === null ? null : config[symbol]),
  };
}

// Four targets, oldest first. 6.8.1 has no known config at all.
const ENVS: KernelEnvironment[] = [
  kernel(5, 4, 30, {
    CONFIG_PCI: 'y',
    CONFIG_VFIO: 'm',
    CONFIG_NR_CPUS: '64',
    CONFIG_LOCALVERSION: '"-generic"',
    CONFIG_HZ: '0x3e8',
  }),
  kernel(5, 13, 14, { CONFIG_PCI: 'y', CONFIG_VFIO: 'y', CONFIG_NR_CPUS: '1' }),
  kernel(5, 15, 30, { CONFIG_PCI: 'y' }),
  kernel(6, 8, 1, null),
];

function run(lines: string[], resolver?: IncludeResolver, envs: KernelEnvironment[] = ENVS): PreprocessResult {
  return preprocess(lines.join('\n'), '/ws/drv.c', envs, resolver);
}

/** The state of one line in every environment. */
function at(result: PreprocessResult, line: number): number[] {
  return result.lineStates.map((states) => states[line]);
}

/** The line holding `marker` (markers are unique words in the sources below). */
function lineOf(lines: string[], marker: string): number {
  const index = lines.findIndex((line) => line.includes(marker));
  assert.ok(index >= 0, `marker ${marker} not found`);
  return index;
}

/** Values of the single condition of `#if <expression>`, per environment. */
function valuesOf(expression: string): (boolean | undefined)[] {
  const result = run([`#if ${expression}`, 'x', '#endif']);
  assert.equal(result.conditions.length, 1);
  return result.conditions[0].values;
}

function headers(files: Record<string, string>, calls?: string[]): IncludeResolver {
  return (spec, quoted, includingFile) => {
    calls?.push(`${spec}|${quoted}|${includingFile}`);
    const path = `/ws/${spec}`;
    return files[path] === undefined ? undefined : { path, text: files[path] };
  };
}

describe('preprocessor: lines and directives', () => {
  it('gives one state per line, marks directive lines and continuation lines', () => {
    const lines = [
      'int a;', //                                       0
      '#if LINUX_VERSION_CODE >= \\', //                 1
      '    KERNEL_VERSION(5, 15, 0)', //                 2
      'int b;', //                                       3
      '#endif', //                                       4
      '', //                                             5
    ];
    const result = run(lines);
    assert.equal(result.lineStates.length, 4);
    for (const states of result.lineStates) assert.equal(states.length, 6);
    assert.deepEqual([...result.directiveLines], [0, 1, 1, 0, 1, 0]);
    assert.deepEqual(at(result, 3), [I, I, A, A]);
    // Directive lines, continuation included, take the state of the region around them.
    assert.deepEqual(at(result, 2), [A, A, A, A]);
    assert.equal(result.conditions[0].text, 'LINUX_VERSION_CODE >=     KERNEL_VERSION(5, 15, 0)');
    assert.deepEqual(result.conditions[0].values, [false, false, true, true]);
  });

  it('handles CRLF line endings', () => {
    const result = preprocess('#if 0\r\nint a;\r\n#else\r\nint b;\r\n#endif\r\n', 'x.c', ENVS);
    assert.deepEqual(at(result, 1), [I, I, I, I]);
    assert.deepEqual(at(result, 3), [A, A, A, A]);
    assert.deepEqual([...result.directiveLines], [1, 0, 1, 0, 1, 0]);
  });

  it('does not take comment markers inside literals for comments', () => {
    const lines = [
      'const char *open = "/* not a comment";', // 0
      "char slash = '/';", //                      1
      '#if 0', //                                  2
      'const char *s = "text \\', //             3  a string continued on the next line
      '#if 0 inside the string";', //              4
      'int dead;', //                              5
      '#endif', //                                 6
    ];
    const result = run(lines);
    assert.deepEqual([...result.directiveLines], [0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(at(result, 5), [I, I, I, I]);
    assert.deepEqual(result.problems, []);
  });

  it('ignores # inside block comments, line comments and string literals', () => {
    const lines = [
      '/* start of a comment', //                      0
      '#if 0', //                                      1  inside the comment
      '*/', //                                         2
      'int a; // #if 0', //                            3
      'const char *s = "#if 0";', //                   4
      'int b; /* */ #if 0', //                         5  not at line start
      '   # if 0 /* a real one */', //                 6
      'int c;', //                                     7
      '#endif', //                                     8
      'int d;', //                                     9
    ];
    const result = run(lines);
    assert.deepEqual([...result.directiveLines], [0, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
    assert.deepEqual(at(result, 7), [I, I, I, I]);
    assert.deepEqual(at(result, 9), [A, A, A, A]);
    assert.equal(result.conditions.length, 1);
    assert.equal(result.conditions[0].line, 6);
    assert.equal(result.conditions[0].text, '0');
    assert.deepEqual(result.problems, []);
  });

  it('reads comments inside a directive, including one spanning lines', () => {
    const lines = [
      '#if /* old */ LINUX_VERSION_CODE < KERNEL_VERSION(5, 6, 0) /* spans', //  0
      '   two lines */ && 1 // trailing', //                                   1
      'int old;', //                                                             2
      '#endif', //                                                               3
    ];
    const result = run(lines);
    assert.deepEqual([...result.directiveLines], [1, 1, 0, 1]);
    assert.deepEqual(at(result, 2), [A, I, I, I]);
    // Each comment became one space.
    assert.equal(result.conditions[0].text, 'LINUX_VERSION_CODE < KERNEL_VERSION(5, 6, 0)   && 1');
  });

  it('reads a macro whose value is followed by a comment opened at the line\'s end (net/atm/lec.c\'s DUMP_PACKETS)', () => {
    const lines = [
      '#define DUMP_PACKETS 0\t\t/*', //   0
      '\t\t\t\t * 0 = None,', //           1
      '\t\t\t\t */', //                   2
      '#if DUMP_PACKETS >= 2', //          3
      'int dump;', //                      4
      '#endif', //                         5
    ];
    const result = run(lines);
    assert.deepEqual([...result.directiveLines], [1, 1, 1, 1, 0, 1]);
    assert.deepEqual(at(result, 4), [I, I, I, I]);
    assert.deepEqual(result.problems, []);
  });

  it('treats a // comment continued with a backslash as part of the comment', () => {
    const lines = ['// comment \\', '#if 0', 'int a;', '#endif'];
    const result = run(lines);
    assert.deepEqual([...result.directiveLines], [0, 0, 0, 1]);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
    assert.deepEqual(result.problems, [{ line: 3, message: '#endif without #if' }]);
  });
});

describe('preprocessor: kernel version conditions', () => {
  it('decides LINUX_VERSION_CODE comparisons with operands in either order', () => {
    assert.deepEqual(valuesOf('LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0)'), [false, false, true, true]);
    assert.deepEqual(valuesOf('KERNEL_VERSION(5,15,0) <= LINUX_VERSION_CODE'), [false, false, true, true]);
    assert.deepEqual(valuesOf('LINUX_VERSION_CODE < KERNEL_VERSION(5, 13, 14)'), [true, false, false, false]);
    assert.deepEqual(valuesOf('LINUX_VERSION_CODE == KERNEL_VERSION(5, 13, 14)'), [false, true, false, false]);
  });

  it('clamps the sublevel of KERNEL_VERSION at 255', () => {
    assert.deepEqual(valuesOf('KERNEL_VERSION(5, 4, 300) == 0x0504ff'), [true, true, true, true]);
    assert.deepEqual(valuesOf('LINUX_VERSION_CODE < KERNEL_VERSION(5, 4, 300)'), [true, false, false, false]);
  });

  it('provides LINUX_VERSION_MAJOR, _PATCHLEVEL and _SUBLEVEL', () => {
    assert.deepEqual(valuesOf('LINUX_VERSION_MAJOR >= 6'), [false, false, false, true]);
    assert.deepEqual(valuesOf('LINUX_VERSION_PATCHLEVEL == 13'), [false, true, false, false]);
    assert.deepEqual(valuesOf('LINUX_VERSION_SUBLEVEL > 20'), [true, false, true, false]);
    assert.deepEqual(valuesOf('defined(LINUX_VERSION_CODE) && defined KERNEL_VERSION'), [true, true, true, true]);
  });

  it('walks #elif chains: only the first true branch is taken', () => {
    const lines = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)', //  0
      'int v54;', //                                           1
      '#elif LINUX_VERSION_CODE < KERNEL_VERSION(5, 15, 0)', // 2
      'int v513;', //                                          3
      '#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 0, 0)', //  4
      'int v515;', //                                          5
      '#else', //                                              6
      'int v6;', //                                            7
      '#endif', //                                             8
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [A, I, I, I]);
    assert.deepEqual(at(result, 3), [I, A, I, I]);
    assert.deepEqual(at(result, 5), [I, I, A, I]);
    assert.deepEqual(at(result, 7), [I, I, I, A]);
    assert.deepEqual(
      result.conditions.map((c) => [c.line, c.directive, c.values, c.endLine, c.branchLines]),
      [
        [0, 'if', [true, false, false, false], 8, [2, 4, 6]],
        [2, 'elif', [true, true, false, false], 8, [4, 6]],
        [4, 'elif', [true, true, true, false], 8, [6]],
      ],
    );
  });

  it('combines nested conditionals', () => {
    const lines = [
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 13, 0)', // 0
      '#ifdef CONFIG_VFIO', //                                1
      'int vfio_builtin;', //                                 2
      '#else', //                                             3
      'int no_vfio;', //                                      4
      '#endif', //                                            5
      'int new_kernel;', //                                   6
      '#endif', //                                            7
    ];
    const result = run(lines);
    // 5.4 is excluded by the outer test; 6.8 has no config so the inner test is unknown.
    assert.deepEqual(at(result, 2), [I, A, I, M]);
    assert.deepEqual(at(result, 4), [I, I, A, M]);
    assert.deepEqual(at(result, 6), [I, A, A, A]);
    assert.deepEqual(at(result, 1), [I, A, A, A]);
    assert.deepEqual(at(result, 5), [I, A, A, A]);
    // The inner condition keeps its own value even where the outer region is off.
    assert.deepEqual(result.conditions[1].values, [false, true, false, undefined]);
  });

  it('handles #if 0 / #if 1 regions', () => {
    const lines = ['#if 0', 'dead;', '#else', 'alive;', '#endif', '#if 1', 'on;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [I, I, I, I]);
    assert.deepEqual(at(result, 3), [A, A, A, A]);
    assert.deepEqual(at(result, 6), [A, A, A, A]);
  });
});

describe('preprocessor: macros defined in the file', () => {
  it('evaluates an object-like macro holding a version test', () => {
    const lines = [
      '#define HAVE_OPEN_DEVICE (LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0))',
      '#if HAVE_OPEN_DEVICE',
      'int open_device;',
      '#else',
      'int legacy;',
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 2), [I, I, A, A]);
    assert.deepEqual(at(result, 4), [A, A, I, I]);
  });

  it('knows a default definition makes its macro certainly defined, to a value it does not know', () => {
    const lines = [
      '#include <linux/blkdev.h>', // 0: may define USE_ALLOC_DISK
      '#ifndef USE_ALLOC_DISK', //     1
      '#define USE_ALLOC_DISK 1', //   2
      '#endif', //                     3
      '#ifdef USE_ALLOC_DISK', //      4
      'int defined_either_way;', //    5
      '#endif', //                     6
      '#if USE_ALLOC_DISK > 0', //     7
      'int value_unknown;', //         8
      '#endif', //                     9
      '#if !defined(OTHER)', //        10
      '#define OTHER', //              11
      '#else', //                      12
      '#undef OTHER', //               13
      '#endif', //                     14
      '#ifdef OTHER', //               15
      'int not_a_default;', //         16
      '#endif', //                     17
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 5), [A, A, A, A]);
    assert.deepEqual(at(result, 8), [M, M, M, M]);
    assert.deepEqual(at(result, 16), [M, M, M, M]);
  });

  it('knows a macro defined only on some kernels, and that it is absent on the others', () => {
    const lines = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5,6,0)',
      '#define NEED_X',
      '#endif',
      '#ifdef NEED_X',
      'int compat_x;',
      '#endif',
      '#ifndef NEED_X',
      'int native_x;',
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 4), [A, I, I, I]);
    assert.deepEqual(at(result, 7), [I, A, A, A]);
  });

  it('expands function-like macros with nested expansion', () => {
    const lines = [
      '#define MY_KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + (c))',
      '#define MY_VERSION_CODE LINUX_VERSION_CODE',
      '#define MY_KERNEL_RANGE(a,b,c,d,e,f) (MY_VERSION_CODE >= MY_KERNEL_VERSION(a,b,c) && \\',
      '                                      MY_VERSION_CODE < MY_KERNEL_VERSION(d,e,f))',
      '#if MY_KERNEL_RANGE(5,4,0, 5,15,0)',
      'int in_range;',
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 5), [A, A, I, I]);
    assert.deepEqual(result.problems, []);
  });

  it('expands a macro whose name and arguments come from different places', () => {
    const lines = [
      '#define CALL(f) f(5, 15, 0)',
      '#define PICK KERNEL_VERSION',
      '#define V(x) x',
      '#if LINUX_VERSION_CODE >= CALL(PICK) && V(V(1))',
      'int yes;',
      '#endif',
    ];
    assert.deepEqual(at(run(lines), 4), [I, I, A, A]);
  });

  it('does not recurse on self-referential macros', () => {
    const lines = ['#define LOOP LOOP + 1', '#define A B', '#define B A', '#if LOOP == 1 && A == 0', 'int yes;', '#endif'];
    const result = run(lines);
    // LOOP -> LOOP + 1 with the inner LOOP left as an identifier (0); A -> B -> A stops likewise.
    assert.deepEqual(at(result, 4), [A, A, A, A]);
    assert.deepEqual(result.problems, []);
  });

  it('applies #undef', () => {
    const lines = ['#define FEATURE 1', '#undef FEATURE', '#ifdef FEATURE', 'int on;', '#endif', '#if !FEATURE', 'int off;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 3), [I, I, I, I]);
    assert.deepEqual(at(result, 6), [A, A, A, A]);
  });

  it('makes a macro unknown where its #define is only maybe compiled', () => {
    const lines = [
      '#ifdef RHEL_RELEASE_CODE',
      '#define HAVE_FOO 1',
      '#endif',
      '#if HAVE_FOO',
      'int foo;', //                                4
      '#endif',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0) && defined(RHEL_RELEASE_CODE)',
      '#define NEW_RHEL 1',
      '#endif',
      '#ifdef NEW_RHEL',
      'int new_rhel;', //                           10
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 4), [M, M, M, M]);
    // Decided where the version test alone rules it out.
    assert.deepEqual(at(result, 10), [I, I, M, M]);
  });

  it('keeps a macro known when a maybe-compiled #define repeats its definition', () => {
    const lines = [
      '#define FOO 1',
      '#ifdef RHEL_RELEASE_CODE',
      '#define FOO 1',
      '#undef NEVER_DEFINED_BY_ANYONE',
      '#endif',
      '#if FOO',
      'int foo;', //           6
      '#endif',
    ];
    assert.deepEqual(at(run(lines), 6), [A, A, A, A]);
  });

  it('applies a #define only in environments where its region is compiled', () => {
    const lines = [
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5,13,0)',
      '#define QUEUES 8',
      '#else',
      '#define QUEUES 4',
      '#endif',
      '#if QUEUES > 4',
      'int many;', //  6
      '#endif',
    ];
    assert.deepEqual(at(run(lines), 6), [I, A, A, A]);
  });

  it('lets # and ## produce unknown or pasted tokens', () => {
    const lines = [
      '#define STR(x) #x',
      '#define CAT(a, b) a ## b',
      '#define CFG(name) IS_ENABLED(CONFIG_ ## name)',
      '#if STR(foo)',
      'int stringified;', //     4
      '#endif',
      '#if CAT(+, /)',
      'int bad_paste;', //       7
      '#endif',
      '#if CAT(0x, 10) == 16 && CAT(,1) && CFG(PCI)',
      'int pasted;', //         10
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 4), [M, M, M, M]);
    assert.deepEqual(at(result, 7), [M, M, M, M]);
    assert.deepEqual(at(result, 10), [A, A, A, M]);
    // A string in #if is an error in C; it is reported, an invalid paste only makes the value unknown.
    assert.deepEqual(result.problems, [{ line: 3, message: '#if: token "foo" is not valid in preprocessor expressions' }]);
  });

  it('supports variadic macros', () => {
    const lines = [
      '#define FIRST(x, ...) x',
      '#define COUNT_ARGS(...) SECOND(__VA_ARGS__, 2, 1)',
      '#define SECOND(a, b, c, ...) c',
      '#if FIRST(1, 2, 3) && COUNT_ARGS(a, b) == 2',
      'int ok;', // 4
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 4), [A, A, A, A]);
  });

  it('treats a function-like macro without arguments as an identifier', () => {
    const lines = ['#define F(x) x', '#if F', 'int a;', '#else', 'int b;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 2), [I, I, I, I]);
    assert.deepEqual(at(result, 4), [A, A, A, A]);
  });
});

describe('preprocessor: kernel config', () => {
  it('follows y, m and unset config for defined() and CONFIG_X_MODULE', () => {
    assert.deepEqual(valuesOf('defined(CONFIG_VFIO)'), [false, true, false, undefined]);
    assert.deepEqual(valuesOf('defined CONFIG_VFIO_MODULE'), [true, false, false, undefined]);
    assert.deepEqual(valuesOf('defined(CONFIG_VFIO) || defined(CONFIG_VFIO_MODULE)'), [true, true, false, undefined]);
    assert.deepEqual(valuesOf('CONFIG_PCI'), [true, true, true, undefined]);
    assert.deepEqual(valuesOf('CONFIG_VFIO'), [false, true, false, undefined]);
  });

  it('provides IS_ENABLED, IS_BUILTIN, IS_MODULE and IS_REACHABLE', () => {
    assert.deepEqual(valuesOf('IS_ENABLED(CONFIG_VFIO)'), [true, true, false, undefined]);
    assert.deepEqual(valuesOf('IS_BUILTIN(CONFIG_VFIO)'), [false, true, false, undefined]);
    assert.deepEqual(valuesOf('IS_MODULE(CONFIG_VFIO)'), [true, false, false, undefined]);
    assert.deepEqual(valuesOf('IS_REACHABLE(CONFIG_VFIO)'), [true, true, false, undefined]);
    assert.deepEqual(valuesOf('IS_ENABLED(CONFIG_PCI)'), [true, true, true, undefined]);
    assert.deepEqual(valuesOf('!IS_ENABLED(CONFIG_NOT_SET_ANYWHERE)'), [true, true, true, undefined]);
  });

  it('uses numeric and string config values', () => {
    assert.deepEqual(valuesOf('CONFIG_NR_CPUS >= 64'), [true, false, false, undefined]);
    assert.deepEqual(valuesOf('CONFIG_HZ == 1000'), [true, false, false, undefined]);
    // IS_BUILTIN is true only for a value spelled exactly 1.
    assert.deepEqual(valuesOf('IS_BUILTIN(CONFIG_NR_CPUS)'), [false, true, false, undefined]);
    // A string option is defined, but its value cannot be used in #if.
    assert.deepEqual(valuesOf('defined(CONFIG_LOCALVERSION)'), [true, false, false, undefined]);
    assert.deepEqual(valuesOf('CONFIG_LOCALVERSION'), [undefined, false, false, undefined]);
  });

  it('follows config tests through wrapper macros', () => {
    const lines = [
      '#define HAS(option) IS_ENABLED(option)',
      '#define HAS_MODULE(option) IS_MODULE(option)',
      '#define DEF(option) defined(option)',
      '#if HAS(CONFIG_VFIO)',
      'int enabled;', //       4
      '#endif',
      '#if HAS_MODULE(CONFIG_VFIO)',
      'int module;', //        7
      '#endif',
      '#if DEF(CONFIG_VFIO)',
      'int builtin;', //       10
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 4), [A, A, I, M]);
    assert.deepEqual(at(result, 7), [A, I, I, M]);
    assert.deepEqual(at(result, 10), [I, A, I, M]);
  });

  it('lets the file override config symbols', () => {
    const lines = [
      '#define CONFIG_VFIO 1',
      '#undef CONFIG_PCI',
      '#if IS_ENABLED(CONFIG_VFIO) && !defined(CONFIG_PCI) && !IS_ENABLED(CONFIG_PCI)',
      'int forced;', // 3
      '#endif',
    ];
    // On 6.8 (no config) CONFIG_PCI_MODULE could still come from autoconf.h, so IS_ENABLED stays open.
    assert.deepEqual(at(run(lines), 3), [A, A, A, M]);
  });

  it('leaves config tests undecided for an image without config, and for config throwing', () => {
    const throwing: KernelEnvironment = {
      versionCode: 0x050f00,
      config: () => {
        throw new Error('config file unreadable');
      },
    };
    const result = run(['#if IS_ENABLED(CONFIG_PCI)', 'int pci;', '#endif'], undefined, [ENVS[3], throwing]);
    assert.deepEqual(at(result, 1), [M, M]);
  });
});

describe('preprocessor: unknown identifiers', () => {
  it('leaves both branches Maybe for #ifdef of a macro it cannot see', () => {
    const lines = ['#ifdef RHEL_RELEASE_CODE', 'int rhel;', '#else', 'int upstream;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [M, M, M, M]);
    assert.deepEqual(at(result, 3), [M, M, M, M]);
    assert.deepEqual(result.conditions[0].values, [undefined, undefined, undefined, undefined]);
    assert.deepEqual(result.problems, []);
  });

  it('treats an unknown function-like macro call as one unknown value', () => {
    const lines = [
      '#if defined(RHEL_RELEASE_CODE) && RHEL_RELEASE_CODE >= RHEL_RELEASE_VERSION(8, 6)',
      'int rhel86;',
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [M, M, M, M]);
    assert.deepEqual(result.problems, []);
  });

  it('lets short-circuit logic decide around unknowns', () => {
    assert.deepEqual(valuesOf('0 && RHEL_MAJOR'), [false, false, false, false]);
    assert.deepEqual(valuesOf('RHEL_MAJOR && 0'), [false, false, false, false]);
    assert.deepEqual(valuesOf('RHEL_MAJOR || 1'), [true, true, true, true]);
    assert.deepEqual(
      valuesOf('LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0) || SUSE_VERSION >= 15'),
      [undefined, undefined, true, true],
    );
    assert.deepEqual(
      valuesOf('LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0) && RHEL_MAJOR == 9'),
      [false, false, undefined, undefined],
    );
    assert.deepEqual(valuesOf('RHEL_MAJOR + 1 > 0'), [undefined, undefined, undefined, undefined]);
    assert.deepEqual(valuesOf('RHEL_MAJOR ? 1 : 1'), [true, true, true, true]);
    assert.deepEqual(valuesOf('!defined(SOME_MAKEFILE_FLAG)'), [undefined, undefined, undefined, undefined]);
  });

  it('derives unknown #elif/#else branches correctly', () => {
    const lines = [
      '#if defined(RHEL_RELEASE_CODE)',
      'int a;', //  1
      '#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0)',
      'int b;', //  3
      '#elif 1',
      'int c;', //  5
      '#else',
      'int d;', //  7
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [M, M, M, M]);
    assert.deepEqual(at(result, 3), [I, I, M, M]);
    assert.deepEqual(at(result, 5), [M, M, I, I]);
    assert.deepEqual(at(result, 7), [I, I, I, I]);
  });

  it('reports division by zero as unknown, not as a crash', () => {
    assert.deepEqual(valuesOf('1 / 0'), [undefined, undefined, undefined, undefined]);
    assert.deepEqual(valuesOf('(LINUX_VERSION_CODE % 0) || 1'), [true, true, true, true]);
    assert.deepEqual(valuesOf('0 && 1 / 0'), [false, false, false, false]);
  });
});

describe('preprocessor: expression arithmetic', () => {
  const cases: [string, boolean][] = [
    ['0x10 == 16 && 010 == 8 && 0b101 == 5 && 10UL == 10 && 7llu == 7', true],
    ['-1 < 0', true],
    ['-1 < 0u', false], // -1 converts to the largest unsigned value
    ['0xffffffffffffffff == -1', true],
    ['0xffffffffffffffff > 0', true],
    ['9223372036854775807 + 0 > 0', true],
    ['1 << 40 == 0x10000000000', true],
    ['(1 << 62) * 2 < 0', true], // signed 64-bit wraparound
    ['-16 >> 2 == -4', true],
    ['7 / 2 == 3 && -7 / 2 == -3 && -7 % 2 == -1', true],
    ['~0 == -1 && ~0u == 18446744073709551615u', true],
    ['(0x0f & 0x3c) == 0x0c && (1 | 6) == 7 && (5 ^ 1) == 4', true],
    ['(0x100000000 | 1) == 0x100000001', true],
    ["'A' == 65 && '\\n' == 10 && '\\x41' == 'A' && '\\101' == 65", true],
    ['1 ? 2 : 3', true],
    ['0 ? 2 : 0', false],
    ['3 > 2 > 1', false],
    ['1 + 2 * 3 == 7 && (1 + 2) * 3 == 9', true],
    ['!0 && !!5 && -(-3) == 3 && +4 == 4', true],
    ['2 == 2 == 1', true],
    ['1 < 2 == 1 && 5 - 3 - 1 == 1', true],
  ];
  for (const [expression, expected] of cases) {
    it(`#if ${expression}`, () => {
      assert.deepEqual(valuesOf(expression), [expected, expected, expected, expected]);
    });
  }

  it('leaves a char literal whose value depends on char signedness unknown', () => {
    assert.deepEqual(valuesOf("'\\xff' < 0"), [undefined, undefined, undefined, undefined]);
  });
});

describe('preprocessor: bad input', () => {
  it('reports malformed expressions and leaves both branches Maybe', () => {
    const lines = [
      '#if (LINUX_VERSION_CODE > 1', // 0
      'int a;',
      '#else',
      'int b;', // 3
      '#endif',
      '#if', // 5
      '#endif',
      '#if 1 +', // 7
      '#endif',
      '#if 1.5', // 9
      '#endif',
      '#ifdef', // 11
      '#endif',
      '#if 1 2', // 13
      '#endif',
    ];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [M, M, M, M]);
    assert.deepEqual(at(result, 3), [M, M, M, M]);
    assert.deepEqual(result.conditions[0].values, [undefined, undefined, undefined, undefined]);
    assert.deepEqual(result.problems, [
      { line: 0, message: '#if: missing ")" in expression' },
      { line: 5, message: '#if with no expression' },
      { line: 7, message: '#if: missing expression after "+"' },
      { line: 9, message: '#if: floating constant in preprocessor expression' },
      { line: 11, message: '#ifdef requires a macro name' },
      { line: 13, message: '#if: missing binary operator before "2"' },
    ]);
  });

  it('does not report malformed conditions inside regions that are off everywhere', () => {
    const result = run(['#if 0', '#if garbage (', '#endif', '#endif']);
    assert.deepEqual(result.problems, []);
  });

  it('reports and ignores stray #endif, #else and #elif', () => {
    const lines = ['int a;', '#endif', '#else', '#elif 1', 'int b;'];
    const result = run(lines);
    assert.deepEqual(result.problems, [
      { line: 1, message: '#endif without #if' },
      { line: 2, message: '#else without #if' },
      { line: 3, message: '#elif without #if' },
    ]);
    assert.deepEqual(at(result, 4), [A, A, A, A]);
    assert.deepEqual(result.conditions, []);
  });

  it('reports #elif and #else after #else, keeping the #else branch', () => {
    const lines = ['#if 0', 'a;', '#else', 'b;', '#elif 1', 'c;', '#else', 'd;', '#endif', 'e;'];
    const result = run(lines);
    assert.deepEqual(result.problems, [
      { line: 4, message: '#elif after #else' },
      { line: 6, message: '#else after #else' },
    ]);
    assert.deepEqual(at(result, 5), [A, A, A, A]);
    assert.deepEqual(at(result, 7), [A, A, A, A]);
    assert.deepEqual(at(result, 9), [A, A, A, A]);
  });

  it('reports an unterminated #if and keeps the computed states', () => {
    const lines = ['#if LINUX_VERSION_CODE >= KERNEL_VERSION(6,0,0)', 'int new_only;', '#ifdef X', 'int x;'];
    const result = run(lines);
    assert.deepEqual(at(result, 1), [I, I, I, A]);
    assert.deepEqual(at(result, 3), [I, I, I, M]);
    assert.deepEqual(result.problems, [
      { line: 0, message: 'unterminated #if' },
      { line: 2, message: 'unterminated #ifdef' },
    ]);
    assert.equal(result.conditions[0].endLine, 3);
  });

  it('reports invalid #define and #undef lines', () => {
    const result = run(['#define', '#define 3 x', '#define F(a,', '#define defined 1', '#undef']);
    assert.deepEqual(
      result.problems.map((p) => p.line),
      [0, 1, 2, 3, 4],
    );
  });

  it('caps exponential macro expansion and reports it', () => {
    const lines: string[] = ['#define M0 1'];
    for (let i = 1; i <= 40; i++) lines.push(`#define M${i} (M${i - 1} + M${i - 1})`);
    lines.push('#if M40', 'int x;', '#endif');
    const started = Date.now();
    const result = run(lines);
    assert.ok(Date.now() - started < 2000);
    assert.deepEqual(at(result, 42), [M, M, M, M]);
    assert.deepEqual(result.problems, [{ line: 41, message: '#if: macro expansion too long; condition left undecided' }]);
  });

  it('survives deeply nested parentheses and very long directives', () => {
    const deep = '('.repeat(5000) + '1' + ')'.repeat(5000);
    const long = Array.from({ length: 20000 }, () => 'LINUX_VERSION_CODE').join(' + ');
    const result = run([`#if ${deep}`, 'a;', '#endif', `#if ${long}`, 'b;', '#endif']);
    assert.deepEqual(at(result, 1), [M, M, M, M]);
    assert.deepEqual(at(result, 4), [M, M, M, M]);
    assert.equal(result.problems.length, 2);
  });

  it('never throws on random input', () => {
    const alphabet = ['#', 'if', 'ifdef', 'elif', 'else', 'endif', 'define', 'undef', 'include', ' ', '\n', '\\\n', '(',
      ')', '/*', '*/', '//', '"', "'", 'X', 'F(', ',', '&&', '||', '!', '1', '0', '<', '"h.h"', '##', 'defined', '?', ':'];
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const resolver: IncludeResolver = (spec) => ({ path: spec, text: '#if X\n#define X(a) a ## a\n#include "h.h"\n' });
    for (let round = 0; round < 300; round++) {
      let text = '';
      for (let i = 0; i < 60; i++) text += alphabet[random(alphabet.length)];
      const result = preprocess(text, 'fuzz.c', ENVS, resolver);
      const lineCount = text.split('\n').length;
      assert.equal(result.directiveLines.length, lineCount);
      for (const states of result.lineStates) assert.equal(states.length, lineCount);
      assert.ok(!result.problems.some((p) => p.message.startsWith('internal error')), text);
    }
  });
});

describe('preprocessor: includes', () => {
  it('reads macros from a guarded header, including its version conditions', () => {
    const files = {
      '/ws/compat.h': [
        '#ifndef COMPAT_H',
        '#define COMPAT_H',
        '#if LINUX_VERSION_CODE < KERNEL_VERSION(5,13,0)',
        '#define NEED_COMPAT_OPEN 1',
        '#endif',
        '#define HAVE_IOMMUFD (LINUX_VERSION_CODE >= KERNEL_VERSION(6,2,0))',
        '#endif',
      ].join('\n'),
    };
    const lines = [
      '#include "compat.h"',
      '#include "compat.h"',
      '#ifdef NEED_COMPAT_OPEN',
      'int compat_open;', // 3
      '#endif',
      '#if HAVE_IOMMUFD',
      'int iommufd;', //     6
      '#endif',
      '#ifdef COMPAT_H',
      'int guarded;', //     9
      '#endif',
    ];
    const result = run(lines, headers(files));
    assert.deepEqual(at(result, 3), [A, I, I, I]);
    assert.deepEqual(at(result, 6), [I, I, I, A]);
    assert.deepEqual(at(result, 9), [A, A, A, A]);
    assert.deepEqual(result.problems, []);
    // Header lines do not appear in the result.
    assert.equal(result.lineStates[0].length, lines.length);
  });

  it('stops at include cycles of guarded headers without complaint', () => {
    const files = {
      '/ws/a.h': '#ifndef A_H\n#define A_H\n#include "b.h"\n#define FROM_A 1\n#endif\n',
      '/ws/b.h': '#pragma once\n#include "a.h"\n#define FROM_B 1\n',
    };
    const calls: string[] = [];
    const result = run(['#include "a.h"', '#if FROM_A && FROM_B', 'int both;', '#endif'], headers(files, calls));
    assert.deepEqual(at(result, 2), [A, A, A, A]);
    assert.deepEqual(result.problems, []);
    // Nested includes are resolved relative to the header that contains them.
    assert.deepEqual(calls, ['a.h|true|/ws/drv.c', 'b.h|true|/ws/a.h', 'a.h|true|/ws/b.h']);
  });

  it('reports a cycle through an unguarded header', () => {
    const files = { '/ws/loop.h': '#include "loop.h"\n#define LOOPED 1\n' };
    const result = run(['#include "loop.h"', '#if LOOPED', 'int x;', '#endif'], headers(files));
    assert.deepEqual(result.problems, [{ line: 0, message: '/ws/loop.h:1: #include cycle: "/ws/loop.h" includes itself' }]);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
  });

  it('reads a header again whose guard follows an include that comes back to it, as gcc does', () => {
    // ath11k's hal_desc.h opens with `#include "core.h"` before its guard; core.h includes
    // hal.h, which includes hal_desc.h again. That second reading defines hal_desc.h's macros
    // before hal.h tests them (gcc -E keeps `int x;`).
    const files = {
      '/ws/desc.h': '#include "core.h"\n#ifndef DESC_H\n#define DESC_H\n#define DESC_MASK 3\n#endif\n',
      '/ws/core.h': '#ifndef CORE_H\n#define CORE_H\n#include "hal.h"\n#endif\n',
      '/ws/hal.h': '#ifndef HAL_H\n#define HAL_H\n#include "desc.h"\n#if DESC_MASK == 3\n#define HAL_SEES_DESC 1\n#endif\n#endif\n',
    };
    const result = run(['#include "desc.h"', '#if HAL_SEES_DESC', 'int x;', '#endif'], headers(files));
    assert.deepEqual(result.problems, []);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
  });

  it('stops following includes deeper than 200 levels, as gcc does', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 210; i++) files[`/ws/h${i}.h`] = `#include "h${i + 1}.h"\n#define LEVEL_${i} 1\n`;
    const result = run(['#include "h0.h"', '#if LEVEL_0 && LEVEL_199', 'int x;', '#endif', '#ifdef LEVEL_200', 'int y;', '#endif'], headers(files));
    assert.deepEqual(result.problems, [
      { line: 0, message: '/ws/h199.h:1: #include nested more than 200 levels deep; "h200.h" not read' },
    ]);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
    assert.deepEqual(at(result, 5), [M, M, M, M]);
  });

  it('skips includes in inactive regions and makes maybe-included macros unknown', () => {
    const files = {
      '/ws/old.h': '#define OLD_API 1\n',
      '/ws/rhel.h': '#define RHEL_COMPAT 1\n',
    };
    const calls: string[] = [];
    const lines = [
      '#if 0',
      '#include "never.h"',
      '#endif',
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5,13,0)',
      '#include "old.h"',
      '#endif',
      '#ifdef RHEL_RELEASE_CODE',
      '#include <rhel.h>',
      '#endif',
      '#if OLD_API',
      'int old_api;', //       10
      '#endif',
      '#if RHEL_COMPAT',
      'int rhel_compat;', //   13
      '#endif',
      '#include <linux/not_in_workspace.h>',
      '#ifdef SOMETHING_FROM_IT',
      'int x;', //             17
      '#endif',
    ];
    const result = run(lines, headers(files, calls));
    assert.deepEqual(calls, [
      'old.h|true|/ws/drv.c',
      'rhel.h|false|/ws/drv.c',
      'linux/not_in_workspace.h|false|/ws/drv.c',
    ]);
    assert.deepEqual(at(result, 10), [A, I, I, I]);
    assert.deepEqual(at(result, 13), [M, M, M, M]);
    assert.deepEqual(at(result, 17), [M, M, M, M]);
  });

  it('reports problems inside headers at the #include line', () => {
    const files = { '/ws/bad.h': '#if 1\n#endif\n#endif\n#if (\n#endif\n' };
    const result = run(['int a;', '#include "bad.h"'], headers(files));
    assert.deepEqual(result.problems, [
      { line: 1, message: '/ws/bad.h:3: #endif without #if' },
      { line: 1, message: '/ws/bad.h:4: #if: missing expression after "("' },
    ]);
  });

  it('ignores a workspace copy of linux/version.h or kconfig.h, but not the edited file', () => {
    const files = {
      '/ws/linux/version.h': '#define LINUX_VERSION_CODE 331264\n#define KERNEL_VERSION(a,b,c) 0\n',
      '/ws/linux/kconfig.h': '#undef IS_ENABLED\n#define IS_ENABLED(option) 0\n',
    };
    const lines = [
      '#include <linux/version.h>',
      '#include <linux/kconfig.h>',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0) && IS_ENABLED(CONFIG_PCI)',
      'int a;', //  3
      '#endif',
      '#undef LINUX_VERSION_CODE',
      '#define LINUX_VERSION_CODE KERNEL_VERSION(5,13,0)',
      '#if LINUX_VERSION_CODE >= KERNEL_VERSION(5,15,0)',
      'int b;', //  8
      '#endif',
    ];
    const result = run(lines, headers(files));
    assert.deepEqual(at(result, 3), [I, I, A, M]);
    assert.deepEqual(at(result, 8), [I, I, I, I]);
  });

  it('reads a web of headers included under undecided guards (trace-header style) without re-reading it at every inclusion', () => {
    // Each header includes the next two under `!defined(GUARD) || defined(REREAD)`, as the
    // kernel's trace headers do (with TRACE_HEADER_MULTI_READ, whose guards the preprocessor
    // knows): their guards stay unknown, and a naive reading is exponential.
    const files: Record<string, string> = {};
    const depth = 30;
    for (let i = 0; i < depth; i++) {
      files[`/ws/h${i}.h`] = [
        `#if !defined(H${i}_H) || defined(REREAD)`,
        `#define H${i}_H`,
        ...(i + 1 < depth ? [`#include "h${i + 1}.h"`] : []),
        ...(i + 2 < depth ? [`#include "h${i + 2}.h"`] : []),
        `#if ${i} == 7`,
        '#error "level seven"',
        '#endif',
        `#define LEVEL_${i} 1`,
        '#endif',
      ].join('\n');
    }
    const calls: string[] = [];
    const result = run(['#include "h0.h"', '#include "h1.h"', '#ifdef LEVEL_29', 'int deepest;', '#endif'], headers(files, calls));
    assert.ok(calls.length < 1000, `${calls.length} includes followed`);
    // The deepest header may or may not have been read (every guard is undecided), so may its macro,
    // and the #error is only possibly reached.
    assert.deepEqual(at(result, 3), [M, M, M, M]);
    assert.deepEqual([...result.stoppedAt], [-1, -1, -1, -1]);
    assert.deepEqual(result.problems, []);
  });

  it('stops such a web at the nesting limit, each cut reported once', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 210; i++) {
      files[`/ws/h${i}.h`] = [`#if !defined(H${i}_H) || defined(REREAD)`, `#define H${i}_H`, `#include "h${i + 1}.h"`, `#include "h${i + 2}.h"`, '#endif'].join('\n');
    }
    const result = run(['#include "h0.h"'], headers(files));
    assert.ok(result.problems.length > 0);
    for (const problem of result.problems) {
      assert.equal(problem.line, 0);
      assert.match(problem.message, /^\/ws\/h\d+\.h:[34]: #include nested more than 200 levels deep; "h\d+\.h" not read$/);
    }
    assert.equal(new Set(result.problems.map((p) => p.message)).size, result.problems.length);
  });

  it('gives a header included twice in the same state the same effect and problems both times', () => {
    const files = {
      '/ws/bad.h': '#if defined(MULTI) || !defined(BAD_H)\n#define BAD_H\n#if (\n#endif\n#define FROM_BAD 1\n#endif\n',
    };
    const lines = ['#ifdef SOMETHING_UNKNOWN', '#include "bad.h"', '#endif', '#ifdef SOMETHING_UNKNOWN', '#include "bad.h"', '#endif', '#if FROM_BAD', 'int x;', '#endif'];
    const result = run(lines, headers(files));
    assert.deepEqual(result.problems, [
      { line: 1, message: '/ws/bad.h:3: #if: missing expression after "("' },
      { line: 4, message: '/ws/bad.h:3: #if: missing expression after "("' },
    ]);
    assert.deepEqual(at(result, 7), [M, M, M, M]);
  });

  it('reads a header stopped at an open ancestor again where that ancestor is not open (include cycles)', () => {
    // hal.h and desc.h include each other without guards, as ath11k's hal.h and hal_desc.h
    // do through core.h. Read under hal.h, desc.h stops at hal.h; included first, it reads
    // hal.h and stops at itself. The second file must not get the first file's reading.
    const files = {
      '/ws/hal.h': '#include "desc.h"\n#define FROM_HAL 1\n',
      '/ws/desc.h': '#include "hal.h"\n#define FROM_DESC 1\n',
    };
    const resolver = headers(files);
    run(['#include "hal.h"'], resolver);
    const shared = run(['#include "desc.h"', '#if FROM_HAL', 'int hal;', '#endif'], resolver);
    const fresh = run(['#include "desc.h"', '#if FROM_HAL', 'int hal;', '#endif'], headers(files));
    assert.deepEqual(shared.problems, fresh.problems);
    assert.deepEqual(shared.problems, [{ line: 0, message: '/ws/hal.h:1: #include cycle: "/ws/desc.h" includes itself' }]);
    assert.deepEqual(at(shared, 2), [A, A, A, A]);
  });

  it('marks each #define with the targets that may compile it, the same in a later file that replays the header', () => {
    const files = {
      '/ws/regs.h': ['#if LINUX_VERSION_CODE < KERNEL_VERSION(5,13,0)', '#define OLD_ONLY 1', '#define MERGED 1', '#endif', '#define EVERYWHERE 1'].join('\n'),
    };
    const resolver = headers(files);
    const first = run(['#include "regs.h"', '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6,0,0)', '#define MERGED 2', '#endif'], resolver);
    assert.deepEqual([...first.definedMacros.get('OLD_ONLY')!], [1, 0, 0, 0]);
    assert.deepEqual([...first.definedMacros.get('MERGED')!], [1, 0, 0, 1]);
    assert.deepEqual([...first.definedMacros.get('EVERYWHERE')!], [1, 1, 1, 1]);
    // The second file gets the header's reading replayed; the first file's merge must not show.
    const second = run(['#include "regs.h"'], resolver);
    assert.deepEqual([...second.definedMacros.get('OLD_ONLY')!], [1, 0, 0, 0]);
    assert.deepEqual([...second.definedMacros.get('MERGED')!], [1, 0, 0, 0]);
  });

  it('replays a header only where the macros it read are defined alike, however they are spaced', () => {
    const files = { '/ws/width.h': ['#if WIDTH == 4', '#define WIDE 1', '#endif', '#define MASK (WIDTH - 1)'].join('\n') };
    const resolver = headers(files);
    const lines = (width: string) => [`#define WIDTH ${width}`, '#include "width.h"', '#if WIDE', 'int wide;', '#endif', '#if MASK == 3', 'int masked;', '#endif'];
    const wideAndMasked = (width: string) => {
      const result = run(lines(width), resolver);
      return [at(result, 3), at(result, 6)];
    };
    assert.deepEqual(wideAndMasked('4'), [[A, A, A, A], [A, A, A, A]]);
    assert.deepEqual(wideAndMasked('  4 '), [[A, A, A, A], [A, A, A, A]]);
    assert.deepEqual(wideAndMasked('8'), [[I, I, I, I], [I, I, I, I]]);
    assert.deepEqual(wideAndMasked('(4)'), [[A, A, A, A], [A, A, A, A]]);
  });

  it('replays a header that overwrites a name whatever it was before, and reads what it defined itself', () => {
    const files = {
      '/ws/regs.h': ['#define WIDTH 2', '#ifdef WIDTH', '#include "inner.h"', '#endif', '#if WIDTH == 2', '#define OK 1', '#endif'].join('\n'),
      '/ws/inner.h': '#define INNER 1\n',
    };
    const calls: string[] = [];
    const resolver = headers(files, calls);
    const lines = (width: string) => [`#define WIDTH ${width}`, '#include "regs.h"', '#if OK && INNER && WIDTH == 2', 'int ok;', '#endif'];
    for (const width of ['1', '3', '2']) {
      calls.length = 0;
      const shared = run(lines(width), resolver);
      assert.deepEqual(at(shared, 3), [A, A, A, A], width);
      assert.deepEqual(at(shared, 3), at(run(lines(width), headers(files)), 3));
      // Read in the first file; replayed whole in the others, whatever WIDTH was.
      assert.deepEqual(calls, width === '1' ? ['regs.h|true|/ws/drv.c', 'inner.h|true|/ws/regs.h'] : ['regs.h|true|/ws/drv.c'], width);
    }
  });

  it('treats the guard of the file being edited as its own', () => {
    const lines = ['#ifndef DRV_H', '#define DRV_H', 'struct drv;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 2), [A, A, A, A]);
  });
});

describe('preprocessor: edge cases', () => {
  it('works with no environments', () => {
    const result = run(['#if 1', 'x', '#endif'], undefined, []);
    assert.deepEqual(result.lineStates, []);
    assert.deepEqual(result.conditions[0].values, []);
    assert.deepEqual([...result.directiveLines], [1, 0, 1]);
  });

  it('supports #elifdef and #elifndef', () => {
    const lines = ['#ifdef CONFIG_VFIO', 'a;', '#elifdef CONFIG_PCI', 'b;', '#endif'];
    const result = run(lines);
    assert.deepEqual(at(result, 3), [A, I, A, M]);
    assert.equal(result.conditions[1].directive, 'elif');
    assert.equal(result.conditions[1].text, 'defined CONFIG_PCI');
  });

  it('does not cache results between calls', () => {
    const files: Record<string, string> = { '/ws/flag.h': '#define FLAG 1\n' };
    const resolver = headers(files);
    const lines = ['#include "flag.h"', '#if FLAG', 'x;', '#endif'];
    assert.deepEqual(at(run(lines, resolver), 2), [A, A, A, A]);
    files['/ws/flag.h'] = '#define FLAG 0\n';
    assert.deepEqual(at(run(lines, resolver), 2), [I, I, I, I]);
  });

  it('evaluates a 100,000-line file with 40 environments (timing lives in npm run bench)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      lines.push(`#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, ${i % 20}, 0) && IS_ENABLED(CONFIG_PCI)`);
      for (let k = 0; k < 18; k++) lines.push(`  value_${i}_${k} = other_${k}(x, "str#if") /* #endif */;`);
      lines.push('#endif');
    }
    const envs = Array.from({ length: 40 }, (_, i) => kernel(5, i % 20, i, { CONFIG_PCI: 'y' }));
    const result = preprocess(lines.join('\n'), 'big.c', envs);
    assert.equal(result.lineStates[0].length, 100000);
    assert.equal(result.conditions.length, 5000);
    assert.deepEqual(result.problems, []);
    // Environment 0 is 5.0: the group guarded by >= 5.0 (i = 0) is compiled, >= 5.1 (i = 1) is not.
    assert.equal(result.lineStates[0][1], 2);
    assert.equal(result.lineStates[0][21], 0);
  });
});

describe('preprocessor: what the build adds and where it stops', () => {
  const lines = ['#ifdef CONFIG_RTW_IOCTL', 'own', '#else', 'other', '#endif', '#if MODE == 2', 'two', '#endif'];
  const own = lineOf(lines, 'own');
  const other = lineOf(lines, 'other');
  const two = lineOf(lines, 'two');
  const withDefines = (defines: { name: string; value: string | null; certain: boolean }[]) =>
    preprocess(lines.join('\n'), '/ws/drv.c', ENVS, undefined, [], defines);

  it('applies certain -D flags before the file, with their values, and -U after -D', () => {
    const result = withDefines([
      { name: 'CONFIG_RTW_IOCTL', value: '1', certain: true },
      { name: 'MODE', value: '2', certain: true },
    ]);
    assert.deepEqual(at(result, own), [A, A, A, A]);
    assert.deepEqual(at(result, other), [I, I, I, I]);
    assert.deepEqual(at(result, two), [A, A, A, A]);
    const undone = withDefines([
      { name: 'CONFIG_RTW_IOCTL', value: '1', certain: true },
      { name: 'CONFIG_RTW_IOCTL', value: null, certain: true },
    ]);
    // Undefined on the command line: off even where the image's config is unknown.
    assert.deepEqual(at(undone, own), [I, I, I, I]);
  });

  it('leaves both branches possible where a make conditional chooses the -D flag', () => {
    const result = withDefines([{ name: 'CONFIG_RTW_IOCTL', value: '1', certain: false }]);
    assert.deepEqual(at(result, own), [M, M, M, M]);
    assert.deepEqual(at(result, other), [M, M, M, M]);
    assert.deepEqual(result.problems, []);
  });

  it('records where the build certainly stops at #error, and nowhere an unknown guard decides', () => {
    const source = [
      '#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)',
      '#error "too old"',
      '#endif',
      '#ifdef VENDOR_BUILD',
      '#error "no vendor kernels"',
      '#endif',
      '#include "compat.h"',
    ];
    const result = run(source, headers({ '/ws/compat.h': '#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 0, 0)\n#error "too new"\n#endif' }));
    assert.deepEqual([...result.stoppedAt], [1, -1, -1, 6]);
  });
});

describe('preprocessor: conditions on kernel macros', () => {
  // NETIF_F_LLTX left the headers in 6.12; the fourth kernel has no header data.
  const declaredOn: Record<string, boolean | undefined>[] = [{ NETIF_F_LLTX: true }, { NETIF_F_LLTX: true }, { NETIF_F_LLTX: false }, {}];
  const envs = ENVS.map((env, i) => ({ ...env, declares: (name: string) => declaredOn[i][name] }));
  const kernelNames = (name: string): boolean => name === 'NETIF_F_LLTX';
  const source = [
    '#include "compat.h"',
    '#ifdef NETIF_F_LLTX',
    'int lltx_feature;',
    '#else',
    'int lltx_member;',
    '#endif',
    '#if NETIF_F_LLTX',
    'int valued;',
    '#endif',
  ];
  const runWith = (compat: string, names = kernelNames) => preprocess(source.join('\n'), '/ws/drv.c', envs, headers({ '/ws/compat.h': compat }), [], [], names);

  it("decides a main file's test of a kernel name where that kernel's headers have none, and says so", () => {
    const result = runWith('');
    assert.deepEqual(at(result, 2), [M, M, I, M]);
    assert.deepEqual(at(result, 4), [M, M, A, M]);
    assert.deepEqual(at(result, 7), [M, M, I, M]);
    assert.equal(result.decidedKernelNames, true);
  });

  it("leaves it to the driver's own definitions, and undecided without the names", () => {
    assert.deepEqual(at(runWith('#define NETIF_F_LLTX 0'), 2), [A, A, A, A]);
    const without = runWith('', () => false);
    assert.deepEqual(at(without, 2), [M, M, M, M]);
    assert.equal(without.decidedKernelNames, false);
  });

  it('decides it in a header the file reads too, and replays that reading only in a run that decides', () => {
    const resolver = headers({ '/ws/compat.h': '#ifdef NETIF_F_LLTX\n#define DRV_LLTX 1\n#endif' });
    const inHeader = (names?: (name: string) => boolean) => {
      const result = preprocess(source.join('\n'), '/ws/drv.c', envs, resolver, [], [], names);
      return { define: result.headers[0].lineStates.map((states) => states[1]), decided: result.decidedKernelNames };
    };
    assert.deepEqual(inHeader(kernelNames), { define: [M, M, I, M], decided: true });
    assert.deepEqual(inHeader(), { define: [M, M, M, M], decided: false });
    assert.deepEqual(inHeader(kernelNames), { define: [M, M, I, M], decided: true });
  });
});

describe('preprocessor: __has_include', () => {
  // linux/genhd.h left the headers in 5.18; the fourth kernel has no header data.
  const headersOn: Record<string, boolean | undefined>[] = [{ 'linux/genhd.h': true }, { 'linux/genhd.h': true }, { 'linux/genhd.h': false }, {}];
  const envs = ENVS.map((env, i) => ({ ...env, hasHeader: (name: string) => headersOn[i][name] }));
  const states = (condition: string, files: Record<string, string> = {}) => {
    const result = preprocess([condition, 'int marker;', '#else', 'int other;', '#endif'].join('\n'), '/ws/drv.c', envs, headers(files));
    return { taken: at(result, 1), other: at(result, 3), problems: result.problems.map((p) => p.message) };
  };

  it("decides a kernel header per kernel from its headers, unknown where they are not known", () => {
    assert.deepEqual(states('#if __has_include(<linux/genhd.h>)'), { taken: [A, A, I, M], other: [I, I, A, M], problems: [] });
    assert.deepEqual(states('#if !__has_include("linux/genhd.h") || LINUX_VERSION_CODE < KERNEL_VERSION(5, 10, 0)').taken, [A, I, A, M]);
    // A name no kernel's headers are known to have: a -I the check cannot see may provide it.
    assert.deepEqual(states('#if __has_include(<linux/nowhere.h>)').taken, [M, M, M, M]);
  });

  it("is true everywhere for a header the including file's search finds in the workspace", () => {
    assert.deepEqual(states('#if __has_include("compat.h")', { '/ws/compat.h': '' }).taken, [A, A, A, A]);
    assert.deepEqual(states('#if __has_include(<linux/genhd.h>)', { '/ws/linux/genhd.h': '' }).taken, [A, A, A, A]);
  });

  it('leaves __has_include_next undecided and says what is wrong with a malformed test', () => {
    assert.deepEqual(states('#if __has_include_next(<linux/genhd.h>)').taken, [M, M, M, M]);
    assert.deepEqual(states('#if __has_include(COMPAT_HEADER) && 1'), { taken: [M, M, M, M], other: [M, M, M, M], problems: [] });
    const broken = states('#if __has_include(<linux/genhd.h)');
    assert.deepEqual(broken.taken, [M, M, M, M]);
    assert.equal(broken.problems.length, 1);
    assert.match(broken.problems[0], /__has_include/);
  });
});
