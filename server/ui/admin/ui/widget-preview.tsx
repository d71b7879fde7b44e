/**
 * The widget's look, shown by the real widget: Parley's own /widget/parley.js in a frame of
 * this origin, with the look as `data-theme`; and the embed snippet that gives a site the same
 * widget. The frame is rebuilt as the look changes.
 */
import { useState } from 'preact/hooks';

export interface WidgetLook {
  primary: string;
  position: 'left' | 'right';
  title: string;
}

const attr = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll("'", '&#39;').replaceAll('"', '&quot;');

function themeOf(look: WidgetLook) {
  return JSON.stringify({ colors: { primary: look.primary }, position: look.position });
}

function scriptTag(origin: string, flexFlowSid: string, look: WidgetLook) {
  const strings = look.title ? ` data-strings='${attr(JSON.stringify({ title: look.title }))}'` : '';
  return `<script src="${origin}/widget/parley.js" data-flex-flow="${flexFlowSid}" data-theme='${attr(themeOf(look))}'${strings} async></script>`;
}

function npmSnippet(origin: string, flexFlowSid: string, look: WidgetLook) {
  const options = {
    flexFlowSid,
    serverUrl: origin,
    theme: { colors: { primary: look.primary }, position: look.position },
    ...(look.title && { strings: { title: look.title } }),
  };
  return `import { createWebchat } from 'parley-webchat';\n\nconst webchat = createWebchat(${JSON.stringify(options, null, 2)});`;
}

export function WidgetPreview({ flexFlowSid, look }: { flexFlowSid: string; look: WidgetLook }) {
  const origin = location.origin;
  const tag = scriptTag(origin, flexFlowSid, look);
  // storage none: the preview leaves nothing in this browser; the page is only the widget.
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget preview</title></head><body style="margin:0;background:#f4f4f6">${tag.replace(' async>', ' data-storage="none" async>')}</body></html>`;
  return (
    <aside class="card preview" aria-label="Widget preview">
      <h2>Live preview</h2>
      <iframe key={page} title="Widget preview" srcdoc={page} class="preview__frame" />
      <Snippet label="Script tag" text={tag} />
      <Snippet label="npm" text={npmSnippet(origin, flexFlowSid, look)} />
    </aside>
  );
}

function Snippet({ label, text }: { label: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="snippet">
      <label class="field">
        <span class="field__label">{`${label} snippet`}</span>
        <textarea class="mono" readOnly rows={label === 'npm' ? 8 : 4} value={text} />
      </label>
      <button
        type="button"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : `Copy ${label.toLowerCase()}`}
      </button>
    </div>
  );
}
