/**
 * Turns a User-Agent string into what an agent needs to help ("Chrome 156 on Linux"), not a
 * full parser: the order of the checks matters because Edge and Opera also claim Chrome, and
 * Chrome also claims Safari.
 */

const BROWSERS: [name: string, pattern: RegExp][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /(?:OPR|Opera)\/(\d+)/],
  ['Samsung Internet', /SamsungBrowser\/(\d+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
  ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /Version\/(\d+)(?:\.\d+)*.*Safari\//],
];

const SYSTEMS: [name: string, pattern: RegExp][] = [
  ['Android', /Android/],
  ['iOS', /iPhone|iPad|iPod/],
  ['ChromeOS', /CrOS/],
  ['Windows', /Windows/],
  ['macOS', /Mac OS X|Macintosh/],
  ['Linux', /Linux/],
];

/**
 * @example describeBrowser('Mozilla/5.0 (X11; Linux x86_64) … Chrome/156.0.0.0 Safari/537.36')
 *   // → 'Chrome 156 on Linux'
 */
export function describeBrowser(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown';
  const browser = BROWSERS.map(([name, pattern]) => [name, pattern.exec(userAgent)?.[1]] as const).find(
    ([, version]) => version,
  );
  const system = SYSTEMS.find(([, pattern]) => pattern.test(userAgent))?.[0];
  const name = browser ? `${browser[0]} ${browser[1]}` : 'Unknown browser';
  return system ? `${name} on ${system}` : name;
}
