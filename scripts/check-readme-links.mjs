// The README is also the package's page on the npm registry, where only what
// the tarball holds exists: every link in it must be absolute or an anchor.
// Anchors must name a heading of the README (GitHub's slugs), and links into
// this repository (github.com/rxjs-cancel/rxjs-cancel, blob or tree, main)
// must name a file or folder that exists, as must its images (raw
// files of main). Run by `npm run lint`.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const repository = 'https://github.com/rxjs-cancel/rxjs-cancel/';
const raw = 'https://raw.githubusercontent.com/rxjs-cancel/rxjs-cancel/main/';
const readme = readFileSync(join(root, 'README.md'), 'utf8');
// Code blocks hold code, not links.
const prose = readme.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
const slugs = new Set();
const counts = new Map();
for (const [, title] of prose.matchAll(/^#{1,6} (.+)$/gm)) {
  const slug = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
  const seen = counts.get(slug) ?? 0;
  counts.set(slug, seen + 1);
  slugs.add(seen === 0 ? slug : `${slug}-${seen}`);
}

const problems = [];
const links = [...prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]);
for (const link of links) {
  if (link.startsWith('#')) {
    if (!slugs.has(link.slice(1))) problems.push(`${link}: no such heading`);
  } else if (link.startsWith(repository)) {
    const path = /^(?:blob|tree)\/main\/([^#?]+)/.exec(link.slice(repository.length))?.[1];
    if (path !== undefined && !existsSync(join(root, decodeURIComponent(path)))) {
      problems.push(`${link}: ${path} does not exist`);
    }
  } else if (link.startsWith(raw)) {
    const path = link.slice(raw.length);
    if (!existsSync(join(root, path))) problems.push(`${link}: ${path} does not exist`);
  } else if (!/^https?:\/\//.test(link)) {
    problems.push(`${link}: relative, broken on the registry page`);
  }
}
if (problems.length > 0) {
  console.error(`check-readme-links:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-readme-links: ${links.length} links, all absolute or anchors, all found`);
