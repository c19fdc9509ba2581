// Which parameters a kernel's function-like macros leave out with its config: what the data
// builder records so that a member written only there (`&m->dep_map`) is not judged.
import * as assert from 'node:assert/strict';
import { droppedParameters, macroBodies } from '../../scripts/import/droppingMacros';

describe('macros that leave parameters out', () => {
  it('follows a macro through the macros it expands to, and keeps what any of them compiles', () => {
    // lockdep.h without CONFIG_LOCKDEP; printk.h; compiler.h.
    const header = [
      '# define lock_acquire(l, s, t, r, c, n, i)\tdo { } while (0)',
      '#define lock_acquire_exclusive(l, s, t, n, i)\t\tlock_acquire(l, s, t, 0, 1, n, i)',
      '#define mutex_acquire(l, s, t, i)\t\tlock_acquire_exclusive(l, s, t, NULL, i)',
      '# define lockdep_init_map(lock, name, key, sub) \\',
      '\t\tdo { (void)(name); (void)(key); } while (0)',
      '#define pr_debug(fmt, ...) no_printk(fmt, ##__VA_ARGS__)',
      '#define no_printk(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })',
      '#define WRITE_ONCE(x, val) do { *(volatile typeof(x) *)&(x) = (val); } while (0)',
      '#define __stringify_1(x) #x',
      '',
    ].join('\n');
    assert.deepEqual(Object.fromEntries(droppedParameters(macroBodies(header))), {
      lock_acquire: 0b1111111,
      lock_acquire_exclusive: 0b11111,
      mutex_acquire: 0b1111,
      lockdep_init_map: 0b1001,
      __stringify_1: 0b1,
    });
  });

  it('keeps a parameter that one definition of the name compiles', () => {
    const header = '#ifdef CONFIG_X\n#define trace_it(x) do { } while (0)\n#else\n#define trace_it(x) record(x)\n#endif\n';
    assert.deepEqual(Object.fromEntries(droppedParameters(macroBodies(header))), {});
  });
});
