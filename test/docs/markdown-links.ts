/**
 * Checks for the project's Markdown: every relative link resolves (a file or folder of the checkout, and
 * an #anchor to a heading of the Markdown file it points into, slugged as GitHub does), and every npm
 * command of a section exists (a built-in npm command, or a script of package.json).
 * Plain functions over text and paths, so the test can run them on deliberately broken files too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** Markdown with fenced code blocks blanked (line numbers kept) and inline code spans removed. */
function proseLines(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
      return '';
    }
    if (m) {
      fence = m[1];
      return '';
    }
    return line.replace(/(`+)[^`]*?\1/g, '');
  });
}

/** Lines inside fenced code blocks, with their 1-based line numbers. */
export function codeLines(markdown: string): { line: number; text: string }[] {
  let fence: string | null = null;
  const out: { line: number; text: string }[] = [];
  markdown.split('\n').forEach((line, i) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
      else out.push({ line: i + 1, text: line });
    } else if (m) fence = m[1];
  });
  return out;
}

/** Code a reader would type: lines of fenced blocks and inline code spans of the prose, with 1-based line numbers. */
export function codeSnippets(markdown: string): { line: number; text: string }[] {
  const spans: { line: number; text: string }[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((line, i) => {
    const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = null;
      return;
    }
    if (m) {
      fence = m[1];
      return;
    }
    for (const s of line.matchAll(/(`+)([^`]+?)\1/g)) spans.push({ line: i + 1, text: s[2] });
  });
  return [...codeLines(markdown), ...spans].sort((a, b) => a.line - b.line);
}

/** Link targets of a Markdown text: inline links and images `[t](x)`, and reference definitions `[t]: x`. */
export function linkTargets(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  proseLines(markdown).forEach((text, i) => {
    for (const m of text.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: i + 1, target: m[1].replace(/^<|>$/g, '') });
    const def = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (def) out.push({ line: i + 1, target: def[1].replace(/^<|>$/g, '') });
  });
  return out;
}

/** GitHub's heading slug: lower case, punctuation and symbols dropped, each space a hyphen. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or image keeps its text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .replace(/[`*]/g, '') // code and emphasis marks
    .trim();
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' slugs (repeats get -1, -2 …) and HTML id/name attributes. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = githubSlug(h[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<[a-z][^>]*\s(?:id|name)="([^"]+)"/gi)) anchors.add(m[1]);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Problems with the relative links of one Markdown file (paths resolve from its folder). */
export function checkLinks(file: string, markdown = readFileSync(file, 'utf8')): Problem[] {
  const problems: Problem[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    let a = anchorCache.get(path);
    if (!a) anchorCache.set(path, (a = anchorsOf(path === file ? markdown : readFileSync(path, 'utf8'))));
    return a;
  };
  for (const { line, target } of linkTargets(markdown)) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURI((hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, ''));
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const path = pathPart === '' ? file : resolve(dirname(file), pathPart);
    if (!existsSync(path)) {
      problems.push({ file, line, message: `${target}: ${pathPart} does not exist` });
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (!path.endsWith('.md') || statSync(path).isDirectory()) {
      problems.push({ file, line, message: `${target}: an #anchor into ${pathPart}, which is not a Markdown file` });
      continue;
    }
    if (!anchorsIn(path).has(anchor)) problems.push({ file, line, message: `${target}: no heading with the anchor #${anchor} in ${pathPart || 'this file'}` });
  }
  return problems;
}

/** The text of the section under the first heading whose text is `title` (up to the next heading of its level or above). */
export function section(markdown: string, title: string): { text: string; firstLine: number } | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^#{1,6}\\s+${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'i').test(l));
  if (start < 0) return undefined;
  const level = /^#+/.exec(lines[start])![0].length;
  let end = lines.length;
  let fence = false;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\s{0,3}(`{3,}|~{3,})/.test(lines[i])) fence = !fence;
    const h = !fence && /^(#{1,6})\s/.exec(lines[i]);
    if (h && h[1].length <= level) {
      end = i;
      break;
    }
  }
  return { text: lines.slice(start, end).join('\n'), firstLine: start + 1 };
}

/** npm commands that need no script. */
const NPM_BUILTINS = new Set(['ci', 'install', 'i', 'pack', 'publish', 'exec', 'init', 'link', 'ls', 'update', 'version', 'audit', 'outdated', 'view', 'help', 'config', 'prune', 'rebuild', 'uninstall']);
/** Shorthands that run the package.json script of the same name (`npm start` falls back to `node server.js`). */
const NPM_SCRIPT_SHORTHANDS = new Set(['start', 'test', 'stop', 'restart']);

/** Problems with the npm commands in the code (blocks and inline spans) of a Markdown text, against package.json's scripts. */
export function checkNpmCommands(file: string, markdown: string, scripts: Record<string, string>, firstLine = 1, packageDir = dirname(file)): Problem[] {
  const problems: Problem[] = [];
  for (const { line, text } of codeSnippets(markdown)) {
    const code = text.replace(/#.*$/, ''); // shell comment
    for (const m of code.matchAll(/(?:^|[\s;&|(])npm\s+(?:--?[\w-]+\s+)*([\w:.-]+)(?:\s+([\w:.-]+))?/g)) {
      const [, cmd, arg] = m;
      const at = { file, line: firstLine + line - 1 };
      if (cmd === 'run' || cmd === 'run-script') {
        if (!arg) problems.push({ ...at, message: `npm ${cmd} without a script name` });
        else if (!(arg in scripts)) problems.push({ ...at, message: `npm ${cmd} ${arg}: package.json has no script "${arg}"` });
      } else if (NPM_SCRIPT_SHORTHANDS.has(cmd)) {
        const fallback = cmd === 'start' && existsSync(resolve(packageDir, 'server.js'));
        if (!(cmd in scripts) && !fallback) problems.push({ ...at, message: `npm ${cmd}: package.json has no script "${cmd}"` });
      } else if (!NPM_BUILTINS.has(cmd)) {
        problems.push({ ...at, message: `npm ${cmd}: neither an npm command nor a script shorthand` });
      }
    }
  }
  return problems;
}
