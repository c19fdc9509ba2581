// The one error every BTF input problem becomes: wrong magic, truncation, ids out of range,
// loops, compressed formats we cannot read. Callers show its message as is, so each says what
// is wrong and, where it helps, what to do instead.

export class BtfError extends Error {
  override readonly name = 'BtfError';
}
