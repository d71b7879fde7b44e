/**
 * The checks an upload passes while it streams, so no file is ever held whole in memory: its
 * size against a limit (refused at the first byte past it), and its real type, sniffed from
 * its first bytes (magic numbers) and compared with what its name promises. Plain text is
 * checked all the way through: valid UTF-8 without control characters.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { ParleyError } from '../errors.ts';

/** How many leading bytes the sniffer looks at (what file-type needs for every kind it knows). */
const HEAD_BYTES = 4100;
const ALLOWED = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/** What each accepted extension must really contain. */
export const TYPE_OF_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
};

export const unsupportedType = (filename: string) =>
  new ParleyError(
    'unsupported_file_type',
    `${filename} is not an image (png, jpeg, gif, webp), a pdf or plain text (.txt)`,
    415,
  );

export const fileTooLarge = (filename: string, limit: number, why: string) =>
  new ParleyError('file_too_large', `${filename} is larger than ${limit} bytes, ${why}`, 413);

/**
 * A pass-through stream that fails with a ParleyError as soon as the bytes break a rule;
 * once it has ended, `contentType` is the sniffed type (equal to `claimed`).
 */
export class UploadCheck extends Transform {
  contentType: string | null = null;
  size = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private text: TextDecoder | null = null;

  constructor(
    private readonly filename: string,
    /** The type the file's extension promises. */
    private readonly claimed: string,
    private readonly limit: number,
    /** Why the limit is what it is, for the message (e.g. "the largest file allowed"). */
    private readonly limitReason: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      done(fileTooLarge(this.filename, this.limit, this.limitReason));
    } else if (this.contentType) {
      done(this.checkText(chunk), chunk);
    } else {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      if (this.headBytes < HEAD_BYTES) done();
      else this.decide().then(() => done(), done);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.size === 0) {
      done(new ParleyError('invalid_file', `${this.filename} is empty`, 400));
      return;
    }
    const decided = this.contentType ? Promise.resolve() : this.decide();
    decided.then(() => {
      try {
        this.text?.decode();
        done();
      } catch {
        done(this.notReally('not valid UTF-8 text'));
      }
    }, done);
  }

  /** Sniffs the head, refuses a mismatch, then lets the head through. */
  private async decide(): Promise<void> {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    const detected = await fileTypeFromBuffer(head);
    let contentType: string | null;
    if (detected) contentType = ALLOWED.has(detected.mime) ? detected.mime : null;
    else {
      this.text = new TextDecoder('utf-8', { fatal: true });
      contentType = this.checkText(head) ? null : 'text/plain';
    }
    if (!contentType) throw unsupportedType(this.filename);
    // A name that promises one kind over bytes of another (a "cat.png" that is a script) is refused.
    if (contentType !== this.claimed) throw this.notReally(`its content is ${contentType}`);
    this.contentType = contentType;
    this.push(head);
  }

  /** For plain text: an error when this piece is not valid text, else null. */
  private checkText(chunk: Buffer): ParleyError | null {
    if (!this.text) return null;
    try {
      if (!CONTROL.test(this.text.decode(chunk, { stream: true }))) return null;
    } catch {
      // Invalid UTF-8: reported below like a control character.
    }
    return this.contentType ? this.notReally('it is not plain text') : unsupportedType(this.filename);
  }

  private notReally(why: string): ParleyError {
    const extension = this.filename.includes('.') ? this.filename.split('.').pop()?.toLowerCase() : 'txt';
    return new ParleyError(
      'unsupported_file_type',
      `${this.filename} is not really a .${extension} file: ${why}`,
      415,
    );
  }
}
