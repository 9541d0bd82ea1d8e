// Notes are Markdown rendered to HTML that can run nothing and fetch nothing.
import MarkdownIt from 'markdown-it';

/** Links a note may hold: web pages, mail, and places on this page. */
const SAFE_LINK = /^(https?:|mailto:|#|\/|\.{0,2}\/|[^:]*$)/i;

// html: false escapes any HTML in the note (a <script> becomes text). Images are switched off: an
// image would be fetched from wherever it points, and no request may leave the page. Links are
// checked again here (markdown-it already refuses javascript:, vbscript:, file: and most data:).
const md = new MarkdownIt({ html: false, linkify: false, typographer: false }).disable('image');
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('rel', 'noopener noreferrer');
  token.attrSet('target', '_blank');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The note's Markdown as HTML with no raw HTML, no images, and only http(s), mailto and in-page links. */
export function renderMarkdown(markdown: string): string {
  return md.render(markdown);
}
