/**
 * The docs stay honest: every relative link in README.md and docs/*.md names a file or folder of the
 * repository, every `#anchor` a heading of the page it points to (by GitHub's slug rules), and the
 * README stays short enough to read in five minutes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const README_MAX_LINES = 200;

/** The lines of a Markdown page outside fenced code blocks, with inline code spans blanked. */
function proseLines(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      continue;
    }
    if (fence === undefined) lines.push(line);
  }
  return lines;
}

/**
 * GitHub's anchor for a heading (github-slugger): the rendered text lower-cased, punctuation and
 * symbols removed, each space a hyphen; a repeated slug gets `-1`, `-2`, ... in page order.
 */
function headingSlugs(text: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const rendered = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[`*]/g, '');
    const base = rendered
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** The link targets of a page's prose: `[text](target)`, without a title. */
function linkTargets(text: string): string[] {
  const prose = proseLines(text)
    .map((line) => line.replace(/`[^`]*`/g, '``'))
    .join('\n');
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
}

/** Every relative link of the pages that does not resolve, as `page: target (why)`; external links are not followed. */
function brokenLinks(root: string, pages: readonly string[]): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const hash = target.indexOf('#');
      const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const file = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
      if (relative(root, file).startsWith('..')) {
        problems.push(`${page}: ${target} (outside the repository)`);
      } else if (!existsSync(file)) {
        problems.push(`${page}: ${target} (no such file)`);
      } else if (anchor !== undefined) {
        if (statSync(file).isDirectory() || !file.endsWith('.md')) problems.push(`${page}: ${target} (an anchor into a page that is not Markdown)`);
        else if (!headingSlugs(readFileSync(file, 'utf8')).has(anchor)) problems.push(`${page}: ${target} (no such heading)`);
      }
    }
  }
  return problems;
}

/** README.md and every Markdown page under docs/, relative to the root. */
function docPages(root: string): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')) : [];
  return ['README.md', ...docs.sort().map((name) => `docs/${name}`)];
}

describe('the documentation', () => {
  test('every relative link in README.md and docs/ names an existing file, and every anchor an existing heading', () => {
    const pages = docPages(ROOT);

    const problems = brokenLinks(ROOT, pages);

    expect(pages.length).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });

  test(`README.md is at most ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length;

    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });
});

describe('the link check', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'flowq-links-'));
    mkdirSync(join(root, 'docs'));
    mkdirSync(join(root, 'queries'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('anchors follow GitHub: lower case, punctuation and code marks dropped, spaces as hyphens, repeats numbered', () => {
    const page = [
      '# Athena: deployment, IAM and the Glue catalog',
      '## Your own SQL: `flowq sql`',
      "## AWS's named queries",
      '## What changed: a range against its baseline',
      '## The `flow_logs` view',
      '## Notes',
      '## Notes',
      '```sh',
      '# a shell comment, not a heading',
      '```',
    ].join('\n');

    expect([...headingSlugs(page)]).toEqual([
      'athena-deployment-iam-and-the-glue-catalog',
      'your-own-sql-flowq-sql',
      'awss-named-queries',
      'what-changed-a-range-against-its-baseline',
      'the-flow_logs-view',
      'notes',
      'notes-1',
    ]);
  });

  test('reports a missing file, a missing heading and a path outside the repository, and passes the rest', () => {
    writeFileSync(join(root, 'docs/cli.md'), '# The command\n\n## `flowq run`\n');
    writeFileSync(
      join(root, 'README.md'),
      [
        '[fine](docs/cli.md) [fine](docs/cli.md#flowq-run) [folder](queries/) [web](https://example.com/x#y) [self](#top)',
        '# Top',
        '[gone](docs/gone.md) [no heading](docs/cli.md#flowq-sql) [outside](../DESIGN.md)',
        '`[in code](docs/none.md)`',
        '```',
        '[in a fence](docs/none.md)',
        '```',
      ].join('\n'),
    );

    expect(brokenLinks(root, docPages(root))).toEqual([
      'README.md: docs/gone.md (no such file)',
      'README.md: docs/cli.md#flowq-sql (no such heading)',
      'README.md: ../DESIGN.md (outside the repository)',
    ]);
  });
});
