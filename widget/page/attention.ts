/**
 * Draws the visitor's attention while the window is closed: the unread count in front of the
 * page title (`(2) Northwind Coffee`), and optionally a short tone (Web Audio, no file to load).
 */

/** Keeps `(n) ` in front of the page's title while n > 0; returns the updater. */
export function titleBadge(): (count: number) => void {
  let shown = 0;
  return (count) => {
    const base = shown ? document.title.replace(/^\(\d+\) /, '') : document.title;
    shown = count;
    document.title = count ? `(${count}) ${base}` : base;
  };
}

let audio: AudioContext | undefined;

/** A soft two-note chime; silently nothing where audio is blocked (no user gesture yet). */
export function chime(): void {
  try {
    audio ??= new AudioContext();
    const gain = audio.createGain();
    gain.connect(audio.destination);
    const now = audio.currentTime;
    gain.gain.setValueAtTime(0.08, now);
    gain.gain.exponentialRampToValueAtTime(0.001, now + 0.4);
    [660, 880].forEach((frequency, i) => {
      const tone = audio?.createOscillator();
      if (!tone) return;
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(now + i * 0.12);
      tone.stop(now + 0.4);
    });
  } catch {
    // No audio here: the badge still tells.
  }
}
