// Header data: the parameters a kernel macro compiles as plain values (undeclared-constant judges a constant written there).
import * as assert from 'node:assert/strict';
import { macroBodies } from '../../scripts/import/droppingMacros';
import { valueParameters } from '../../scripts/import/valueMacros';

const valuesOf = (header: string, dropped = new Map<string, number>()) => Object.fromEntries(valueParameters(macroBodies(header), dropped));

describe('macros that compile their arguments as values', () => {
  it('follows a value through the macros it is passed to, as 6.1 writes min()', () => {
    const header = [
      '#define __typecheck(x, y) (!!(sizeof((typeof(x) *)1 == (typeof(y) *)1)))',
      '#define __cmp(x, y, op) ((x) op (y) ? (x) : (y))',
      '#define __careful_cmp(x, y, op) __builtin_choose_expr(__typecheck(x, y), __cmp(x, y, op), 0)',
      '#define min(x, y) __careful_cmp(x, y, <)',
      '#define BIT(nr) (UL(1) << (nr))',
      '#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)',
      '',
    ].join('\n');
    // min: both; __cmp: not op (an operator written between); BIT: nr; pr_info: the variadic arguments.
    assert.deepEqual(valuesOf(header), { __typecheck: 0b11, __cmp: 0b011, __careful_cmp: 0b011, min: 0b11, BIT: 0b1, pr_info: 0b11 });
  });

  it('keeps a parameter also stringified where it is compiled too (6.1.192\'s __careful_cmp_once names its arguments in a message)', () => {
    const header = ['#define __careful_cmp_once(op, x, y, ux, uy) ({ __auto_type ux = (x); __auto_type uy = (y); BUILD_BUG_ON_MSG(!__types_ok(ux, uy), #op"("#x", "#y") signedness error"); __cmp(op, ux, uy); })', ''].join('\n');
    const cmp = '#define __cmp(op, x, y) ((x) __cmp_op_##op (y) ? (x) : (y))\n';
    assert.deepEqual(valuesOf(cmp + header), { __cmp: 0b110, __careful_cmp_once: 0b00110 });
  });

  it('leaves out a parameter only stringified or pasted, called, declared, reached as a member, or left out', () => {
    const header = [
      '#define __stringify_1(x...) #x',
      '#define __stringify(x...) __stringify_1(x)',
      '#define show(x) pr_info("%d\\n", __stringify(x))',
      '#define ops_of(x) x##_ops',
      '#define run(fn, arg) fn(arg)',
      '#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)',
      '#define DECLARE_PTR(name) struct foo *name = NULL',
      '#define member_of(p, m) ((p)->m)',
      '#define trace(x) do { } while (0)',
      '#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)',
      '#define container_of(ptr, type, member) ({ void *__mptr = (void *)(ptr); ((type *)(__mptr - offsetof(type, member))); })',
      '',
    ].join('\n');
    // container_of: ptr only (`(type *)` casts to a type, and offsetof names a member).
    assert.deepEqual(valuesOf(header, new Map([['trace', 0b1]])), { run: 0b10, member_of: 0b01, container_of: 0b001 });
  });

  it("keeps a parameter one use compiles as a value while another is handed to a macro that may not (GENMASK's input check), unless a macro it is handed to may declare it", () => {
    const header = [
      '#define GENMASK_INPUT_CHECK(h, l) BUILD_BUG_ON_ZERO(__is_constexpr(h) ? #l : 0)',
      '#define __GENMASK(h, l) (((~0UL) - (1UL << (l)) + 1) & (~0UL >> (63 - (h))))',
      '#define GENMASK(h, l) (GENMASK_INPUT_CHECK(h, l) + __GENMASK(h, l))',
      '#define DECLARE_FIFO(fifo, size) int fifo[size]',
      '#define DEFINE_FIFO(fifo, size) DECLARE_FIFO(fifo, size); int fifo##_len = sizeof(fifo)',
      '',
    ].join('\n');
    // GENMASK: both, though the check only stringifies `l`; DEFINE_FIFO: `size` only, since
    // DECLARE_FIFO declares `fifo` and `sizeof(fifo)` then names that.
    assert.deepEqual(valuesOf(header), { GENMASK_INPUT_CHECK: 0b01, __GENMASK: 0b11, GENMASK: 0b11, DECLARE_FIFO: 0b10, DEFINE_FIFO: 0b10 });
  });

  it("takes `x = …` for a declaration (6.12's SUB_REG_NC makes enumerators), and a macro's own name in its body for the function (ndelay)", () => {
    const header = ['#define SUB_REG_NC(reg, field, mask) enum { field ## _MASK = mask, field = reg | 1 };', '#define ndelay(x) ndelay(x)', '#define set_to(v, x) v = (x)', ''].join('\n');
    assert.deepEqual(valuesOf(header), { SUB_REG_NC: 0b101, ndelay: 0b1, set_to: 0b10 });
  });

  it('passes no value through a name whose definitions differ in shape, and keeps only what every definition passes', () => {
    const header = ['#ifdef A', '#define pick(x) (x)', '#define two(x, y) (y)', '#else', '#define pick(x) #x', '#define two(x) (x)', '#endif', '#define use(v) two(v, 1)', ''].join('\n');
    assert.deepEqual(valuesOf(header), {});
  });
});
