/**
 * The documentation's links and commands hold: every relative link of README.md and docs/*.md resolves
 * (files, folders, and #anchors of Markdown headings as GitHub slugs them), and every npm command of
 * README's Quick start is an npm command or a script of package.json. The checker is first run on broken
 * files written to a temporary folder, so a checker that finds nothing cannot pass.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorsOf, checkLinks, checkNpmCommands, githubSlug, linkTargets, section } from './markdown-links.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = join(ROOT, 'docs');
const pages = [join(ROOT, 'README.md'), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))];
const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
const show = (ps: { file: string; line: number; message: string }[]) => ps.map((p) => `${p.file}:${p.line}: ${p.message}`);

describe('the checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecgpu-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('slugs headings as GitHub does', () => {
    expect(githubSlug('Quick start')).toBe('quick-start');
    expect(githubSlug('Embedding the `Classifier` (Node and a page)')).toBe('embedding-the-classifier-node-and-a-page');
    expect(githubSlug('Real records — across sources')).toBe('real-records--across-sources');
    expect(githubSlug('`npm run train:real`: fine_tuned, 0.88')).toBe('npm-run-trainreal-fine_tuned-088');
    expect(githubSlug('**Bold** and [a link](x.md)')).toBe('bold-and-a-link');
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n### A\n<a id="here"></a>')].sort()).toEqual(['a', 'a-1', 'a-2', 'here']);
  });

  it('reads inline links, images and reference definitions, not code', () => {
    const md = 'see [x](a.md#b) and ![i](img.png "t")\n`[no](code.md)`\n```\n[no](block.md)\n```\n[ref]: <docs/c d.md>';
    expect(linkTargets(md).map((l) => l.target)).toEqual(['a.md#b', 'img.png', 'docs/c d.md']);
  });

  it('reports a missing file, a missing anchor, an anchor into a non-Markdown file, and passes good links', () => {
    writeFileSync(join(dir, 'other.md'), '# Other page\n## Its section\n');
    writeFileSync(join(dir, 'data.txt'), 'x');
    const page = join(dir, 'page.md');
    writeFileSync(page, [
      '# Page', '## Here', '[ok](other.md) [ok](other.md#its-section) [ok](#here) [ok](https://example.org/x) [ok](data.txt) [ok](./)',
      '[bad](missing.md)', '[bad](other.md#no-such-section)', '[bad](#nowhere)', '[bad](data.txt#x)',
    ].join('\n'));
    const problems = checkLinks(page);
    expect(problems.map((p) => p.line)).toEqual([4, 5, 6, 7]);
    expect(problems[0].message).toMatch(/missing\.md does not exist/);
    expect(problems[1].message).toMatch(/#no-such-section/);
  });

  it('accepts built-in npm commands and existing scripts, reports the rest', () => {
    const md = '## Quick start\n```sh\ngit clone x && cd ecgpu\nnpm ci\nnpm start   # npm run nothing-here in a comment\nnpm test\nnpm run build\nnpm run no-such-script\nnpm frobnicate\n```\n`npm stop` stops it';
    const s = section(md, 'Quick start')!;
    const problems = checkNpmCommands('README.md', s.text, { start: 'x', test: 'y', build: 'z' }, s.firstLine, dir);
    expect(problems.map((p) => p.message)).toEqual([
      'npm run no-such-script: package.json has no script "no-such-script"',
      'npm frobnicate: neither an npm command nor a script shorthand',
      'npm stop: package.json has no script "stop"',
    ]);
    expect(problems.map((p) => p.line)).toEqual([8, 9, 11]);
    expect(checkNpmCommands('README.md', '```\nnpm test\n```', {}, 1, dir)).toHaveLength(1);
  });
});

describe('the documentation', () => {
  it('has README.md and docs pages to check', () => {
    expect(pages.length).toBeGreaterThan(1);
  });

  for (const page of pages) {
    it(`${page.slice(ROOT.length + 1)}: every relative link resolves`, () => {
      expect(show(checkLinks(page))).toEqual([]);
    });
  }

  it('README.md: every npm command of the Quick start exists', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const quick = section(readme, 'Quick start');
    expect(quick, 'README.md has a "Quick start" section').toBeDefined();
    expect(quick!.text).toMatch(/\bnpm\s/);
    expect(show(checkNpmCommands(join(ROOT, 'README.md'), quick!.text, scripts, quick!.firstLine, ROOT))).toEqual([]);
  });
});
