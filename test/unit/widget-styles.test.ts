/**
 * The widget's styles survive the build: every `css` and `keyframes` template of widget/ui, as
 * the build minifies it (vite.config.ts), gives goober the same rules as the text as written.
 * goober reads a declaration only up to its `;`, so a minifier that drops the last one of a
 * block loses it without a word (a button's colour, a focus outline).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { css, extractCss } from 'goober';
import { expect, it } from 'vitest';
import { minifyCss } from '../../vite.config.ts';

const UI = join(import.meta.dirname, '../../widget/ui');

/** The rules goober makes of `text`, its generated class name made the same for any text. */
function rules(text: string): string[] {
  extractCss();
  css(text);
  return extractCss()
    .replace(/\.go\d+/g, '.x')
    .split('}')
    .map((rule) => rule.replace(/\s+/g, ''))
    .filter(Boolean);
}

it('keeps every declaration of every widget style through the build', () => {
  const templates = readdirSync(UI)
    .filter((file) => /\.tsx?$/.test(file))
    .flatMap((file) =>
      [...readFileSync(join(UI, file), 'utf8').matchAll(/\b(?:css|keyframes)`([^`]*)`/g)].map(([, text]) => ({
        file,
        text: text as string,
      })),
    );
  expect(templates.length).toBeGreaterThan(20);
  for (const { file, text } of templates) {
    // Interpolations stand for values (colours, sizes): any one value does for the comparison.
    const written = text.replace(/\$\{[^}]*\}/g, '0');
    const built = minifyCss(text).replace(/\$\{[^}]*\}/g, '0');
    expect(built.length, file).toBeLessThan(written.length);
    expect(rules(built), `${file}: ${written.trim().slice(0, 60)}`).toEqual(rules(written));
  }
});
