// The README as npm shows it: npm's page has no docs/ folder beside it, so every link to the
// project's own files is absolute, to the repository package.json names (the one place the
// address is written). Each one is mapped back to the local file, which must exist, and an
// anchor must name a heading of the target (GitHub's slugs). The docs' relative links too.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository: { url: string };
  homepage: string;
  bugs: { url: string };
  files: string[];
};
const REPO = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
const BLOB = `${REPO}/blob/main/`;
const TREE = `${REPO}/tree/main/`;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Markdown links outside code: [text](target). */
function links(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) out.push(m[1]!);
  }
  return out;
}

/** Where a link points in this checkout: [file, anchor], or undefined for another site. */
function local(from: string, target: string): [string, string | undefined] | undefined {
  const [path, anchor] = target.split('#') as [string, string | undefined];
  if (target.startsWith(BLOB) || target.startsWith(TREE)) return [path.slice(BLOB.length), anchor];
  if (/^[a-z]+:/i.test(target)) return undefined;
  if (path === '') return [from, anchor];
  return [join(from, '..', path), anchor];
}

function check(doc: string, target: string): string | undefined {
  const to = local(doc, target);
  if (!to) return undefined;
  const [file, anchor] = to;
  const abs = join(root, file);
  if (!existsSync(abs)) return `${target}: ${file} does not exist`;
  if (anchor !== undefined) {
    if (!file.endsWith('.md') || statSync(abs).isDirectory()) return `${target}: an anchor into a file that is not markdown`;
    if (!anchors(readFileSync(abs, 'utf8')).has(anchor)) return `${target}: no heading "#${anchor}" in ${file}`;
  }
  return undefined;
}

describe('README links, as npm renders them', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('package.json names the repository, its home page and issues, from one address', () => {
    expect(REPO).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    expect(pkg.homepage).toBe(`${REPO}#readme`);
    expect(pkg.bugs.url).toBe(`${REPO}/issues`);
  });

  it('links to the project files are absolute: npm has no docs/ beside the README', () => {
    const relative = links(readme).filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#'));
    expect(relative).toEqual([]);
    const other = links(readme).filter((l) => /^https:\/\/github\.com\//.test(l) && !l.startsWith(REPO));
    expect(other).toEqual([]);
  });

  it('every link to the project resolves: the file exists, the anchor names a heading', () => {
    const all = links(readme);
    expect(all.filter((l) => l.startsWith(BLOB)).length).toBeGreaterThan(10);
    expect(all.map((l) => check('README.md', l)).filter(Boolean)).toEqual([]);
  });

  it('GitHub slugs, as the anchors are written', () => {
    expect([...anchors("# guard(stripe, options)\n## In production\n## msw handlers\n## msw handlers\n## Stripe's refusals")]).toEqual([
      'guardstripe-options',
      'in-production',
      'msw-handlers',
      'msw-handlers-1',
      'stripes-refusals',
    ]);
  });
});

describe('documentation links', () => {
  const docs = [
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
    'CONTRIBUTING.md',
    'examples/README.md',
    'examples/stripe-app/README.md',
  ];
  it.each(docs)('%s: every relative link and anchor resolves', (doc) => {
    const text = readFileSync(join(root, doc), 'utf8');
    expect(
      links(text)
        .map((l) => check(doc, l))
        .filter(Boolean),
    ).toEqual([]);
  });
});
