import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type AppPage, e2eSuite, settled } from './harness';

const suite = e2eSuite('clientele-storage-');
let app: AppPage;

const kpi = (page: Page, name: string) => page.locator('dl.kpis > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${name}$`) }) }).locator('.value');
const dashboardReady = (page: Page) => page.locator('[data-dashboard="ready"]').waitFor({ timeout: 60_000 });
/** The titles of the notebooks saved in this browser's IndexedDB (`clientele-notebooks`), without creating the database. */
const storedNotebooks = (page: Page) =>
  page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'clientele-notebooks')) return [];
    return new Promise<string[]>((resolve, reject) => {
      const request = indexedDB.open('clientele-notebooks');
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains('notebooks')) return (db.close(), resolve([]));
        const all = db.transaction('notebooks').objectStore('notebooks').getAll();
        all.onsuccess = () => {
          db.close();
          resolve((all.result as { document?: { title?: string } }[]).map((r) => String(r.document?.title)));
        };
      };
    });
  });
const saves = async (page: Page) => Number(await page.locator('section.storage').getAttribute('data-storage-saves'));

// 3 customers, 4 orders in EUR: revenue 100 + 50 + 80 + 30 = 260; refunds (refund_amount) 20 on O3.
const CSV = [
  'order_id,customer_id,ordered_at,amount,refund_amount,currency,country',
  'O1,A,2024-01-05,100,0,EUR,DE',
  'O2,A,2024-03-10,50,0,EUR,DE',
  'O3,B,2024-02-01,80,20,EUR,FR',
  'O4,C,2024-03-01,30,0,EUR,NL',
].join('\n');

