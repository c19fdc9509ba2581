// Mutation fuzzing of the BTF reader: thousands of deterministic corruptions (flipped bits,
// hostile header and info words, truncations, spliced chunks) of real BTF. Every mutation
// must either read fine or fail with a BtfError: never another exception, a hang or a
// runaway allocation (mocha's timeout on each test is the bound).
//
// Inputs: the project's fixtures (every kind, both byte orders, split BTF, ELF and tar.xz
// containers), and, when ../shared/data is present, the real 6.18 blob: a miniature of it
// (its first 4,000 types, rewritten to stand alone) takes the thousands of mutations, since
// one full read of the 5.5 MB blob takes about half a second; the full blob takes a few.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { btfDefinitions } from '../../src/core/kernels/btf/definitions';
import { BtfError } from '../../src/core/kernels/btf/errors';
import { extractBtf } from '../../src/core/kernels/btf/input';
import { parseBtf, type Btf } from '../../src/core/kernels/btf/parse';
import { fixturesDir, sharedDataDir } from './helpers';
import { miniature } from './btfWriter';

const btfDir = join(fixturesDir, 'btf');
const fixture = (name: string) => new Uint8Array(readFileSync(join(btfDir, name)));
const blobPath = join(sharedDataDir, 'btf', 'vmlinux-6.18.44.btf');

/** mulberry32: a small deterministic PRNG, so a failure replays from its seed and index. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below: number) => Math.floor(next() * below) };
}

type Random = ReturnType<typeof random>;

const INTERESTING = [0, 1, 2, 3, 4, 12, 24, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/** One corruption of `bytes`, in one of the ways real damage and hostile files look. */
function mutate(bytes: Uint8Array, rng: Random): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const littleEndian = out[0] === 0x9f;
  const word = () => (rng.int(Math.max(1, (out.length >> 2) - 1)) << 2);
  switch (rng.int(7)) {
    case 0: // flipped bits
      for (let n = 1 + rng.int(8); n > 0; n--) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    case 1: // a header field set to an edge value
      if (out.length >= 24) view.setUint32(4 + 4 * rng.int(5), INTERESTING[rng.int(INTERESTING.length)], littleEndian);
      return out;
    case 2: // a word of the type section set to an edge value, or to a nearby type id
      view.setUint32(word(), rng.next() < 0.5 ? INTERESTING[rng.int(INTERESTING.length)] : rng.int(5000), littleEndian);
      return out;
    case 3: // an info word: any kind (valid or not), any vlen, either kind flag
      view.setUint32(word(), ((rng.int(2) << 31) | (rng.int(32) << 24) | (rng.next() < 0.5 ? rng.int(8) : rng.int(0x10000))) >>> 0, littleEndian);
      return out;
    case 4: // truncation
      return out.subarray(0, rng.int(out.length));
    case 5: { // a chunk copied over another place
      const length = 1 + rng.int(64);
      const from = rng.int(Math.max(1, out.length - length));
      out.copyWithin(rng.int(Math.max(1, out.length - length)), from, from + length);
      return out;
    }
    default: // random bytes
      for (let n = 1 + rng.int(4); n > 0; n--) out[rng.int(out.length)] = rng.int(256);
      return out;
  }
}

interface Tally {
  read: number;
  refused: number;
}

/** Reads a mutation through the whole pipeline; anything but success or BtfError fails the test. */
function readAll(bytes: Uint8Array, base: Btf | undefined, tally: Tally, what: string): void {
  try {
    btfDefinitions(parseBtf(bytes, { base, source: 'mutant' }));
    tally.read++;
  } catch (error) {
    if (!(error instanceof BtfError)) assert.fail(`${what}: ${error instanceof Error ? error.stack : String(error)}`);
    tally.refused++;
  }
}

describe('BTF reader: fuzzing', function () {
  this.timeout(240_000);
  const vmlinux = parseBtf(fixture('vmlinux.btf'));

  it('3,000 mutations of raw BTF read or fail with BtfError', () => {
    const inputs: { name: string; bytes: Uint8Array; base?: Btf }[] = [
      { name: 'kinds.bpfel.btf', bytes: fixture('kinds.bpfel.btf') },
      { name: 'kinds.bpfeb.btf', bytes: fixture('kinds.bpfeb.btf') },
      { name: 'vmlinux.btf', bytes: fixture('vmlinux.btf') },
      { name: 'module.btf', bytes: fixture('module.btf'), base: vmlinux },
    ];
    if (existsSync(blobPath)) inputs.push({ name: 'vmlinux-6.18.44 miniature', bytes: miniature(parseBtf(readFileSync(blobPath)).ownTypes, 4000) });
    // The miniature is real BTF in its own right before any mutation.
    for (const input of inputs) btfDefinitions(parseBtf(input.bytes, { base: input.base }));
    const rng = random(0x5eed_b7f);
    const tally: Tally = { read: 0, refused: 0 };
    for (let i = 0; i < 3000; i++) {
      const input = inputs[i % inputs.length];
      readAll(mutate(input.bytes, rng), input.base, tally, `${input.name}, mutation ${i}`);
    }
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert.ok(tally.read > 100 && tally.refused > 100, JSON.stringify(tally));
  });

  it('300 mutations of ELF objects and a .btf.tar.xz read or fail with BtfError', async () => {
    const containers = ['kinds.bpfel.o', 'kinds.elf32be.o', 'module.ko', '5.14.0-362.8.1.el9_3.x86_64.btf.tar.xz'].map((name) => ({ name, bytes: fixture(name) }));
    const rng = random(0xe1f);
    const tally: Tally = { read: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const container = containers[i % containers.length];
      const mutant = mutate(container.bytes, rng);
      try {
        const extracted = await extractBtf(mutant, container.name);
        readAll(extracted.btf, container.name === 'module.ko' ? vmlinux : undefined, tally, `${container.name}, mutation ${i}`);
      } catch (error) {
        if (!(error instanceof BtfError)) assert.fail(`${container.name}, mutation ${i}: ${error instanceof Error ? error.stack : String(error)}`);
        tally.refused++;
      }
    }
    assert.ok(tally.read > 10 && tally.refused > 10, JSON.stringify(tally));
  });

  it('mutations of the full 6.18 blob read or fail with BtfError', function () {
    if (!existsSync(blobPath)) this.skip();
    const blob = new Uint8Array(readFileSync(blobPath));
    const rng = random(0xb10b);
    const tally: Tally = { read: 0, refused: 0 };
    for (let i = 0; i < 8; i++) readAll(mutate(blob, rng), undefined, tally, `vmlinux-6.18.44.btf, mutation ${i}`);
    assert.equal(tally.read + tally.refused, 8);
  });
});
