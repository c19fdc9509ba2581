// The UI check: code-server with the installed .vsix, driven in Chromium like a person would.
// Open an example driver with Quick Open, read the Problems panel, hover a member, read the
// hover; assert on the text on screen only. Screenshots go to .test-artifacts/ui/.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CODE_SERVER_ENTRY, installVsix, launchChromium, startCodeServer, type RunningChromium, type RunningCodeServer } from '../harness/codeServer';
import { ARTIFACTS, prepareSandbox, REPO_ROOT, requireFile, VSIX, type Sandbox } from '../harness/sandbox';

const EXAMPLES = join(REPO_ROOT, 'examples');
const DRIVER = 'mtty_legacy.c';
const SCREENSHOTS = join(ARTIFACTS, 'ui');
/** Generous: the first check loads the WASM parser and the database in a cold extension host. */
const SHOWN_MS = 60_000;
/**
 * A fault handler that declares `vma = vmf->vma` (vm_fault.vma arrived in 4.10), from the
 * integration fixtures; copied into the workspace only for the step that needs it.
 */
const FAULT_DRIVER = 'vm_fault_vma.c';
const FAULT_FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'workspace', FAULT_DRIVER);
/**
 * VS Code offers disabled code actions (behind a "Show Disabled" button) only when a person
 * asks for one kind of action: `editor.action.codeAction` with a `kind`, bound to a key
 * (Ctrl+. lists the applicable ones only). A disabled action's row reads its reason only
 * without the menu's group headers. The profile binds this key so and turns the headers off;
 * nothing else here opens that menu.
 */
const QUICK_FIXES_BY_KIND_KEY = { vscode: 'ctrl+shift+alt+f10', playwright: 'Control+Shift+Alt+F10' };
const GUARD_DISABLED_REASON =
  'it declares `vma`: guarded away on some kernels, its later uses would not compile there; guard the code that uses it too, by hand';

interface CliFinding {
  line: number;
  column: number;
  code: string;
  message: string;
}

/** What the command-line twin finds in the same file: the editor must show the same. */
function cliFindings(file: string): CliFinding[] {
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'kernel-compat.js'), 'check', '--format', 'json', file], { encoding: 'utf8' });
    return [];
  } catch (error) {
    // Exit code 1 means findings, printed on stdout.
    const { status, stdout } = error as { status: number; stdout: string };
    if (status !== 1) throw error;
    return JSON.parse(stdout) as CliFinding[];
  }
}

/**
 * The centre of the member `open` in `.open = mtty_open,` on screen. Monaco draws a line as
 * spans of tokens (here the whole line may be one), in a monospace font: the member's place in
 * its span's text gives its place on screen.
 */
async function openMemberCentre(page: Page): Promise<{ x: number; y: number }> {
  const spans = page.locator('.monaco-editor .view-line', { hasText: '.open = mtty_open,' }).locator('span > span');
  for (const span of await spans.all()) {
    const text = (await span.textContent()) ?? '';
    const at = text.indexOf('.open');
    if (at < 0) continue;
    const box = await span.boundingBox();
    assert.ok(box, 'the `.open` token is not on screen');
    const charWidth = box.width / text.length;
    // The middle of `open`, after the dot.
    return { x: box.x + (at + 1 + 2) * charWidth, y: box.y + box.height / 2 };
  }
  assert.fail('no span on the `.open` line holds `.open`');
}

