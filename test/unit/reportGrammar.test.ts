// The report grammar (syntaxes/kernel-compat-report.tmLanguage.json) tokenized the way VS Code
// does it: vscode-textmate on the oniguruma WASM, with a real C grammar for the embedded
// definitions (tm-grammars' c.json, the grammar VS Code's own C support is built from).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';
import { packageRoot } from '../../src/cli/paths';
import { reportText } from '../../src/core/kernels/report';
import { targetChangesText } from '../../src/core/kernels/targetChanges';
import { parseTargets } from '../../src/core/kernels/targets';
import { bundledDatabase, fixturesDir } from './helpers';

const REPORT_SCOPE = 'source.kernel-compat-report';
const GRAMMAR_PATH = join(packageRoot, 'syntaxes', 'kernel-compat-report.tmLanguage.json');

interface Token {
  text: string;
  scopes: string[];
}

let grammar: IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammarFiles: Record<string, string> = {
    [REPORT_SCOPE]: GRAMMAR_PATH,
    'source.c': require.resolve('tm-grammars/grammars/c.json'),
  };
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    // Grammars C includes for inline assembly are not needed here.
    loadGrammar: async (scopeName: string) => {
      const path = grammarFiles[scopeName];
      return path ? parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
  });
  const loaded = await registry.loadGrammar(REPORT_SCOPE);
  assert.ok(loaded, 'the report grammar did not load');
  grammar = loaded;
});

