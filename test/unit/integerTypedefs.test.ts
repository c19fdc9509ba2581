// Callbacks compared as gcc compares them: the kernel's integer typedefs resolved per architecture.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import type { Checker } from '../../src/core/check/checker';
import { integerTypedefs } from '../../src/core/c/integerTypedefs';
import { canonicalType, functionPointerShape, signatureMismatch } from '../../src/core/c/signatures';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

const TTY = `#include <linux/module.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

static int t_write(struct tty_struct *tty, const unsigned char *buf, int count)
{
	return count;
}

static const struct tty_operations t_ops = {
	.write = t_write,
};
`;

/** A protocol family's setsockopt of the shape before 5.9, which took the option as a user pointer. */
const SOCKOPT = (optval: string) => `#include <linux/module.h>
#include <linux/net.h>

static int s_setsockopt(struct socket *sock, int level, int optname, ${optval} optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static const struct proto_ops s_ops = {
	.setsockopt = s_setsockopt,
};
`;

describe('integer typedefs in callback comparisons', () => {
  it('resolves the size types by architecture and sparse-only types to what gcc sees', () => {
    assert.equal(canonicalType('ssize_t', integerTypedefs('amd64')), 'long');
    assert.equal(canonicalType('ssize_t', integerTypedefs('armhf')), 'int');
    assert.equal(canonicalType('const u8 *', integerTypedefs('amd64')), 'const unsigned char *');
    assert.equal(canonicalType('__le32', integerTypedefs('arm64')), 'unsigned int');
    assert.equal(canonicalType('my_own_t', integerTypedefs('amd64')), 'my_own_t');
  });

  it('finds an int where size_t is wanted, and takes u8 for unsigned char', () => {
    const member = functionPointerShape('ssize_t (*)(struct tty_struct *, const u8 *, size_t)')!;
    const old = { name: 'w', returnType: 'int', parameterTypes: ['struct tty_struct *', 'const unsigned char *', 'int'] };
    assert.equal(signatureMismatch(old, member, { typedefs: integerTypedefs('amd64') }), 'it returns int, not ssize_t');
    assert.equal(signatureMismatch(old, member), undefined, 'without the typedefs nothing is known');
    const fitting = { name: 'w', returnType: 'long', parameterTypes: ['struct tty_struct *', 'const unsigned char *', 'unsigned long'] };
    assert.equal(signatureMismatch(fitting, member, { typedefs: integerTypedefs('amd64') }), undefined);
  });

  it("takes sockptr_t for a struct passed by value: a user pointer does not fit .setsockopt where it takes one (5.9 on)", () => {
    const rows = (optval: string) =>
      checker
        .check(SOCKOPT(optval), { fileName: '/ws/sock.c', targets: parseTargets('5.4,5.10,7.3', db.images).images })
        .findings.filter((f) => f.code === 'callback-signature')
        .map((f) => `${f.range.startLine + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`);
    assert.deepEqual(rows('char __user *'), [
      '10 [5.10,7.3] `s_setsockopt` does not fit `.setsockopt` of struct proto_ops on 5.10–7.3: its parameter 4 is char *, not sockptr_t; the member there is int (*)(struct socket *, int, int, sockptr_t, unsigned int)',
    ]);
    assert.deepEqual(rows('sockptr_t'), ['10 [5.4] `s_setsockopt` does not fit `.setsockopt` of struct proto_ops on 5.4: its parameter 4 is sockptr_t, not char *; the member there is int (*)(struct socket *, int, int, char *, unsigned int)']);
    assert.equal(canonicalType('sockptr_t', integerTypedefs('amd64')), 'struct sockptr_t');
  });

  it("reports a tty write callback of the old shape on the kernels whose .write returns ssize_t", () => {
    const result = checker.check(TTY, { fileName: '/ws/tty.c', targets: parseTargets('6.1,6.12,7.3', db.images).images });
    assert.deepEqual(
      result.findings.map((f) => `${f.code} ${f.range.startLine + 1} [${f.targets.map((t) => db.images[t].label).join(',')}] ${f.message}`),
      [
        'callback-signature 11 [6.12,7.3] `t_write` does not fit `.write` of struct tty_operations on 6.12–7.3: it returns int, not ssize_t; the member there is ssize_t (*)(struct tty_struct *, const u8 *, size_t)',
      ],
    );
  });
});
