// Userspace programs are not kernel code: no findings, and the result says why.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import { parseTargets } from '../../src/core/kernels/targets';
import { hostedLibraryIncludes } from '../../src/core/c/userspace';
import { bundledDatabase } from './helpers';

describe('userspace programs', () => {
  it('recognises the C library by its hosted headers, not by freestanding or quoted ones, and tells those inside a conditional', () => {
    const first = (text: string) => hostedLibraryIncludes(text)[0];
    assert.deepEqual(first('#include <linux/input.h>\n#include <stdio.h>\n'), { name: 'stdio.h', line: 1, conditional: false });
    assert.deepEqual(first('# include <sys/ioctl.h>\n'), { name: 'sys/ioctl.h', line: 0, conditional: false });
    assert.deepEqual(hostedLibraryIncludes('#include <linux/module.h>\n#include <stdarg.h>\n#include <net/sock.h>\n#include <linux/time.h>\n'), []);
    assert.deepEqual(hostedLibraryIncludes('#include "string.h"\n'), []);
    assert.deepEqual(hostedLibraryIncludes('#ifndef UDIG\n#include <linux/kernel.h>\n#else\n#ifndef WDIG\n#include <inttypes.h>\n#endif\n#endif\n#include <stdio.h>\n'), [
      { name: 'inttypes.h', line: 4, conditional: true },
      { name: 'stdio.h', line: 7, conditional: false },
    ]);
  });

  it('gets no findings on glibc\'s struct stat, struct tm and struct sigaction', async () => {
    const db = bundledDatabase();
    const { checker } = await createChecker(db);
    const program = [
      '#include <stdio.h>',
      '#include <signal.h>',
      '#include <sys/stat.h>',
      '#include <time.h>',
      'int main(void)',
      '{',
      '\tstruct stat st; struct tm tm; struct sigaction sa;',
      '\tsa.sa_flags = 0;',
      '\treturn st.st_size + tm.tm_year + sa.sa_restorer != 0;',
      '}',
      '',
    ].join('\n');
    const result = checker.check(program, { fileName: '/ws/tool.c', targets: parseTargets('versions', db.images).images });
    assert.deepEqual(result.findings, []);
    assert.equal(result.userspace, 'stdio.h');
  });

  it("checks shared code built by Kbuild whose C library includes sit in a branch the build cannot take (falco's `#ifndef UDIG` … `#else` `#include <inttypes.h>`)", async () => {
    const db = bundledDatabase();
    const { checker } = await createChecker(db);
    const shared = (guard: string) =>
      [guard, '#include <linux/module.h>', '#include <linux/string.h>', '#else', '#include <inttypes.h>', '#include <string.h>', '#endif', 'void demo_copy(char *dst, const char *src)', '{', '\tstrlcpy(dst, src, 8);', '}', ''].join('\n');
    const targets = parseTargets('6.1,6.12', db.images).images;
    const built = checker.check(shared('#ifndef UDIG'), { fileName: '/ws/events.c', targets, namedByKbuild: true });
    assert.equal(built.userspace, undefined);
    assert.deepEqual(
      built.findings.map((f) => `${f.code} ${f.range.startLine + 1} [${f.targets.map((t) => db.images[t].label).join(',')}]`),
      ['missing-function 10 [6.12]'],
    );
    // Not known to be built, the undecided branch may be a program's: not judged, as before.
    assert.equal(checker.check(shared('#ifndef UDIG'), { fileName: '/ws/events.c', targets }).userspace, 'inttypes.h');
    // A branch no target takes is left out either way.
    assert.equal(checker.check(shared('#if 1'), { fileName: '/ws/events.c', targets }).userspace, undefined);
  });
});