/** Every line's tokens, carrying the rule stack from line to line as an editor does. */
function tokenize(text: string): Token[][] {
  let stack = INITIAL;
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => {
      const result = grammar.tokenizeLine(line, stack);
      stack = result.ruleStack;
      return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
}

/** The scopes of the first token whose text is `text` on a line. */
function scopesOf(line: Token[], text: string): string[] {
  const token = line.find((t) => t.text === text || t.text.trim() === text);
  assert.ok(token, `no token '${text}' in ${JSON.stringify(line.map((t) => t.text))}`);
  return token.scopes;
}

function hasScope(scopes: string[], prefix: string): boolean {
  return scopes.some((s) => s === prefix || s.startsWith(`${prefix}.`) || s.split(' ').includes(prefix));
}

function assertScope(line: Token[], text: string, scope: string): void {
  const scopes = scopesOf(line, text);
  assert.ok(hasScope(scopes, scope), `'${text}' has ${JSON.stringify(scopes)}, not ${scope}`);
}

function lineText(line: Token[]): string {
  return line.map((t) => t.text).join('');
}

const golden = readFileSync(join(fixturesDir, 'reports', 'vfio_device_ops.txt'), 'utf8');

describe('report grammar', () => {
  it('is contributed for the kernel-compat-report language, with C declared as embedded', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8'));
    const contribution = manifest.contributes.grammars.find((g: { language: string }) => g.language === 'kernel-compat-report');
    assert.ok(contribution, 'no grammar contributed for kernel-compat-report');
    assert.equal(contribution.scopeName, REPORT_SCOPE);
    assert.equal(join(packageRoot, contribution.path), GRAMMAR_PATH);
    assert.equal(contribution.embeddedLanguages['meta.embedded.block.c'], 'c');
    assert.equal(JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')).scopeName, REPORT_SCOPE);
  });

  it('colours the golden report: header, headings, image labels, present and absent marks', () => {
    const lines = tokenize(golden);
    const byText = (text: string) => lines.find((l) => lineText(l) === text)!;
    assertScope(lines[0], 'struct', 'storage.type.kernel-compat-report');
    assertScope(lines[0], 'vfio_device_ops', 'entity.name.type.kernel-compat-report');
    assertScope(byText('Summary'), 'Summary', 'markup.heading.section.kernel-compat-report');
    assertScope(byText('Status'), 'Status', 'markup.heading.section.kernel-compat-report');
    assertScope(byText('Differences'), 'Differences', 'markup.heading.section.kernel-compat-report');
    assertScope(byText('Regular'), 'Regular', 'entity.name.section.group.kernel-compat-report');
    assertScope(byText('Flavor'), 'Flavor', 'entity.name.section.group.kernel-compat-report');

    const absent = byText('4.4: absent ⚠️');
    assertScope(absent, '4.4', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(absent, 'absent', 'markup.deleted.absent.kernel-compat-report');
    assertScope(absent, '⚠️', 'punctuation.definition.warning-mark.kernel-compat-report');
    assertScope(byText('riscv64: absent ⚠️'), 'riscv64', 'entity.name.tag.image-label.kernel-compat-report');

    const present = byText('5.4: present ✅');
    assertScope(present, '5.4', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(present, 'present', 'markup.inserted.present.kernel-compat-report');
    assertScope(present, '✅', 'markup.inserted.present.kernel-compat-report');
    assert.ok(!present.some((t) => hasScope(t.scopes, 'source.c')), 'the status line itself is not C');
  });

  it('embeds C exactly for the definitions, from each `N: present ✅` line to its `};`', () => {
    const lines = tokenize(golden);
    const texts = golden.replace(/\n$/, '').split('\n');
    let inDefinition = false;
    let definitionLines = 0;
    texts.forEach((text, i) => {
      const embedded = lines[i].filter((t) => t.text.trim() !== '').every((t) => hasScope(t.scopes, 'meta.embedded.block.c') && hasScope(t.scopes, 'source.c'));
      const anyEmbedded = lines[i].some((t) => hasScope(t.scopes, 'meta.embedded.block.c'));
      if (inDefinition) {
        assert.ok(embedded, `line ${i + 1} '${text}' is part of a definition but not all C: ${JSON.stringify(lines[i])}`);
        definitionLines++;
        if (text === '};') inDefinition = false;
      } else assert.ok(!anyEmbedded, `line ${i + 1} '${text}' is outside every definition but has C scopes`);
      if (/^\S+(?: \(Debian\))?: present ✅(?: \(.*\))?$/.test(text)) inDefinition = true;
    });
    assert.ok(definitionLines > 50, `only ${definitionLines} definition lines seen`);

    // The C grammar really ran: keywords, types and member names get its scopes.
    const open = lines[texts.indexOf('    int (*open)(void *);')];
    assert.ok(hasScope(scopesOf(open, 'int'), 'storage.type'), JSON.stringify(open));
    assert.ok(scopesOf(open, 'int').some((s) => s.endsWith('.c')), 'int is not scoped by the C grammar');
    const head = lines[texts.indexOf('struct vfio_device_ops {')];
    assert.ok(scopesOf(head, 'struct').some((s) => s.startsWith('storage.type') && s.endsWith('.c')), JSON.stringify(head));
  });

  it('colours a Debian kernel\'s status line: label, distribution, mark and where the struct lives', () => {
    const lines = tokenize(golden);
    const line = lines.find((l) => lineText(l).startsWith('7.3 (Debian): present ✅ (in modules: vfio'))!;
    assertScope(line, '7.3', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(line, '(Debian)', 'comment.line.distribution.kernel-compat-report');
    assertScope(line, '✅', 'markup.inserted.present.kernel-compat-report');
    assert.ok(hasScope(scopesOf(line, lineText(line).slice(lineText(line).indexOf('(in modules'))), 'comment.line.detail.origin.kernel-compat-report'));
    assertScope(lines.find((l) => lineText(l) === 'Regular (Debian, vmlinux and modules)')!, 'Regular (Debian, vmlinux and modules)', 'entity.name.section.group.kernel-compat-report');
  });

  it('colours the summary: each group, present and absent words, the marks and the image labels in its ranges', () => {
    const lines = tokenize(golden);
    const ubuntu = lines.find((l) => lineText(l) === 'Ubuntu: present on 5.4–5.19 ✅; absent from 4.4–5.3, 6.2–6.8 ⚠️')!;
    assertScope(ubuntu, 'Ubuntu', 'entity.name.section.group.kernel-compat-report');
    assertScope(ubuntu, 'present on', 'markup.inserted.present.kernel-compat-report');
    assertScope(ubuntu, '✅', 'markup.inserted.present.kernel-compat-report');
    assertScope(ubuntu, 'absent from', 'markup.deleted.absent.kernel-compat-report');
    assertScope(ubuntu, '⚠️', 'punctuation.definition.warning-mark.kernel-compat-report');
    for (const label of ['5.4', '5.19', '4.4', '6.8']) assertScope(ubuntu, label, 'entity.name.tag.image-label.kernel-compat-report');
    const allPresent = tokenize(reportText(bundledDatabase(), { kind: 'union', name: 'sigval' })).find((l) => lineText(l).startsWith('Arches: '))!;
    assert.equal(lineText(allPresent), 'Arches: present on arm64, armhf, ppc64el, riscv64 ✅');
    assertScope(allPresent, 'riscv64', 'entity.name.tag.image-label.kernel-compat-report');
  });

  it('colours differences: pairs, marks, change kinds, the arrow and successors', () => {
    const lines = tokenize(golden);
    const byText = (text: string) => lines.find((l) => lineText(l) === text)!;
    const changed = byText('5.4 and 5.8 ⚠️');
    assertScope(changed, '5.4', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(changed, '5.8', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(changed, '⚠️', 'markup.changed.changed-mark.kernel-compat-report');
    const unchanged = byText('5.8 and 5.11: unchanged ✅');
    assertScope(unchanged, '5.11', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(unchanged, 'unchanged', 'markup.inserted.unchanged.kernel-compat-report');
    assertScope(unchanged, '✅', 'markup.inserted.unchanged.kernel-compat-report');
    const arch = byText('amd64 and arm64 ⚠️ absent from arm64 (not in vmlinux BTF; may be a module or configured off), present in 5.4');
    assertScope(arch, 'amd64', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(arch, 'arm64', 'entity.name.tag.image-label.kernel-compat-report');

    const added = byText('  Field added: int (*match)(void *, char *)');
    assertScope(added, 'Field added', 'markup.inserted.field-added.kernel-compat-report');
    assertScope(added, 'int', 'meta.embedded.line.c');
    assert.ok(hasScope(scopesOf(added, 'int'), 'storage.type'), JSON.stringify(added));

    const removed = byText('  Field removed: int (*open)(struct vfio_device *) (replaced by open_device)');
    assertScope(removed, 'Field removed', 'markup.deleted.field-removed.kernel-compat-report');
    assertScope(removed, 'replaced by', 'keyword.other.replaced-by.kernel-compat-report');
    assertScope(removed, 'open_device', 'variable.other.member.successor.kernel-compat-report');

    const typeChanged = byText('  Field type changed: int (*open)(void *) ➡️ int (*open)(struct vfio_device *)');
    assertScope(typeChanged, 'Field type changed', 'markup.changed.field-type-changed.kernel-compat-report');
    assertScope(typeChanged, '➡️', 'keyword.operator.arrow.kernel-compat-report');
    const ints = typeChanged.filter((t) => t.text === 'int');
    assert.equal(ints.length, 2, 'both declarations of a type change are read as C');
    for (const int of ints) assert.ok(hasScope(int.scopes, 'meta.embedded.line.c') && hasScope(int.scopes, 'storage.type'));
  });

  it('gives every non-blank line of real reports and of the changes view a scope of its own', () => {
    const db = bundledDatabase();
    const texts = [
      golden,
      reportText(db, { kind: 'struct', name: 'vm_fault' }),
      reportText(db, { kind: 'struct', name: 'timer_list' }),
      reportText(db, { kind: 'union', name: 'sigval' }),
      targetChangesText(db, { kind: 'struct', name: 'vfio_device_ops' }, parseTargets('5.4..6.8', db.images).images),
      targetChangesText(db, { kind: 'struct', name: 'vm_fault' }, parseTargets('all', db.images).images),
    ];
    for (const text of texts) {
      const lines = tokenize(text);
      text
        .replace(/\n$/, '')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim() === '') return;
          const covered = lines[i].some((t) => t.text.trim() !== '' && t.scopes.length > 1);
          assert.ok(covered, `'${line}' (line ${i + 1} of the ${text.split('\n')[0]} text) matches no rule`);
        });
    }
  });

  it('colours the changes view: targets, its headings and the struct missing from some targets', () => {
    const db = bundledDatabase();
    const lines = tokenize(targetChangesText(db, { kind: 'struct', name: 'vfio_device_ops' }, parseTargets('5.4,5.8,5.11,5.13,5.15,5.19,6.2,6.5,6.8', db.images).images));
    const byText = (text: string) => lines.find((l) => lineText(l) === text)!;
    const targets = byText('Targets: 5.4–5.8, 5.11–5.19, 6.2–6.8');
    assertScope(targets, 'Targets', 'keyword.other.targets.kernel-compat-report');
    assertScope(targets, '5.4', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(targets, '6.8', 'entity.name.tag.image-label.kernel-compat-report');
    for (const heading of ['Oldest and newest', 'Step by step', 'Definitions']) assertScope(byText(heading), heading, 'markup.heading.section.kernel-compat-report');
    const absent = byText('Absent from: 6.2–6.8 ⚠️');
    assertScope(absent, 'Absent from', 'markup.deleted.absent.kernel-compat-report');
    assertScope(absent, '6.2', 'entity.name.tag.image-label.kernel-compat-report');
    assertScope(byText('5.19: present ✅'), '✅', 'markup.inserted.present.kernel-compat-report');
    const member = byText('    int (*device_feature)(struct vfio_device *, u32, void *, size_t);');
    assertScope(member, 'int', 'meta.embedded.block.c');
  });
});
