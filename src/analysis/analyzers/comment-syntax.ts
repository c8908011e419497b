/** How a language writes comments: line markers and block pairs. */
export interface CommentSyntax {
  line: string[];
  block: [string, string][];
}

const C_STYLE: CommentSyntax = { line: ['//'], block: [['/*', '*/']] };
const HASH: CommentSyntax = { line: ['#'], block: [] };
const SGML: CommentSyntax = { line: [], block: [['<!--', '-->']] };
const NONE: CommentSyntax = { line: [], block: [] };

/**
 * Comment syntax by Linguist's `aceMode` (the editor mode, which groups languages that
 * share a syntax), with a few languages named where the mode is too coarse.
 */
const BY_ACE_MODE: Record<string, CommentSyntax> = {
  javascript: C_STYLE,
  typescript: C_STYLE,
  tsx: C_STYLE,
  jsx: C_STYLE,
  java: C_STYLE,
  c_cpp: C_STYLE,
  csharp: C_STYLE,
  golang: C_STYLE,
  rust: C_STYLE,
  kotlin: C_STYLE,
  scala: C_STYLE,
  swift: C_STYLE,
  dart: C_STYLE,
  objectivec: C_STYLE,
  groovy: C_STYLE,
  protobuf: C_STYLE,
  d: C_STYLE,
  glsl: C_STYLE,
  scss: C_STYLE,
  less: C_STYLE,
  php: { line: ['//', '#'], block: [['/*', '*/']] },
  css: { line: [], block: [['/*', '*/']] },
  python: HASH,
  ruby: { line: ['#'], block: [['=begin', '=end']] },
  sh: HASH,
  perl: HASH,
  yaml: HASH,
  toml: HASH,
  r: HASH,
  makefile: HASH,
  dockerfile: HASH,
  elixir: HASH,
  coffee: HASH,
  nix: { line: ['#'], block: [['/*', '*/']] },
  powershell: { line: ['#'], block: [['<#', '#>']] },
  sql: { line: ['--'], block: [['/*', '*/']] },
  lua: { line: ['--'], block: [['--[[', ']]']] },
  haskell: { line: ['--'], block: [['{-', '-}']] },
  elm: { line: ['--'], block: [['{-', '-}']] },
  html: SGML,
  xml: SGML,
  svg: SGML,
  markdown: SGML,
  lisp: { line: [';'], block: [] },
  clojure: { line: [';'], block: [] },
  scheme: { line: [';'], block: [] },
  erlang: { line: ['%'], block: [] },
  latex: { line: ['%'], block: [] },
  tex: { line: ['%'], block: [] },
  matlab: { line: ['%'], block: [['%{', '%}']] },
  vbscript: { line: ["'"], block: [] },
  ini: { line: [';', '#'], block: [] },
  properties: { line: ['#', '!'], block: [] },
  batchfile: { line: ['REM ', 'rem ', '::'], block: [] },
  json: NONE,
  text: NONE,
};

export function commentSyntax(aceMode: string | undefined): CommentSyntax {
  return (aceMode && BY_ACE_MODE[aceMode]) || NONE;
}

export interface LineCounts {
  code: number;
  comment: number;
  blank: number;
}

/**
 * Counts as cloc does: a blank line is whitespace only; a comment line holds only
 * comments (line markers, or inside or around a block comment); every other line is code.
 */
export function countLines(text: string, syntax: CommentSyntax): LineCounts {
  const counts = { code: 0, comment: 0, blank: 0 };
  let openEnd: string | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      counts.blank++;
      continue;
    }
    let hasCode = false;
    let hasComment = false;
    let i = 0;
    while (i < line.length) {
      if (openEnd !== null) {
        hasComment = true;
        const end = line.indexOf(openEnd, i);
        if (end < 0) break;
        i = end + openEnd.length;
        openEnd = null;
        continue;
      }
      const rest = line.slice(i);
      if (syntax.line.some((m) => rest.startsWith(m))) {
        hasComment = true;
        break;
      }
      const block = syntax.block.find(([start]) => rest.startsWith(start));
      if (block) {
        openEnd = block[1];
        i += block[0].length;
        hasComment = true;
        continue;
      }
      if (!/\s/.test(line[i])) hasCode = true;
      i++;
    }
    if (hasCode) counts.code++;
    else if (hasComment) counts.comment++;
    else counts.code++;
  }
  return counts;
}
