// Reads a PLV8 function out of its rendered SQL file, so that tests can run its body in a
// Node vm the way PLV8 runs it (test/plv8-bundle.test.ts). Only the tests need this.
import { PLV8_TAG } from '../../scripts/lib/plv8-bundle.js';

/** A CREATE FUNCTION's name, argument names and $plv8$-quoted body. */
export interface Plv8Function {
  name: string;
  args: string[];
  body: string;
}

/** Parses the first CREATE FUNCTION ... $plv8$ body $plv8$ of a (rendered) SQL text. */
export function plv8FunctionBody(renderedSql: string): Plv8Function {
  const head = /create\s+(?:or\s+replace\s+)?function\s+([\w$."]+)\s*\(/i.exec(renderedSql);
  if (!head) throw new Error('no CREATE FUNCTION found');
  // Argument list: up to the matching parenthesis (types may contain parentheses, e.g. numeric(10,2)).
  let depth = 1;
  let i = head.index + head[0].length;
  const argsStart = i;
  for (; i < renderedSql.length && depth > 0; i++) {
    if (renderedSql[i] === '(') depth++;
    else if (renderedSql[i] === ')') depth--;
  }
  if (depth !== 0) throw new Error(`unbalanced argument list of ${head[1]}`);
  const argText = renderedSql.slice(argsStart, i - 1);
  const args = splitTopLevel(argText)
    .map((a) => a.replace(/--[^\n]*/g, '').trim())
    .filter((a) => a.length > 0)
    .map((a) => {
      const words = a.split(/\s+/);
      const w = /^(in|out|inout|variadic)$/i.test(words[0]) ? words.slice(1) : words;
      return w[0].replace(/"/g, '');
    });
  const open = renderedSql.indexOf(PLV8_TAG, i);
  if (open < 0) throw new Error(`no ${PLV8_TAG} body in ${head[1]}`);
  const close = renderedSql.indexOf(PLV8_TAG, open + PLV8_TAG.length);
  if (close < 0) throw new Error(`unterminated ${PLV8_TAG} body in ${head[1]}`);
  return { name: head[1], args, body: renderedSql.slice(open + PLV8_TAG.length, close) };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