describe('keep my data in this browser', () => {
  it('brings a loaded file and a changed mapping back after a reload, and forgets everything', async () => {
    const path = join(suite.dir, 'shop.csv');
    writeFileSync(path, CSV);
    app = await suite.open();
    const { page } = app;
    const storage = page.locator('section.storage');
    await storage.locator('summary').click();
    await storage.getByLabel('Keep my data in this browser').check();
    await page.locator('section.storage[data-storage="on"]').waitFor();
    expect(await storage.innerText()).toContain('Nothing leaves the device.');

    await page.setInputFiles('input[type=file]', path);
    await settled(page);
    await dashboardReady(page);
    expect(await kpi(page, 'Refunds').innerText()).toBe('€20.00');
    await expect.poll(() => page.getByTestId('storage-facts').innerText()).toMatch(/^Files kept in this browser: 1\./);

    // Unmap the refund column: refunds are then 0. The change is saved.
    const before = await saves(page);
    await page.getByLabel('Refund amount').selectOption('');
    await settled(page);
    await expect.poll(() => kpi(page, 'Refunds').innerText()).toBe('€0.00');
    await expect.poll(() => saves(page)).toBeGreaterThan(before);

    // Reload: the data is back without dropping the file, with the mapping as changed.
    await page.reload();
    await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
    await page.locator('section.storage[data-storage-restoring="no"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('article.source').count()).toBe(1);
    await settled(page);
    await dashboardReady(page);
    expect(await page.getByTestId('storage-notice').innerText()).toBe('Restored 1 stored files.');
    expect(await page.locator('article.source h2').innerText()).toContain('shop.csv');
    expect(await kpi(page, 'Revenue').innerText()).toBe('€260.00');
    expect(await kpi(page, 'Customers').innerText()).toBe('3');
    expect(await kpi(page, 'Refunds').innerText()).toBe('€0.00');
    expect(await page.getByLabel('Refund amount').inputValue()).toBe('');
    expect(await page.getByLabel('Customer id').inputValue()).toBe('customer_id');

    // A segment saved through the UI (country is DE: customer A), to be forgotten with the rest.
    const segments = page.locator('section.segments');
    await segments.getByRole('button', { name: 'New segment' }).click();
    await segments.getByLabel('Name').fill('Big DE');
    await segments.getByRole('button', { name: '+ Add a rule' }).click();
    await segments.getByLabel('Value').fill('DE');
    await segments.getByLabel('Value').press('Tab');
    await expect.poll(() => page.getByTestId('segment-size').innerText()).toMatch(/^1 customers match/);
    await segments.getByRole('button', { name: 'Save and apply' }).click();
    await expect.poll(() => page.evaluate(() => localStorage.getItem('clientele.segments'))).toContain('"name":"Big DE"');

    // A notebook edited and autosaved in IndexedDB, so that "no notebook left" below means something.
    await page.getByRole('tab', { name: 'Notebook' }).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();
    await page.getByLabel('Notebook title').fill('Kept notebook');
    await page.locator('[data-notebook-saved="yes"]').waitFor();
    expect(await storedNotebooks(page)).toEqual(['Kept notebook']);
    await page.getByRole('tab', { name: 'Dashboard' }).click();

    // Forget everything: confirm, the page reloads with nothing loaded and nothing kept.
    await storage.getByRole('button', { name: 'Forget everything…' }).click();
    expect(await storage.getByRole('alertdialog').innerText()).toContain('This cannot be undone.');
    await Promise.all([page.waitForEvent('load'), storage.getByRole('button', { name: 'Yes, forget everything' }).click()]);
    await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('storage-notice').innerText()).toBe('Forgotten: 1 stored files, notebooks, segments.');
    expect(await page.locator('article.source').count()).toBe(0);
    expect(await page.locator('section.drop').isVisible()).toBe(true);
    expect(await page.locator('[data-dashboard="ready"]').count()).toBe(0);
    expect(await storage.getByLabel('Keep my data in this browser').isChecked()).toBe(false);
    const left = await page.evaluate(async () => {
      const keys = Object.keys(localStorage).filter((k) => k.startsWith('clientele.'));
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('clientele', { create: true });
      const files: string[] = [];
      for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) files.push(name);
      // Every saved notebook: the database is gone, or has no records left.
      const notebooks = (await indexedDB.databases()).some((d) => d.name === 'clientele-notebooks')
        ? await new Promise<number>((resolve, reject) => {
            const request = indexedDB.open('clientele-notebooks');
            request.onerror = () => reject(request.error);
            request.onsuccess = async () => {
              const db = request.result;
              let count = 0;
              for (const store of Array.from(db.objectStoreNames)) {
                count += await new Promise<number>((done) => {
                  const c = db.transaction(store).objectStore(store).count();
                  c.onsuccess = () => done(c.result);
                });
              }
              db.close();
              resolve(count);
            };
          })
        : 0;
      return { keys, files, notebooks };
    });
    expect(left).toEqual({ keys: [], files: [], notebooks: 0 });
    expect(await storedNotebooks(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Notebook' }).click();
    await page.locator('[data-notebook-restore="restored"]').waitFor();
    expect(await page.getByLabel('Notebook title').inputValue()).toBe('My questions');
  });

  it('a stored file that could not be restored stays stored and is named, with Try again and Remove it (final review #1: data loss)', async () => {
    const path = join(suite.dir, 'shop.csv');
    writeFileSync(path, CSV);
    app = await suite.open();
    const { page } = app;
    const storage = page.locator('section.storage');
    await storage.locator('summary').click();
    await storage.getByLabel('Keep my data in this browser').check();
    await page.locator('section.storage[data-storage="on"]').waitFor();
    await page.setInputFiles('input[type=file]', path);
    await settled(page);
    await dashboardReady(page);
    await expect.poll(() => page.getByTestId('storage-facts').innerText()).toMatch(/^Files kept in this browser: 1\./);

    // The stored copy goes missing (moved aside here; in life: out of memory, a server down for a moment).
    const opfs = (action: 'hide' | 'bring back' | 'list') =>
      page.evaluate(async (action) => {
        const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle('clientele', { create: true });
        const manifest = JSON.parse(await (await (await folder.getFileHandle('manifest.json')).getFile()).text()) as { sources: { id: string; fileName: string }[] };
        const id = manifest.sources[0]?.id ?? '';
        const root = await navigator.storage.getDirectory();
        if (action === 'hide') {
          const copy = await (await folder.getFileHandle(id)).getFile();
          const aside = await (await root.getFileHandle('aside', { create: true })).createWritable();
          await aside.write(copy);
          await aside.close();
          await folder.removeEntry(id);
        } else if (action === 'bring back') {
          const copy = await (await root.getFileHandle('aside')).getFile();
          const back = await (await folder.getFileHandle(id, { create: true })).createWritable();
          await back.write(copy);
          await back.close();
        }
        const files: string[] = [];
        for await (const name of (folder as unknown as { keys(): AsyncIterable<string> }).keys()) files.push(name);
        return { entries: manifest.sources.map((s) => s.fileName), copy: files.includes(id) };
      }, action);
    const reload = async () => {
      await page.reload();
      await page.locator('main[data-engine="ready"]').waitFor({ timeout: 60_000 });
      await page.locator('section.storage[data-storage-restoring="no"]').waitFor({ timeout: 60_000 });
    };
    expect(await opfs('hide')).toEqual({ entries: ['shop.csv'], copy: false });
    await reload();
    const unrestored = page.getByTestId('storage-unrestored');
    await unrestored.waitFor();
    expect(await unrestored.innerText()).toContain('Could not restore shop.csv on this visit');
    expect(await unrestored.innerText()).toContain('It is still kept in this browser');
    expect(await page.locator('article.source').count()).toBe(0);
    // Still in the manifest after the sync that follows the restore.
    await expect.poll(() => page.getByTestId('storage-facts').innerText()).toMatch(/^Files kept in this browser: 1\./);
    expect((await opfs('list')).entries).toEqual(['shop.csv']);

    // Try again once the copy is back: the data loads.
    await opfs('bring back');
    await unrestored.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.locator('article.source').count(), { timeout: 60_000 }).toBe(1);
    await settled(page);
    await dashboardReady(page);
    expect(await kpi(page, 'Revenue').innerText()).toBe('€260.00');
    await expect.poll(() => unrestored.count()).toBe(0);

    // Missing again on the next visit: "Remove it" deletes the entry.
    await opfs('hide');
    await reload();
    await unrestored.waitFor();
    await unrestored.getByRole('button', { name: 'Remove it' }).click();
    await expect.poll(() => unrestored.count()).toBe(0);
    await expect.poll(async () => (await opfs('list')).entries).toEqual([]);
    expect(await page.getByTestId('storage-facts').innerText()).toMatch(/^Files kept in this browser: 0\./);
  });
});
