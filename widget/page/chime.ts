/** The optional new-message tone (a lazily loaded chunk): Web Audio, no file to load. */

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
