/**
 * Strings per locale. English ships in the widget; German, French and Spanish are separate
 * chunks loaded with `import()` only when asked for, so a visitor downloads one language at most.
 */
import { en, type Strings } from './en';

export type { Strings };

const lazyLocales: Record<string, () => Promise<{ strings: Strings }>> = {
  de: () => import('./de'),
  fr: () => import('./fr'),
  es: () => import('./es'),
};

/** The locale to use: the one asked for, else the browser's first language. */
export const pickLocale = (locale: string | undefined): string =>
  (locale || globalThis.navigator?.language || 'en').toLowerCase();

/** The strings for a locale such as `de` or `de-CH`; English for anything unknown. */
export async function loadStrings(locale: string): Promise<Strings> {
  const load = lazyLocales[locale] ?? lazyLocales[locale.split('-')[0] ?? ''];
  if (!load) return en;
  try {
    return (await load()).strings;
  } catch {
    return en;
  }
}

export { en as defaultStrings };

/** `format('{name} is typing…', 'Ada')` → `Ada is typing…`; `{size}` takes the second value. */
export const format = (template: string, name: string, size = ''): string =>
  template.replace('{name}', name).replace('{size}', size);
