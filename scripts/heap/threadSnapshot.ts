// A heap snapshot of a checking thread late in a run: checks the share of a folder's files one
// of `--threads` CLI threads would get, in this thread, then collects garbage and writes the
// snapshot, everything the thread keeps still held. Read it with retained.ts.
//
//   node --expose-gc out/scripts/heap/threadSnapshot.js <folder> [--threads 2] [--targets 6.1] [--out thread.heapsnapshot]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { FileRunner } from '../../src/cli/checkFiles';
import { collectFiles, planWorkspaceIndex, readPlannedFiles } from '../../src/cli/files';
import { openDatabase } from '../../src/cli/kernels';
import { batchesOf } from '../../src/cli/workers';
import { parseTargets } from '../../src/core/kernels/targets';
import { PackedWorkspaceTypes, packWorkspaceTypes } from '../../src/core/c/packedWorkspaceTypes';

function liveMegabytes(): string {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run node with --expose-gc: the figures are what survives a collection');
  collect();
  collect();
  return (process.memoryUsage().heapUsed / 1e6).toFixed(0);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { threads: { type: 'string', default: '2' }, targets: { type: 'string', default: '6.1' }, out: { type: 'string', default: 'thread.heapsnapshot' } },
  });
  if (positionals.length !== 1) throw new Error('usage: threadSnapshot.js <folder> [--threads N] [--targets SPEC] [--out FILE]');
  const root = resolve(positionals[0]);
  const { files } = collectFiles([root]);
  const db = openDatabase(undefined);
  const job = { roots: [root], targets: parseTargets(values.targets, db.images).images, files };
  // The index as the CLI's threads hold it: packed, outside the heap.
  const plan = planWorkspaceIndex(job.roots, files);
  const packed = (parser: Parameters<typeof readPlannedFiles>[1]) => new PackedWorkspaceTypes([packWorkspaceTypes(readPlannedFiles(plan, parser, plan.files.keys()), plan.kernelTrees)], plan.kernelTrees);
  const runner = await FileRunner.withWorkspace(job, (parser) => ({ index: packed(parser), truncated: plan.truncated }), db);
  console.log(`index of ${files.length} files read: ${liveMegabytes()} MB live`);
  // Batches go to threads as they free up; every n-th batch is what one thread of n checks, near enough.
  const share = batchesOf(files).filter((_, i) => i % Number(values.threads) === 0);
  let checked = 0;
  for (const batch of share) {
    for (const path of batch) {
      runner.check(path);
      checked++;
    }
  }
  console.log(`${checked} files checked: ${liveMegabytes()} MB live`);
  console.log(`wrote ${writeHeapSnapshot(values.out)}`);
}

void main();
