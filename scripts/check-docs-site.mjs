// The API reference as a reader meets it, checked after `npm run docs` built
// it into docs/api/ (a static site, ready to publish as it is, e.g. to GitHub
// Pages, for which typedoc writes .nojekyll): its landing page introduces the
// package and lists the operators before anything else, and every module page
// shows its operators (or, for the testing entry, runAsync) first, the error
// classes and types after.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const site = resolve(import.meta.dirname, '..', 'docs', 'api');
const problems = [];
const text = (html) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const headings = (html, tag) =>
  [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map((match) => text(match[1]));

const landing = readFileSync(join(site, 'index.html'), 'utf8');
if (!text(landing).includes("Python asyncio's cancellation discipline for RxJS")) {
  problems.push('the landing page does not introduce the package');
}
const sections = headings(landing, 'h2');
if (sections[0] !== 'Operators') problems.push(`the landing page starts with ${sections[0]}, not Operators`);
for (const operator of ['cancellable', 'finalizeCleanup', 'timeoutCancel', 'shieldUntil', 'switchMapCancel']) {
  if (!landing.includes(`functions/rxjs-cancel.${operator}.html`))
    problems.push(`the landing page does not link ${operator}`);
}
const firstGroup = { 'rxjs-cancel': 'Operators', 'rxjs-cancel_angular': 'Operators', 'rxjs-cancel_testing': 'Testing' };
for (const [page, expected] of Object.entries(firstGroup)) {
  const groups = headings(readFileSync(join(site, 'modules', `${page}.html`), 'utf8'), 'h2');
  if (groups[0] !== expected) problems.push(`modules/${page}.html starts with ${groups[0]}, not ${expected}`);
}
if (!existsSync(join(site, '.nojekyll'))) problems.push('no .nojekyll: GitHub Pages would drop files');
// Each operator's page shows its marble diagram, copied into the site.
for (const diagram of readdirSync(join(site, '..', 'diagrams')).filter((name) => name.endsWith('.svg'))) {
  const operator = diagram.replace(/\.svg$/, '');
  const page = readFileSync(join(site, 'functions', `rxjs-cancel.${operator}.html`), 'utf8');
  if (!page.includes(`src="../media/${diagram}"`) || !existsSync(join(site, 'media', diagram))) {
    problems.push(`the page of ${operator} does not show docs/diagrams/${diagram}`);
  }
}
// The landing page shows the asyncio timelines.
for (const diagram of readdirSync(join(site, '..', 'diagrams', 'asyncio'))) {
  if (!landing.includes(`src="media/${diagram}"`) || !existsSync(join(site, 'media', diagram))) {
    problems.push(`the landing page does not show docs/diagrams/asyncio/${diagram}`);
  }
}
if (problems.length > 0) {
  console.error(`check-docs-site: ${problems.join('; ')}`);
  process.exit(1);
}
console.log('check-docs-site: the landing page and every module list operators first');
