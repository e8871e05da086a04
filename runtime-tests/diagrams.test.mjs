// The marble diagrams (docs/diagrams/*.svg, drawn from the marble tests'
// recordings by marble-tests/diagrams.spec.ts) render in a real browser:
// headless Chromium loads each as an image, as the README and the API
// reference show it, at the size it declares, with its marks drawn (not a
// blank or broken image). A screenshot of each is left in .ci/out/diagrams/
// for a reader to look at. Run by `npm run test:browser`.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const directory = join(root, 'docs', 'diagrams');
const shots = join(root, '.ci', 'out', 'diagrams');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const diagrams = readdirSync(directory, { recursive: true }).filter((name) => name.endsWith('.svg'));

let browser;
let page;
before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath });
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
});

test('there are diagrams to render', () => {
  assert.ok(diagrams.length >= 21, `only ${diagrams.length} diagrams in docs/diagrams`);
});

for (const name of diagrams) {
  test(`${name} renders in Chromium at its declared size, with its marks drawn`, async () => {
    const svg = readFileSync(join(directory, name), 'utf8');
    const [, width, height] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg) ?? [];
    assert.ok(width && height, 'the SVG declares its width and height');
    const rendered = await page.evaluate(async (source) => {
      const image = new Image();
      const loaded = new Promise((resolve, reject) => {
        image.onload = resolve;
        image.onerror = () => reject(new Error('the browser could not load the SVG'));
      });
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
      await loaded;
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      // Pixels of the marks: blue circles, red crosses, the amber cleanup spans, dark lines.
      const colour = { blue: 0, red: 0, amber: 0, dark: 0 };
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (b > 150 && r < 80) colour.blue++;
        else if (r > 180 && g < 80 && b < 80) colour.red++;
        else if (r > 120 && g > 80 && b < 40 && r > g) colour.amber++;
        else if (r < 110 && g < 110 && b < 110) colour.dark++;
      }
      return { width: image.naturalWidth, height: image.naturalHeight, colour };
    }, svg);
    assert.equal(rendered.width, Number(width));
    assert.equal(rendered.height, Number(height));
    // Every diagram has values (blue) and lines and text (dark); the counts,
    // not their exact number, are what a broken drawing would lose.
    assert.ok(rendered.colour.blue > 50, `few value marks drawn: ${JSON.stringify(rendered.colour)}`);
    assert.ok(rendered.colour.dark > 300, `few lines drawn: ${JSON.stringify(rendered.colour)}`);
    if (svg.includes('#cf222e')) assert.ok(rendered.colour.red > 20, 'an error cross is in the SVG but not drawn');
    if (svg.includes('#d4a72c')) assert.ok(rendered.colour.amber > 20, 'a cleanup span is in the SVG but not drawn');
    await page.setContent(`<!doctype html><body style="margin:0">${svg}</body>`);
    await (await page.$('svg')).screenshot({ path: join(shots, name.replace(/\.svg$/, '.png').replace('/', '-')) });
  });
}
