// Userspace programs are not kernel code: no findings, and the result says why.
import * as assert from 'node:assert/strict';
import { createChecker } from '../../src/cli/runtime';
import { parseTargets } from '../../src/core/kernels/targets';
import { hostedLibraryInclude } from '../../src/core/c/userspace';
import { bundledDatabase } from './helpers';

describe('userspace programs', () => {
  it('recognises the C library by its hosted headers, not by freestanding or quoted ones', () => {
    assert.equal(hostedLibraryInclude('#include <linux/input.h>\n#include <stdio.h>\n'), 'stdio.h');
    assert.equal(hostedLibraryInclude('# include <sys/ioctl.h>\n'), 'sys/ioctl.h');
    assert.equal(hostedLibraryInclude('#include <linux/module.h>\n#include <stdarg.h>\n#include <net/sock.h>\n'), undefined);
    assert.equal(hostedLibraryInclude('#include "string.h"\n'), undefined);
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
});
