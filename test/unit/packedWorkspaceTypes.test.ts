// The packed index the CLI's checking threads share answers as the editable index does, from
// however many shards the workspace's files were split into.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChecker } from '../../src/cli/runtime';
import { packageRoot } from '../../src/cli/paths';
import type { Checker } from '../../src/core/check/checker';
import { PackedWorkspaceTypes, packWorkspaceTypes, type PlacedFile } from '../../src/core/c/packedWorkspaceTypes';
import { WorkspaceTypeIndex } from '../../src/core/c/workspaceTypeIndex';
import type { WorkspaceTypeLookup } from '../../src/core/c/workspaceTypeLookup';
import { readWorkspaceFile } from '../../src/core/c/workspaceTypes';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase } from './helpers';

const db = bundledDatabase();
let checker: Checker;

before(async () => {
  checker = (await createChecker(db)).checker;
});

const compatFolder = join(packageRoot, 'test', 'fixtures', 'compat-backport');

/** A workspace of two drivers, in the order a plan lists them (not path order). */
const WORKSPACE: [string, string][] = [
  ['/tree/drivers/usb/gadget/uvc.h', '#include <media/v4l2-dev.h>\nstruct uvc_device { struct video_device vdev; };\ntypedef struct uvc_device uvc_t;\n'],
  // A source before the header in path order: the header's members still speak first.
  ['/tree/drivers/media/usb/uvc/a_board.c', 'struct hdev { int other; };\n#define BOARD_PRIV(b) ((b)->priv)\nstatic int probe(void) { return 0; }\n'],
  ['/tree/drivers/media/usb/uvc/uvcvideo.h', '#include <media/v4l2-device.h>\nstruct uvc_device { struct v4l2_device vdev; };\nstruct hdev { struct block_device *bdev; };\n'],
  // Non-Latin-1 text: the shard keeps two bytes per character.
  ['/tree/drivers/media/usb/uvc/naïve€.h', '/* © 2024 Ünïcødé € */\nstruct euro { int cents; };\nint pay(struct euro *e);\n'],
  ['/tree/drivers/media/usb/uvc/uvc_compat.h', readFileSync(join(compatFolder, 'compat.h'), 'utf8')],
  ['/tree/drivers/media/usb/uvc/broken.h', '\0binary'],
];

function editable(): WorkspaceTypeIndex {
  const index = new WorkspaceTypeIndex(checker.parser);
  for (const [path, text] of WORKSPACE) index.update(path, text);
  return index;
}

/** The workspace packed into `count` shards, each of every count-th file, as the CLI's threads share it. */
function packed(count: number): PackedWorkspaceTypes {
  const placed: PlacedFile[] = WORKSPACE.map(([path, text], position) => [position, path, readWorkspaceFile(checker.parser, path, text)]);
  const shards = Array.from({ length: count }, (_, shard) => packWorkspaceTypes(placed.filter(([position]) => position % count === shard), []));
  return new PackedWorkspaceTypes(shards);
}

function answers(index: WorkspaceTypeLookup): unknown[] {
  const members = (answer: ReturnType<WorkspaceTypeLookup['aggregate']>) => (answer instanceof Map ? [...answer] : answer);
  const uvc = { kind: 'struct', name: 'uvc_device' } as const;
  return [
    members(index.aggregate(uvc, '/elsewhere.c')),
    members(index.aggregate(uvc, '/elsewhere.c', new Set(['/tree/drivers/usb/gadget/uvc.h']))),
    members(index.aggregate(uvc, '/tree/drivers/media/usb/uvc/uvcvideo.h')),
    members(index.aggregate({ kind: 'struct', name: 'hdev' }, '/elsewhere.c')),
    members(index.aggregate({ kind: 'struct', name: 'hdev' }, '/tree/drivers/media/usb/uvc/uvcvideo.h')),
    members(index.aggregate({ kind: 'struct', name: 'euro' }, '/elsewhere.c')),
    members(index.aggregate({ kind: 'struct', name: 'proc_ops' }, '/elsewhere.c')),
    members(index.aggregate({ kind: 'union', name: 'uvc_device' }, '/elsewhere.c')),
    index.typedef('uvc_t', '/elsewhere.c'),
    index.typedef('uvc_t', '/tree/drivers/usb/gadget/uvc.h'),
    ['BOARD_PRIV', 'probe', 'pay', 'kmalloc', 'cents'].map((name) => index.definesCallable(name)),
    index.pathsEndingWith('uvc/uvcvideo.h'),
    index.pathsEndingWith('naïve€.h'),
    index.pathsEndingWith('broken.h'),
  ];
}

describe('the workspace index packed for the CLI\'s threads', () => {
  it('answers every question as the editable index does, from one shard or several', () => {
    const expected = answers(editable());
    assert.deepEqual(expected.slice(0, 10), [
      [['vdev', 'struct v4l2_device']],
      [['vdev', 'struct video_device']],
      [['vdev', 'struct video_device']],
      [['bdev', 'struct block_device *']],
      [],
      [['cents', 'int']],
      'conditional',
      undefined,
      'struct uvc_device',
      undefined,
    ]);
    // A .c file's functions are not callables other files reach; its macros are.
    assert.deepEqual(expected.slice(10), [[true, false, true, false, false], ['/tree/drivers/media/usb/uvc/uvcvideo.h'], ['/tree/drivers/media/usb/uvc/naïve€.h'], ['/tree/drivers/media/usb/uvc/broken.h']]);
    for (const shards of [1, 2, 3]) assert.deepEqual(answers(packed(shards)), expected, `${shards} shards`);
  });

  it('gives the checker the same findings, the compat definitions\' kernel conditions included', () => {
    const text = readFileSync(join(compatFolder, 'demo.c'), 'utf8');
    const findings = (index: WorkspaceTypeLookup) =>
      checker
        .check(text, { fileName: '/tree/drivers/media/usb/uvc/demo.c', targets: parseTargets('5.4,5.8,5.11,6.1', db.images).images, workspaceTypes: index })
        .findings.filter((f) => f.severity === 'warning')
        .map((f) => `${f.code} ${f.range.startLine + 1}:${f.range.startColumn + 1} ${f.message}`);
    const expected = ['missing-member 12:3 `proc_read_iter` is not in struct proc_ops on 5.8: added in 5.10'];
    assert.deepEqual(findings(editable()), expected);
    assert.deepEqual(findings(packed(2)), expected);
  });

  it('refuses a buffer that is not a shard, with a message that says so', () => {
    assert.throws(() => new PackedWorkspaceTypes([new SharedArrayBuffer(8)]), /not a packed workspace index/);
    assert.throws(() => new PackedWorkspaceTypes([new SharedArrayBuffer(4096)]), /not a packed workspace index/);
  });
});
