/**
 * Strings per locale. English ships in the widget; other locales are separate chunks loaded
 * with `import()` only when asked for, so a visitor downloads one language at most.
 */
import { en, type Strings } from './en';

export type { Strings };

/** Locales beyond English, each a lazily loaded module exporting `strings` (none yet). */
const lazyLocales: Record<string, () => Promise<{ strings: Partial<Strings> }>> = {};

/** The strings for a locale such as `de` or `de-CH`; English for anything unknown. */
export async function loadStrings(locale: string | undefined): Promise<Strings> {
  const load = locale ? (lazyLocales[locale] ?? lazyLocales[locale.split('-')[0] ?? '']) : undefined;
  if (!load) return en;
  try {
    return { ...en, ...(await load()).strings };
  } catch {
    return en;
  }
}

export { en as defaultStrings };

/** `format('{name} is typing…', 'Ada')` → `Ada is typing…` */
export const format = (template: string, name: string): string => template.replace('{name}', name);