describe('Kernel Compat in the workbench, as a person sees it', function () {
  this.timeout(180_000);
  let server: RunningCodeServer | undefined;
  let chromium: RunningChromium | undefined;
  let page: Page;
  let sandbox: Sandbox;

  before(async () => {
    requireFile(CODE_SERVER_ENTRY, 'run scripts/setup-editor.sh');
    requireFile(VSIX, 'run npm run package');
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    sandbox = prepareSandbox('ui', EXAMPLES);
    const userSettings = join(sandbox.userDataDir, 'User', 'settings.json');
    writeFileSync(userSettings, JSON.stringify({ ...JSON.parse(readFileSync(userSettings, 'utf8')), 'editor.codeActionWidget.showHeaders': false }, null, 2));
    writeFileSync(
      join(sandbox.userDataDir, 'User', 'keybindings.json'),
      JSON.stringify([{ key: QUICK_FIXES_BY_KIND_KEY.vscode, command: 'editor.action.codeAction', args: { kind: 'quickfix' }, when: 'editorTextFocus' }], null, 2),
    );
    installVsix(sandbox);
    server = await startCodeServer(sandbox, {}, join(ARTIFACTS, 'ui-code-server.log'));
    chromium = await launchChromium();
    page = await chromium.browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(server.url());
    await page.locator('.monaco-workbench').waitFor({ timeout: SHOWN_MS });
    // The Explorer shows the workspace once the remote file system answers.
    await page.locator('.explorer-folders-view').getByText('vfio-mtty').waitFor({ timeout: SHOWN_MS });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) {
      await page.screenshot({ path: join(SCREENSHOTS, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    }
  });

  after(async () => {
    await chromium?.stop();
    await server?.stop();
  });

  it('opens an example driver with Quick Open', async () => {
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
    await page.keyboard.press('Control+P');
    const quickInput = page.locator('.quick-input-widget input');
    await quickInput.waitFor();
    await quickInput.fill(DRIVER);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: DRIVER }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: DRIVER }).waitFor({ timeout: SHOWN_MS });
    await page.locator('.monaco-editor .view-line', { hasText: '.open = mtty_open,' }).waitFor({ timeout: SHOWN_MS });
    // Once checked, the findings are underlined in the text: warnings and the information note.
    await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: SHOWN_MS });
    await page.locator('.monaco-editor .squiggly-info').first().waitFor({ timeout: SHOWN_MS });
    await page.screenshot({ path: join(SCREENSHOTS, '1-driver-open.png') });
  });

  it('lists the same findings as the CLI in the Problems panel', async () => {
    const expected = cliFindings(join(EXAMPLES, 'vfio-mtty', DRIVER));
    assert.ok(expected.some((f) => f.code === 'missing-member'), 'the CLI found no missing member in the example: the fixture lost its point');
    await page.keyboard.press('Control+Shift+M');
    const panel = page.locator('.markers-panel');
    await panel.waitFor({ timeout: SHOWN_MS });
    // Rows appear once the extension has checked the file.
    const rows = panel.locator('.monaco-list-row');
    // One row per finding under the file's own row.
    await rows.nth(expected.length).waitFor({ timeout: SHOWN_MS });
    const seen = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    assert.ok(seen[0].includes(DRIVER), `the first row is not the file: ${seen[0]}`);
    assert.equal(seen.length, expected.length + 1, `Problems panel rows:\n${seen.join('\n')}`);
    for (const finding of expected) {
      // The panel draws `source(code)`; the brackets are CSS, so the text reads `source code`.
      const source = new RegExp(`kernel-compat\\W*${finding.code}\\W`);
      const row = seen.find((text) => text.includes(finding.message) && source.test(text) && text.includes(`[Ln ${finding.line}, Col ${finding.column}]`));
      assert.ok(row, `no Problems row for ${finding.line}:${finding.column} ${finding.message}\nrows:\n${seen.join('\n')}`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, '2-problems-panel.png') });
  });

  it('shows the history of `.open` in its hover', async () => {
    // Without the panel the editor is taller, and so may be the hover.
    await page.keyboard.press('Control+J');
    await page.locator('.markers-panel').waitFor({ state: 'hidden' });
    const { x, y } = await openMemberCentre(page);
    await page.mouse.move(x, y);
    const hover = page.locator('.monaco-hover:visible', { hasText: 'member open' });
    await hover.waitFor({ timeout: SHOWN_MS });
    const text = (await hover.innerText()).replace(/\u00a0/g, ' ');
    for (const line of ['struct vfio_device_ops · member open', 'Missing on 5.15–6.1, 6.12–7.3: replaced by open_device in 5.15.', '5.13: int (*open)(struct vfio_device *)', '5.15–6.1: no open', '6.12–7.3: no open', 'Open the struct report']) {
      assert.ok(text.includes(line), `the hover does not show '${line}':\n${text}`);
    }
    // The hover fades in: finish the animation so the picture shows what a person reads.
    await page.screenshot({ path: join(SCREENSHOTS, '3-hover-open.png'), animations: 'disabled' });
    // The rest of the history is below the fold, as for a person: move onto the hover and scroll it.
    const box = (await hover.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    const last = hover.getByText('Changes across the targeted kernels');
    const lastLineShown = async () => {
      const [line, frame] = [await last.boundingBox(), await hover.boundingBox()];
      return !!line && !!frame && line.y + line.height <= frame.y + frame.height;
    };
    for (let turns = 0; turns < 20 && !(await lastLineShown()); turns++) await page.mouse.wheel(0, 120);
    assert.ok(await lastLineShown(), 'scrolling the hover did not bring its last line into view');
    await hover.screenshot({ path: join(SCREENSHOTS, '4-hover-open-scrolled.png'), animations: 'disabled' });
  });

  it('names the targeted kernels in the status bar', async () => {
    // The default targets: the 22 amd64 version images, Ubuntu 4.4–6.8 and Debian 5.10–7.3.
    const item = page.locator('.statusbar-item', { hasText: 'Kernels:' });
    await item.waitFor({ timeout: SHOWN_MS });
    assert.equal((await item.innerText()).trim(), 'Kernels: 4.4–7.3');
  });

  it('writes the shortest spec when "Debian only" is picked in Select Target Kernels, and names it in the status bar', async () => {
    const statusItem = page.locator('.statusbar-item', { hasText: 'Kernels:' });
    const statusText = async () => (await statusItem.innerText()).trim();
    const originalStatus = await statusText();
    // The copy of examples/ has no workspace settings: the picker creates them, and they go again afterwards.
    const settingsFile = join(sandbox.workspace, '.vscode', 'settings.json');
    const originalSettings = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    try {
      // Whatever the last step left (a hover), then the command palette, as a person: F1 and the command's name.
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const quickInput = page.locator('.quick-input-widget input');
      await quickInput.waitFor();
      await quickInput.fill('>Kernel Compat: Select Target Kernels');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Kernel Compat: Select Target Kernels' }).first().waitFor({ timeout: SHOWN_MS });
      await page.keyboard.press('Enter');
      // The picker's first step: the groups, then the ways to choose further.
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Kernel Compat: kernels to check against' }).waitFor({ timeout: SHOWN_MS });
      const rows = page.locator('.quick-input-list .monaco-list-row');
      await rows.filter({ hasText: 'Individual kernels…' }).waitFor();
      const labels = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
      for (const label of ['All versions', 'Debian only', 'LTS kernels', 'Range of versions…', 'Individual kernels…']) {
        assert.ok(labels.some((text) => text.startsWith(label)), `the picker does not offer '${label}':\n${labels.join('\n')}`);
      }
      await quickInput.fill('Debian only');
      const debian = rows.filter({ hasText: 'Debian only' });
      await debian.waitFor();
      // '5 kernels: 5.10, 6.1, 6.12–7.3': what the status bar will read after the choice.
      const description = (await debian.locator('.label-description').innerText()).trim();
      const promised = /^\d+ kernels?: (.+)$/.exec(description);
      assert.ok(promised, `the 'Debian only' row does not say which kernels: '${description}'`);
      await page.screenshot({ path: join(SCREENSHOTS, '5-targets-picker.png') });
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      const chosenStatus = `Kernels: ${promised[1]}`;
      await page.locator('.statusbar-item', { hasText: chosenStatus }).waitFor({ timeout: SHOWN_MS });
      assert.equal(await statusText(), chosenStatus);
      assert.match(chosenStatus, /^Kernels: 5\.10, 6\.1, 6\.12–7\.3$/);
      // The shortest spec for the five Debian kernels is the group word, not their labels.
      const written = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(written['kernelCompat.targets'], ['debian'], `the workspace settings read:\n${JSON.stringify(written, null, 2)}`);
      await page.screenshot({ path: join(SCREENSHOTS, '6-targets-debian.png') });
    } finally {
      // Back to the targets the workspace had, so that later steps see what they expect.
      if (originalSettings === undefined) rmSync(join(sandbox.workspace, '.vscode'), { recursive: true, force: true });
      else writeFileSync(settingsFile, originalSettings);
      await page.locator('.statusbar-item', { hasText: originalStatus }).waitFor({ timeout: SHOWN_MS });
    }
  });

  it('says why it offers no guard around a declaration, in the quick fixes asked for by kind', async () => {
    // The default targets take 4.4–4.8, where vm_fault has no `vma`: guarding the declaration
    // alone would leave `vma` undeclared where the next line uses it.
    const copy = join(sandbox.workspace, FAULT_DRIVER);
    copyFileSync(FAULT_FIXTURE, copy);
    try {
      // From the Explorer, once it shows the new file (Quick Open's file list may predate it).
      await page.locator('.explorer-folders-view').getByText(FAULT_DRIVER).click({ timeout: SHOWN_MS });
      await page.locator('.tab.active', { hasText: FAULT_DRIVER }).waitFor({ timeout: SHOWN_MS });
      await page.locator('.monaco-editor .view-line', { hasText: 'vmf->vma;' }).waitFor({ timeout: SHOWN_MS });
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: SHOWN_MS });
      // The caret into `vma` of `vmf->vma` (line 11, columns 36–38), with Go to Line/Column.
      await page.keyboard.press('Control+G');
      const quickInput = page.locator('.quick-input-widget input');
      await quickInput.waitFor();
      await quickInput.fill(':11:37');
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
      await page.keyboard.press(QUICK_FIXES_BY_KIND_KEY.playwright);
      const menu = page.locator('.action-widget');
      const rows = menu.locator('.monaco-list-row');
      await rows.filter({ hasText: 'Ignore on this line' }).waitFor({ timeout: SHOWN_MS });
      // The menu lists what applies, and offers the rest behind a button. The workbench blocks
      // the pointer over the page while the menu is open, until the pointer moves: as a person's does.
      const showDisabled = menu.getByText('Show Disabled');
      const button = (await showDisabled.boundingBox())!;
      await page.mouse.move(button.x + button.width / 2, button.y + button.height / 2, { steps: 5 });
      await showDisabled.click();
      const disabled = menu.locator('.monaco-list-row.option-disabled');
      await disabled.first().waitFor();
      assert.deepEqual((await disabled.allInnerTexts()).map((text) => text.trim()), [GUARD_DISABLED_REASON]);
      const enabled = (await menu.locator('.monaco-list-row:not(.option-disabled)').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
      assert.deepEqual(enabled, [
        'Ignore on this line: add /* kernel-compat-ignore */',
        'Show report of struct vm_fault',
        'Show changes of struct vm_fault across the targeted kernels',
      ]);
      await page.screenshot({ path: join(SCREENSHOTS, '7-guard-disabled.png'), animations: 'disabled' });
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden' });
    } finally {
      rmSync(copy, { force: true });
    }
  });
});
